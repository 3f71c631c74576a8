/**
 * Key names that reach an object's prototype when written as `obj[key] = …` or read as a path. Every
 * place that turns user input (settings, filter fields, search paths, manifests) into an object or a
 * lookup refuses them.
 */
export const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.includes(key);
}

/** The first unsafe segment of a dot path (`a.__proto__.b` → `__proto__`); undefined when none. */
export function unsafeSegment(path: string): string | undefined {
  return path.split('.').find(isUnsafeKey);
}

/**
 * The dot path of the first unsafe own key anywhere in a parsed JSON value (`JSON.parse` keeps
 * `"__proto__"` as an own key, which a later merge would turn into a prototype); undefined when none.
 */
export function findUnsafeKey(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeKey(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (isUnsafeKey(key)) return at;
    const found = findUnsafeKey((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}
