import { adoptPageTexts } from './records/page-text';

/**
 * Parses a vendor's JSON response body. To callers the result is plain JSON, read-only by contract
 * (the conformance suite checks that records do not depend on it). Behind that, the objects of a page's
 * one array of objects (`{"items":[…]}`, or `{"meta":…,"resources":[…],"errors":[]}`) are marked with
 * their own text, so the envelope reuses the vendor's text instead of serializing each object again
 * (ADR 0006, 0008). Throws `SyntaxError` as `JSON.parse`.
 */
export function parseJsonBody(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const page = value as Record<string, unknown>;
  let key: string | undefined;
  for (const k in page) {
    const member = page[k];
    if (!Array.isArray(member) || member.length === 0) continue;
    if (key !== undefined) return value; // two arrays with items: which one holds the records is unclear
    key = k;
  }
  if (key === undefined) return value;
  const items = page[key] as unknown[];
  const keys = Object.keys(page);
  if (keys.length === 1) {
    adoptPageTexts(text, key, items);
    return value;
  }
  // The other members around the array must be exactly what JSON.stringify writes; then the text
  // between them is the array's, and is scanned as a page of its own.
  const at = keys.indexOf(key);
  const json = (from: number, to: number): string =>
    keys
      .slice(from, to)
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(page[k])}`)
      .join(',');
  const before = `{${json(0, at)}${at > 0 ? ',' : ''}${JSON.stringify(key)}:[`;
  const after = `]${at < keys.length - 1 ? ',' : ''}${json(at + 1, keys.length)}}`;
  if (text.startsWith(before) && text.endsWith(after) && text.length >= before.length + after.length) {
    adoptPageTexts(`{"items":[${text.slice(before.length, text.length - after.length)}]}`, 'items', items);
  }
  return value;
}
