import { CommanderError } from 'commander';
import {
  ConfigurationError,
  ConfigurationErrors,
  ConnectorError,
  PluginLoadError,
} from '@connectors/framework/engine';
import { HostInputError, HostSetupError, InputError, ScopeError } from '@connectors/host';

/** Exit codes: 0 success, 1 a failed test or run (or a fault while doing it), 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Raised by commands to end with a code after printing their own output (a failed test, a failed run). */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Usage errors found by the CLI itself (a flag that is required, a malformed value). */
export class UsageError extends ConnectorError {
  constructor(
    readonly field: string,
    message: string,
    hint?: string,
  ) {
    super('USAGE', `${field}: ${message}`, { hint, details: { field } });
  }
}

/** Error codes from other packages that mean the input was wrong (exit 2), not that something failed. */
export const BAD_INPUT_CODES = new Set([
  'RESPOND_NOT_SUPPORTED',
  'RESPOND_UNKNOWN_ACTION',
  'RESPOND_TARGET_MISSING',
  'SCAFFOLD_ID_EXISTS',
  'SCAFFOLD_INVALID_NAME',
  'SCAFFOLD_UNKNOWN_CATEGORY',
  'SCAFFOLD_WORKSPACE_INVALID',
]);

export function exitCodeOf(err: unknown): number {
  if (err instanceof ExitSignal) return err.code;
  if (err instanceof ConnectorError && BAD_INPUT_CODES.has(err.code)) return EXIT.usage;
  if (
    err instanceof UsageError ||
    err instanceof InputError ||
    err instanceof ScopeError ||
    err instanceof HostInputError ||
    err instanceof HostSetupError ||
    err instanceof ConfigurationError ||
    err instanceof ConfigurationErrors ||
    err instanceof PluginLoadError
  ) {
    return EXIT.usage;
  }
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.failed;
}
