/** `s.trim() === ''` without scanning (or copying) the strings that do not start with white space. */
export function blankString(s: string): boolean {
  return s.length === 0 || (mayTrim(s.charCodeAt(0)) && s.trim() === '');
}

/** Whether `trim` might remove this character: every one it removes is ≤ U+0020, U+00A0, U+FEFF or in U+1680–U+3000. */
export function mayTrim(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code >= 0x1680;
}

/** Whether a value carries no information: null, undefined, blank string, empty array or object. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return blankString(value);
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
  /** The value without blanks, in the order received; unchanged parts are the input's own objects. */
  value: T;
  /** Its JSON: equal data received in the same order, equal text. */
  json: string;
}

/**
 * `pruneBlank` and `JSON.stringify` for the record hot path (the record text and the input of its id).
 * Copy-on-write: a subtree without blanks is returned as is, not copied, so a vendor object with a few
 * blank fields costs a few small copies rather than a deep one. Keys keep the order received: a
 * vendor serializes one API version in a fixed order and a plugin builds its fields in code order, so
 * equal data gives equal text; sorting every object would cost more than the copy and the stringify
 * together (docs/adr/0005-record-id-key-order.md). The input must not be mutated afterwards (it is shared).
 */
export function canonicalize<T>(value: T): Canonical<T> | undefined {
  const pruned = pruneShared(value);
  return pruned === undefined ? undefined : { value: pruned as T, json: JSON.stringify(pruned) };
}

/**
 * An object's JSON without its blank members, known before it was serialized: the text it was parsed
 * from, with the blank members cut out (`adoptPageTexts`). Equal to `canonicalize(object).json`.
 * A non-enumerable symbol: invisible to JSON, spread, `Object.keys` and deep equality.
 */
export const PRUNED_JSON: unique symbol = Symbol.for('@connectors/framework.prunedJson') as never;

function prunedJsonOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const json = (value as { [PRUNED_JSON]?: unknown })[PRUNED_JSON];
  return typeof json === 'string' ? json : undefined;
}

/**
 * The members of `canonicalize(fields).json`, without its braces, made without pruning or serializing
 * the members whose JSON is known (`PRUNED_JSON`, on the fields' own members: where a plugin puts the
 * vendor object); undefined when none is, for the caller to take `canonicalize`. Without braces, so the
 * envelope joins them with its own members and the vendor object's text is copied once, not twice.
 */
export function splicedMembers(fields: unknown): string | undefined {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
  if (Object.getPrototypeOf(fields) !== Object.prototype) return undefined;
  const obj = fields as Record<string, unknown>;
  let known = false;
  for (const k in obj) {
    if (prunedJsonOf(obj[k]) !== undefined) {
      known = true;
      break;
    }
  }
  if (!known) return undefined;
  let json: string | undefined;
  for (const k in obj) {
    const v = obj[k];
    let text = prunedJsonOf(v);
    if (text === undefined) {
      const pruned = pruneShared(v);
      if (pruned === undefined) continue;
      // undefined for what JSON leaves out of an object (a function, a symbol), as the whole would.
      text = JSON.stringify(pruned) as string | undefined;
      if (text === undefined) continue;
    }
    const member = `${JSON.stringify(k)}:${text}`;
    json = json === undefined ? member : `${json},${member}`;
  }
  return json;
}

/** Like `pruneBlank`, but returns the input itself (or its unchanged subtrees) where nothing is blank. */
export function pruneShared(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return blankString(value) ? undefined : value;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return pruneArray(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  // `for…in` walks a plain object's keys from V8's enum cache without allocating a key array; it would
  // also list inherited enumerable keys, which JSON ignores, so objects with another prototype take the
  // `Object.keys` path.
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null
    ? prunePlain(value as Record<string, unknown>)
    : pruneKeys(value as Record<string, unknown>, Object.keys(value));
}

function prunePlain(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  let kept = 0;
  let i = 0;
  for (const k in obj) {
    const v = obj[k];
    const p = pruneShared(v);
    // A dropped key (even one whose value is `undefined`) is a change too: blanks never become keys.
    if ((p !== v || p === undefined) && out === undefined) out = copyFirst(obj, Object.keys(obj), i);
    if (p !== undefined) {
      kept++;
      if (out !== undefined) out[k] = p;
    }
    i++;
  }
  return kept === 0 ? undefined : (out ?? obj);
}

function pruneKeys(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  let kept = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = obj[k];
    const p = pruneShared(v);
    if ((p !== v || p === undefined) && out === undefined) out = copyFirst(obj, keys, i);
    if (p !== undefined) {
      kept++;
      if (out !== undefined) out[k] = p;
    }
  }
  return kept === 0 ? undefined : (out ?? obj);
}

/** At the first change: a copy of what came before it (all kept as they were), to continue into. */
function copyFirst(obj: Record<string, unknown>, keys: string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < count; j++) out[keys[j]] = obj[keys[j]];
  return out;
}

function pruneArray(value: unknown[]): unknown[] | undefined {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const p = pruneShared(v);
    if ((p !== v || p === undefined) && out === undefined) out = value.slice(0, i);
    if (out !== undefined && p !== undefined) out.push(p);
  }
  const result = out ?? value;
  return result.length ? result : undefined;
}
