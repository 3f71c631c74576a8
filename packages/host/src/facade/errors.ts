import { ConfigurationError, ConfigurationErrors, ConnectorError } from '@connectors/framework/engine';
import { BusyError, HostInputError, HostSetupError } from '../errors';

/** One bad field of a use case's input: where, what is wrong, how to fix it. */
export interface FieldProblem {
  /** Dot path into the input, e.g. `tenant`, `config.apiKey`, `where[1].op`. */
  path: string;
  message: string;
  hint?: string;
}

/**
 * The input of a use case does not match its schema (`INPUT_SCHEMAS`). Lists every bad field, and
 * the use case changed nothing: input is checked before any work starts (docs/adr/0010-host-facade.md).
 */
export class InputError extends ConnectorError {
  readonly fields: FieldProblem[];

  constructor(fields: FieldProblem[]) {
    const hints = [...new Set(fields.map((f) => f.hint).filter((h): h is string => !!h))];
    super('INPUT_INVALID', fields.map((f) => `${f.path}: ${f.message}`).join('; '), {
      hint: hints.join(' ') || undefined,
      details: { field: fields[0]?.path, fields },
    });
    this.fields = fields;
  }
}

/** A tenant-scoped caller asked for a host-wide change (tenants, sensors, profiles). */
export class ScopeError extends ConnectorError {
  constructor(useCase: string) {
    super('SCOPE_FORBIDDEN', `${useCase} changes the whole host, and this caller is scoped to one tenant`, {
      hint: 'Ask an operator of the host (an unscoped caller) to do it.',
    });
  }
}

/** What an adapter needs to pick its answer (an exit code, an HTTP status) without a list of codes. */
export type ErrorKind = 'input' | 'not-found' | 'forbidden' | 'busy' | 'setup' | 'internal';

/** Codes of an object that does not exist, or that the caller's scope does not show (the same to it). */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN_TENANT',
  'UNKNOWN_CONNECTOR',
  'UNKNOWN_FILTER',
  'UNKNOWN_PROFILE',
  'UNKNOWN_PLUGIN',
  'UNKNOWN_DEVICE',
]);

/** The kind of a use case's error: bad input, absent (or out of scope), forbidden, busy, setup or a fault. */
export function errorKind(err: unknown): ErrorKind {
  if (!(err instanceof ConnectorError)) return 'internal';
  if (NOT_FOUND_CODES.has(err.code)) return 'not-found';
  if (err instanceof ScopeError) return 'forbidden';
  if (err instanceof BusyError) return 'busy';
  if (err instanceof HostSetupError) return 'setup';
  if (
    err instanceof InputError ||
    err instanceof HostInputError ||
    err instanceof ConfigurationError ||
    err instanceof ConfigurationErrors
  )
    return 'input';
  return 'internal';
}
