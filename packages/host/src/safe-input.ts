import { findUnsafeKey, unsafeSegment } from '@connectors/framework/engine';
import { HostInputError } from './errors';

/** How to fix a `__proto__`, `constructor` or `prototype` key. */
export const UNSAFE_KEY_HINT =
  'Remove it: "__proto__", "constructor" and "prototype" are never setting or field names.';

/** Throws when a dot path names `__proto__`, `constructor` or `prototype`, which reach an object's prototype. */
export function refuseUnsafePath(path: string, field: string): void {
  const segment = unsafeSegment(path);
  if (segment !== undefined)
    throw new HostInputError(
      'KEY_FORBIDDEN',
      field,
      `"${path}" names "${segment}", which is not allowed`,
      UNSAFE_KEY_HINT,
    );
}

/** Throws when user input (a settings object, a JSON body) holds such a key anywhere. */
export function refuseUnsafeKeys(value: unknown, field: string): void {
  const at = findUnsafeKey(value);
  if (at !== undefined)
    throw new HostInputError(
      'KEY_FORBIDDEN',
      field,
      `"${at}" names a key that is not allowed`,
      UNSAFE_KEY_HINT,
    );
}
