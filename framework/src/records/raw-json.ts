// The exact JSON text a record or asset was built or parsed from, so a queue or sink that stores JSON
// can reuse it instead of serializing the object again. Objects handed to sinks are read-only: a sink
// that changed one would make the remembered text stale.
//
// Kept on the object under a non-enumerable symbol (invisible to JSON, spread, Object.keys and deep
// equality; a spread copy does not inherit a text that may no longer match it). A property, not a
// WeakMap: a WeakMap lookup per record and its ephemeron work in the garbage collector are the cost
// this text exists to save.
// Symbol.for: a plugin bundling its own copy of the framework shares the key.
export const JSON_TEXT: unique symbol = Symbol.for('@connectors/framework.jsonText') as never;

/** For objects that cannot take the property (frozen, sealed). */
const fallback = new WeakMap<object, string>();

/** Remembers that `value` was built or parsed as `json`. */
export function rememberJson(value: object, json: string): void {
  if (Object.isExtensible(value)) {
    Object.defineProperty(value, JSON_TEXT, { value: json, configurable: true, writable: true });
  } else {
    fallback.set(value, json);
  }
}

/** The JSON text of `value`: the text it was built or parsed from when known, else `JSON.stringify(value)`. */
export function jsonOf(value: object): string {
  return textOf(value, false);
}

/**
 * `jsonOf`, remembering a text it had to compute, for objects read-only from then on (queue entries):
 * the in-process queue counts an asset's bytes and the lake stores the same text, serialized once.
 */
export function keptJsonOf(value: object): string {
  return textOf(value, true);
}

function textOf(value: object, keep: boolean): string {
  const text = (value as { [JSON_TEXT]?: unknown })[JSON_TEXT];
  if (typeof text === 'string') return text;
  const known = fallback.get(value);
  if (known !== undefined) return known;
  const json = JSON.stringify(value);
  if (keep) rememberJson(value, json);
  return json;
}
