import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger, LoggerOptions } from 'pino';

export type Logger = PinoLogger;

/**
 * Key paths pino censors whatever their value. Secret values are also `Secret` instances that
 * serialize as `[REDACTED]`; these paths catch plain strings that slipped past config handling
 * (headers copied into an error, a raw config object logged by mistake).
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["api-secret-key"]',
  'headers["api-secret-key"]',
  '*["api-secret-key"]',
];

export interface CreateLoggerOptions {
  level?: string;
  name?: string;
  /** Extra key paths to censor (e.g. a plugin's own secret field names). */
  redact?: string[];
  destination?: DestinationStream;
}

/** The structured logger: JSON lines, secrets censored. Level from LOG_LEVEL (default `info`). */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    name: options.name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[REDACTED]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** A logger that drops everything: the default in tests and libraries used without a host. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
