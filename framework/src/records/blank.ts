/** Whether a value carries no information: null, undefined, blank string, empty array or object. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

/** A deep copy without blank values (blank vendor values never become fields). */
export function pruneBlank<T>(value: T): T | undefined {
  if (Array.isArray(value)) {
    const arr = value.map((v) => pruneBlank(v)).filter((v) => v !== undefined);
    return (arr.length ? arr : undefined) as T | undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const pruned = pruneBlank(v);
      if (pruned !== undefined) out[k] = pruned;
    }
    return (Object.keys(out).length ? out : undefined) as T | undefined;
  }
  return isBlank(value) ? undefined : value;
}

/** JSON with object keys sorted, so equal data always hashes the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export interface Canonical<T> {
  /** The value without blanks, object keys in sorted order. */
  value: T;
  /** Its JSON: equal data, equal text. */
  json: string;
}

/**
 * `pruneBlank` and `stableStringify` for the record hot path: the pruned copy is built with its
 * keys in sorted order, so one native `JSON.stringify` of it is already canonical.
 */
export function canonicalize<T>(value: T): Canonical<T> | undefined {
  const pruned = pruneSorted(value);
  return pruned === undefined ? undefined : { value: pruned as T, json: JSON.stringify(pruned) };
}

function pruneSorted(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const p = pruneSorted(item);
      if (p !== undefined) out.push(p);
    }
    return out.length ? out : undefined;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const keys = Object.keys(value as object).sort();
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k of keys) {
    const p = pruneSorted((value as Record<string, unknown>)[k]);
    if (p !== undefined) {
      out[k] = p;
      any = true;
    }
  }
  return any ? out : undefined;
}
