/**
 * Parses a vendor's JSON response body for the framework's HTTP helpers. To callers the result is plain,
 * read-only JSON; the engine may make objects that remember their text behind it (ADR 0008).
 */
export function parseJsonBody(text: string): unknown {
  return JSON.parse(text) as unknown;
}
