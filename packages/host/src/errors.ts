import { ConnectorError } from '@connectors/framework/engine';

/**
 * Bad input to the host (unknown tenant, duplicate name, interval out of bounds…): names the field
 * and the fix. The CLI maps it to exit code 2; the operation that raised it changed nothing.
 */
export class HostInputError extends ConnectorError {
  readonly field: string;
  constructor(code: string, field: string, message: string, hint?: string) {
    super(code, `${field}: ${message}`, { hint, details: { field } });
    this.field = field;
  }
}

/** The operation cannot run now (a test or run already in progress elsewhere). */
export class BusyError extends ConnectorError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, { hint });
  }
}

/** The host cannot start: missing secret key in Redis mode, a key that does not decrypt the store… */
export class HostSetupError extends ConnectorError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, { hint });
  }
}
