import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger, LoggerOptions } from 'pino';
import type { ConnectorManifest } from './types';

export type Logger = PinoLogger;

/**
 * Key paths pino censors whatever their value, for every plugin. Secret values are also `Secret`
 * instances that serialize as `[REDACTED]`; these paths catch plain strings that slipped past config
 * handling (a raw config object, headers copied into an error: every header value is censored).
 * Each connector's logger adds its manifest's secret fields (`secretRedactPaths`).
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
  'headers.*',
  '*.headers.*',
];

/** The key paths of a manifest's secret config fields (`"secret": true`), at the top and two levels down. */
export function secretRedactPaths(manifest: Pick<ConnectorManifest, 'configSchema'>): string[] {
  const props = (manifest.configSchema.properties ?? {}) as Record<string, { secret?: unknown }>;
  const paths: string[] = [];
  for (const [name, spec] of Object.entries(props)) {
    if (spec?.secret !== true) continue;
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name.replace(/["\\]/g, '')}"]`;
    const dot = key.startsWith('[') ? '' : '.';
    paths.push(key, `*${dot}${key}`, `*.*${dot}${key}`);
  }
  return paths;
}

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
