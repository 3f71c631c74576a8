import { HostInputError } from '../errors';

const MAX_NAME = 64;
// Printable ASCII only: the product refuses multibyte characters in connector names.
const CONNECTOR_NAME_RE = /^[\x20-\x7e]+$/;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Connector and filter names: required, at most 64 characters, no multibyte characters. */
export function checkName(name: unknown, field = 'name'): string {
  const value = typeof name === 'string' ? name.trim() : '';
  if (!value) throw new HostInputError('NAME_REQUIRED', field, 'is required', `Pass --${field} with a name.`);
  if (!CONNECTOR_NAME_RE.test(value)) {
    const bad = [...value].find((ch) => !CONNECTOR_NAME_RE.test(ch)) ?? '';
    const control = bad.length === 1 && bad.charCodeAt(0) < 0x20;
    throw new HostInputError(
      control ? 'NAME_CONTROL_CHARACTER' : 'NAME_MULTIBYTE',
      field,
      `${JSON.stringify(value)} contains a character that is not allowed (${JSON.stringify(bad)}): ${
        control ? 'control characters such as line breaks and tabs' : 'multibyte characters'
      } are not accepted`,
      'Use ASCII letters, digits, spaces and punctuation only.',
    );
  }
  if (value.length > MAX_NAME) {
    throw new HostInputError(
      'NAME_TOO_LONG',
      field,
      `is longer than ${MAX_NAME} characters`,
      `Use at most ${MAX_NAME} characters.`,
    );
  }
  return value;
}

/** Tenant, sensor and profile ids: a letter or digit, then letters, digits, `_`, `.`, `-`. */
export function checkId(id: unknown, field: string): string {
  const value = typeof id === 'string' ? id.trim() : '';
  if (!value) throw new HostInputError('ID_REQUIRED', field, 'is required', `Pass --${field}.`);
  if (!ID_RE.test(value)) {
    throw new HostInputError(
      'ID_INVALID',
      field,
      `"${value}" is not a valid ${field} id`,
      'Use 1-64 ASCII letters, digits, "_", "." or "-", starting with a letter or digit.',
    );
  }
  return value;
}

/** Registry key of a name within a tenant: names are unique per tenant regardless of case. */
export function nameKey(tenant: string, name: string): string {
  return `${tenant}/${name.toLowerCase()}`;
}
