import { adoptPageTexts } from './records/page-text';

/**
 * Parses a vendor's JSON response body. To callers the result is plain JSON, read-only by contract
 * (the conformance suite checks that records do not depend on it). Behind that, a page of the form
 * `{"<key>":[{…},…]}` has each object marked with its own text, so the envelope reuses the vendor's
 * text instead of serializing the object again (ADR 0006, 0008). Throws `SyntaxError` as `JSON.parse`.
 */
export function parseJsonBody(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    let only: string | undefined;
    for (const key in value) {
      if (only !== undefined) return value;
      only = key;
    }
    const items = only === undefined ? undefined : (value as Record<string, unknown>)[only];
    if (Array.isArray(items)) adoptPageTexts(text, only!, items);
  }
  return value;
}
