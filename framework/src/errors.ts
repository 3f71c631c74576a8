// One error base with a stable code and a hint; subclasses per domain. Errors never carry request
// headers or secret values, so they are safe to log, print and store in status.

export interface ConnectorErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra context safe to show (no secrets). */
  details?: Record<string, unknown>;
}

export class ConnectorError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Bad configuration: `field` is the config key path (e.g. `apiUrl`). */
export class ConfigurationError extends ConnectorError {
  readonly field: string;
  constructor(field: string, message: string, hint?: string, code = 'CONFIG_INVALID') {
    super(code, `${field}: ${message}`, { hint, details: { field } });
    this.field = field;
  }
}

/** Several configuration problems at once; `errors` lists each field. */
export class ConfigurationErrors extends ConnectorError {
  readonly errors: ConfigurationError[];
  constructor(errors: ConfigurationError[]) {
    super('CONFIG_INVALID', errors.map((e) => e.message).join('; '), {
      hint: errors
        .filter((e) => e.hint)
        .map((e) => e.hint)
        .join('; '),
      details: {
        fields: errors.map((e) => ({
          path: e.field,
          message: e.message,
          ...(e.hint ? { hint: e.hint } : {}),
        })),
      },
    });
    this.errors = errors;
  }
}

/** A plugin refused by discovery or loading: names the file and the manifest field. */
export class PluginLoadError extends ConnectorError {
  readonly file: string;
  readonly field?: string;
  readonly pluginId?: string;
  constructor(
    code: string,
    file: string,
    field: string | undefined,
    message: string,
    hint?: string,
    pluginId?: string,
  ) {
    super(code, `${file}${field ? ` (${field})` : ''}: ${message}`, {
      hint,
      details: { file, field, pluginId },
    });
    this.file = file;
    this.field = field;
    this.pluginId = pluginId;
  }
}

export class AuthenticationError extends ConnectorError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('AUTHENTICATION_FAILED', message, { hint, details });
  }
}

export class PermissionError extends ConnectorError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('PERMISSION_DENIED', message, { hint, details });
  }
}

export class RateLimitError extends ConnectorError {
  /** Milliseconds the vendor asked us to wait, when it said so. */
  readonly retryAfterMs?: number;
  constructor(message: string, retryAfterMs?: number, details?: Record<string, unknown>) {
    super('RATE_LIMITED', message, {
      hint: 'The vendor is throttling this API key; requests are retried with backoff.',
      details,
    });
    this.retryAfterMs = retryAfterMs;
  }
}

export class VendorApiError extends ConnectorError {
  readonly status?: number;
  readonly vendorMessage?: string;
  readonly retryable: boolean;
  constructor(
    message: string,
    options: {
      status?: number;
      vendorMessage?: string;
      retryable?: boolean;
      hint?: string;
      cause?: unknown;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(options.status ? `VENDOR_HTTP_${options.status}` : 'VENDOR_API_ERROR', message, {
      hint: options.hint,
      cause: options.cause,
      details: { ...options.details, status: options.status, vendorMessage: options.vendorMessage },
    });
    this.status = options.status;
    this.vendorMessage = options.vendorMessage;
    this.retryable = options.retryable ?? false;
  }
}

export class RespondNotSupportedError extends ConnectorError {
  constructor(connector: string) {
    super('RESPOND_NOT_SUPPORTED', `respond is not supported by ${connector}`, {
      hint: 'Only connectors whose manifest declares capabilities.respond can run response actions.',
    });
  }
}

export class UnknownActionError extends ConnectorError {
  constructor(connector: string, action: string, known: string[]) {
    super('RESPOND_UNKNOWN_ACTION', `${connector} has no response action "${action}"`, {
      hint: known.length
        ? `Known actions: ${known.join(', ')}.`
        : 'This connector declares no response actions.',
    });
  }
}

export class CancelledError extends ConnectorError {
  constructor(message = 'the operation was cancelled') {
    super('CANCELLED', message);
  }
}

/** Turns anything thrown into a ConnectorError without keeping secrets from the original. */
export function toConnectorError(err: unknown, fallbackCode = 'INTERNAL'): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof Error) return new ConnectorError(fallbackCode, err.message, { cause: err });
  return new ConnectorError(fallbackCode, String(err));
}
