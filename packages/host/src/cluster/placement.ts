import { HostInputError } from '../errors';
import { formatRunOn, parseRunOn } from '../registry/connector.registry';
import type { RunOn } from '../types';

/** The role a host takes when it is given none: the data processor. */
export const DEFAULT_ROLES: readonly string[] = ['dp'];

/**
 * A host's roles, checked and normalized (`dp`, `sensor:ID`; duplicates dropped). A role is a
 * placement the host takes: a connector runs only on a host one of whose roles is its "run on".
 */
export function parseRoles(texts: readonly string[] | undefined, field = 'role'): string[] {
  if (texts === undefined || texts.length === 0) return [...DEFAULT_ROLES];
  const roles = new Set<string>();
  for (const text of texts) {
    try {
      roles.add(formatRunOn(parseRunOn(text, field)));
    } catch {
      throw new HostInputError(
        'ROLE_INVALID',
        field,
        `"${text}" is not a role`,
        'Use --role dp (data processor) or --role sensor:ID (repeatable).',
      );
    }
  }
  return [...roles];
}

/** The placement of a connector as a role name (`dp`, `sensor:ID`). */
export const placementOf = (runOn: RunOn): string => formatRunOn(runOn);

/** "the data processor (dp)" or "sensor s1", for messages. */
export function describePlacement(role: string): string {
  return role === 'dp' ? 'the data processor (dp)' : `sensor ${role.slice('sensor:'.length)}`;
}

/** What status and `run` say when no live host has the placement, with the fix. */
export function noHostMessage(role: string): { message: string; hint: string } {
  return {
    message: `no host is running as ${describePlacement(role)}`,
    hint: `Start one with \`connectors start --role ${role}\`.`,
  };
}
