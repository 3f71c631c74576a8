// The exact JSON text a record or asset was parsed from (by a queue), so a sink that stores JSON can
// reuse it instead of serializing the object again. Objects handed to sinks are read-only: a sink
// that changed one would make the remembered text stale.
const texts = new WeakMap<object, string>();

/** Remembers that `value` was parsed from `json`. */
export function rememberJson(value: object, json: string): void {
  texts.set(value, json);
}

/** The JSON text of `value`: the text it was parsed from when known, else `JSON.stringify(value)`. */
export function jsonOf(value: object): string {
  return texts.get(value) ?? JSON.stringify(value);
}
