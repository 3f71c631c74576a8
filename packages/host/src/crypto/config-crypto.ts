import { isSecret, Secret } from '@connectors/framework/engine';
import { isEncryptedValue, type SecretBox } from './secret-box';

/**
 * Turns a resolved config (secret fields are `Secret` values) into its stored form: every Secret,
 * wherever it sits, becomes an encrypted envelope bound to the connector id and the field path.
 */
export function sealConfig(
  config: Record<string, unknown>,
  box: SecretBox,
  connectorId: string,
): Record<string, unknown> {
  return mapLeaves(config, [], (value, p) =>
    isSecret(value) ? box.encrypt(value.reveal(), aadFor(connectorId, p)) : value,
  ) as Record<string, unknown>;
}

/** The stored form back to plain input for `connector.configure()`; encrypted values are decrypted. */
export function openConfig(
  stored: Record<string, unknown>,
  box: SecretBox,
  connectorId: string,
): Record<string, unknown> {
  return mapLeaves(stored, [], (value, p) =>
    isEncryptedValue(value) ? box.decrypt(value, aadFor(connectorId, p)) : value,
  ) as Record<string, unknown>;
}

/** The stored form with encrypted values shown as `[REDACTED]` (what `show` prints). */
export function redactStoredConfig(stored: Record<string, unknown>): Record<string, unknown> {
  return mapLeaves(stored, [], (value) =>
    isEncryptedValue(value) ? new Secret('').toJSON() : value,
  ) as Record<string, unknown>;
}

function aadFor(connectorId: string, p: string[]): string {
  return `connector:${connectorId}:${p.join('.')}`;
}

function mapLeaves(value: unknown, p: string[], fn: (value: unknown, p: string[]) => unknown): unknown {
  if (isSecret(value) || isEncryptedValue(value)) return fn(value, p);
  if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, [...p, String(i)], fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, [...p, k], fn)]));
  }
  return fn(value, p);
}
