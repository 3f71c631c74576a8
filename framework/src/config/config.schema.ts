import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigurationError, ConfigurationErrors } from '../errors';
import { REDACTED, Secret } from '../secret';
import type { JsonSchema, ResolvedConfig } from '../types';
import { createAjv } from './ajv';

// One ajv per process: compiling is the expensive part, and schemas are cached by identity.
const ajv = createAjv({ useDefaults: true, coerceTypes: 'array' });

/**
 * A plugin's compiled config schema. `resolve()` validates user input, applies defaults and turns
 * every field marked `"secret": true` into a `Secret`, so a resolved config is safe to serialize.
 */
export class ConfigSchema {
  readonly secretPaths: string[][];
  private readonly validateFn: ValidateFunction;

  constructor(readonly schema: JsonSchema) {
    // Throws when the schema itself is not valid JSON Schema; the loader turns that into a refusal.
    this.validateFn = ajv.compile(schema);
    this.secretPaths = findSecretPaths(schema);
  }

  /** Validates and normalizes input; throws ConfigurationErrors naming every bad field. */
  resolve(input: Record<string, unknown>): ResolvedConfig {
    const data = revealDeep(input) as Record<string, unknown>;
    if (!this.validateFn(data)) {
      throw new ConfigurationErrors(dedupe((this.validateFn.errors ?? []).map((e) => this.toConfigError(e))));
    }
    for (const path of this.secretPaths) wrapAt(data, path);
    return data;
  }

  /** A copy of a config (resolved or raw) with secret values replaced by `[REDACTED]`. */
  redact(config: Record<string, unknown>): Record<string, unknown> {
    const copy = revealDeep(config) as Record<string, unknown>;
    for (const path of this.secretPaths) replaceAt(copy, path, REDACTED);
    return copy;
  }

  isSecretField(field: string): boolean {
    return this.secretPaths.some((p) => p.join('.') === field);
  }

  private toConfigError(e: ErrorObject): ConfigurationError {
    const parts = e.instancePath.split('/').filter(Boolean).map(decodePointer);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') parts.push(String(params.missingProperty));
    if (e.keyword === 'additionalProperties') parts.push(String(params.additionalProperty));
    const field = parts.join('.') || '(config)';
    const prop = schemaAt(this.schema, parts);
    const known = Object.keys((schemaAt(this.schema, parts.slice(0, -1))?.properties as object) ?? {});
    const described = (prop?.['x-hint'] as string) ?? (prop?.description as string | undefined);
    switch (e.keyword) {
      case 'required':
        return new ConfigurationError(
          field,
          'is required',
          `Set ${field}${described ? `: ${described}` : '.'}`,
        );
      case 'additionalProperties':
        return new ConfigurationError(
          field,
          'is not a known setting',
          `Remove it; known settings: ${known.join(', ')}.`,
        );
      case 'type':
        return new ConfigurationError(field, `must be ${article(String(params.type))}`, described);
      case 'enum':
        return new ConfigurationError(
          field,
          `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
          described,
        );
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const min = prop?.minimum;
        const max = prop?.maximum;
        const range =
          min !== undefined && max !== undefined ? `Use a value from ${min} to ${max}.` : undefined;
        return new ConfigurationError(
          field,
          `must be ${e.message?.replace(/^must be /, '')}`,
          range ?? described,
        );
      }
      default:
        return new ConfigurationError(field, e.message ?? `is invalid (${e.keyword})`, described);
    }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function decodePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function dedupe(errors: ConfigurationError[]): ConfigurationError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}

function schemaAt(schema: JsonSchema | undefined, path: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    const props = node?.properties as Record<string, JsonSchema> | undefined;
    if (props?.[key]) node = props[key];
    else if (node?.items && /^\d+$/.test(key)) node = node.items as JsonSchema;
    else return undefined;
  }
  return node;
}

function findSecretPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, sub] of Object.entries(props)) {
    if (sub && typeof sub === 'object') {
      if (sub.secret === true) out.push([...prefix, key]);
      else if (sub.type === 'object') out.push(...findSecretPaths(sub, [...prefix, key]));
    }
  }
  return out;
}

/** Deep copy with Secrets revealed, so re-validating a resolved config works. */
function revealDeep(value: unknown): unknown {
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value)) return value.map(revealDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealDeep(v)]));
  }
  return value;
}

function wrapAt(obj: Record<string, unknown>, path: string[]): void {
  const parent = walk(obj, path);
  const key = path[path.length - 1];
  if (parent && typeof parent[key] === 'string') parent[key] = new Secret(parent[key] as string);
}

function replaceAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  const parent = walk(obj, path);
  const key = path[path.length - 1];
  if (parent && parent[key] !== undefined) parent[key] = value;
}

function walk(obj: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let node: unknown = obj;
  for (const key of path.slice(0, -1)) {
    node = (node as Record<string, unknown>)?.[key];
    if (!node || typeof node !== 'object') return undefined;
  }
  return node as Record<string, unknown>;
}
