import type { ErrorObject } from 'ajv';
import { ConfigSchema } from '../config/config.schema';
import { createAjv } from '../config/ajv';
import { PluginLoadError } from '../errors';
import { CATEGORIES, type ConnectorManifest } from '../types';
import { MANIFEST_SCHEMA, SUPPORTED_FRAMEWORK_APIS } from './manifest.schema';
import { findUnsafeKey } from '../safe-keys';

const validateSchema = createAjv().compile(MANIFEST_SCHEMA);

/**
 * Validates a manifest read from `file`. Returns the typed manifest or throws a PluginLoadError that
 * names the file and the first bad field, with a hint on how to fix it.
 */
export function validateManifest(data: unknown, file: string): ConnectorManifest {
  const pluginId =
    typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new PluginLoadError('MANIFEST_INVALID', file, undefined, 'the manifest must be a JSON object');
  }
  const unsafe = findUnsafeKey(data);
  if (unsafe !== undefined) {
    throw new PluginLoadError(
      'MANIFEST_FIELD_INVALID',
      file,
      unsafe,
      `"${unsafe}" names a key that is not allowed`,
      'Remove it: "__proto__", "constructor" and "prototype" are never manifest keys.',
      pluginId,
    );
  }
  // The API version is checked first: a manifest for another API may legitimately differ in shape.
  const api = (data as { frameworkApi?: unknown }).frameworkApi;
  if (typeof api === 'string' && !SUPPORTED_FRAMEWORK_APIS.includes(api)) {
    throw new PluginLoadError(
      'PLUGIN_API_MISMATCH',
      file,
      'frameworkApi',
      `the plugin was built for framework API "${api}"; this host supports ${SUPPORTED_FRAMEWORK_APIS.map((v) => `"${v}"`).join(', ')}`,
      'Rebuild the plugin against this version of @connectors/framework, or run a host that supports its API.',
      pluginId,
    );
  }
  if (!validateSchema(data)) {
    throw toLoadError(pickError(validateSchema.errors ?? []), file, pluginId);
  }
  const manifest = data as unknown as ConnectorManifest;
  checkSemantics(manifest, file);
  return manifest;
}

/** Prefer errors that explain the problem best: missing fields and unknown values before generic ones. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number =>
    ({ required: 0, enum: 1, type: 2, additionalProperties: 3 })[e.keyword as string] ?? 4;
  return [...errors].sort((a, b) => rank(a) - rank(b))[0];
}

function toLoadError(e: ErrorObject, file: string, pluginId?: string): PluginLoadError {
  const params = e.params as Record<string, unknown>;
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  const join = (child: string): string => (path ? `${path}.${child}` : child);
  switch (e.keyword) {
    case 'required':
      return new PluginLoadError(
        'MANIFEST_FIELD_MISSING',
        file,
        join(String(params.missingProperty)),
        `required field "${join(String(params.missingProperty))}" is missing`,
        'Add it; see the manifest schema exported as MANIFEST_SCHEMA by @connectors/framework.',
        pluginId,
      );
    case 'enum':
      if (path === 'category') {
        return new PluginLoadError(
          'MANIFEST_UNKNOWN_CATEGORY',
          file,
          'category',
          'unknown category',
          `Use one of: ${CATEGORIES.join(', ')}.`,
          pluginId,
        );
      }
      return new PluginLoadError(
        'MANIFEST_FIELD_INVALID',
        file,
        path,
        `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        undefined,
        pluginId,
      );
    case 'type':
      return new PluginLoadError(
        'MANIFEST_FIELD_TYPE',
        file,
        path,
        `must be ${params.type}`,
        undefined,
        pluginId,
      );
    case 'additionalProperties':
      return new PluginLoadError(
        'MANIFEST_FIELD_UNKNOWN',
        file,
        join(String(params.additionalProperty)),
        'is not a manifest field',
        'Remove it or check its spelling against MANIFEST_SCHEMA.',
        pluginId,
      );
    default:
      return new PluginLoadError(
        'MANIFEST_FIELD_INVALID',
        file,
        path || undefined,
        e.message ?? 'is invalid',
        undefined,
        pluginId,
      );
  }
}

function checkSemantics(m: ConnectorManifest, file: string): void {
  const fail = (field: string, message: string, hint?: string): never => {
    throw new PluginLoadError('MANIFEST_FIELD_INVALID', file, field, message, hint, m.id);
  };
  if (!m.runsOn.devices.includes(m.runsOn.recommended)) {
    fail(
      'runsOn.recommended',
      `"${m.runsOn.recommended}" is not one of runsOn.devices`,
      'Recommend a device the connector can run on.',
    );
  }
  const { minMinutes, maxMinutes, defaultMinutes } = m.interval;
  if (minMinutes > maxMinutes)
    fail('interval.minMinutes', `must not exceed interval.maxMinutes (${maxMinutes})`);
  if (defaultMinutes < minMinutes || defaultMinutes > maxMinutes) {
    fail('interval.defaultMinutes', `must lie between ${minMinutes} and ${maxMinutes}`);
  }
  checkSecretFields(m.configSchema, 'configSchema', fail);
  const ids = new Set<string>();
  m.contentTypes.forEach((ct, i) => {
    if (ids.has(ct.id)) fail(`contentTypes[${i}].id`, `duplicate content type "${ct.id}"`);
    ids.add(ct.id);
    if (ct.yieldsAssets && !(ct.assetIdentityKeys && ct.assetIdentityKeys.length)) {
      fail(
        `contentTypes[${i}].assetIdentityKeys`,
        'is required when yieldsAssets is true',
        'List the identity keys, most trusted first.',
      );
    }
    (ct.globalIdentityKeys ?? []).forEach((k, j) => {
      if (!(ct.assetIdentityKeys ?? []).includes(k)) {
        fail(
          `contentTypes[${i}].globalIdentityKeys[${j}]`,
          `"${k}" is not one of assetIdentityKeys`,
          'List only identity keys that are unique across vendor accounts (host GUID, BIOS UUID, cloud instance id).',
        );
      }
    });
  });
  if (m.capabilities.respond && !(m.responseActions && m.responseActions.length)) {
    fail(
      'responseActions',
      'is required when capabilities.respond is true',
      'Declare each response action with its target fields.',
    );
  }
  if (!m.capabilities.respond && m.responseActions?.length) {
    fail(
      'capabilities.respond',
      'is false but responseActions are declared',
      'Set capabilities.respond to true or remove responseActions.',
    );
  }
  const actionIds = new Set((m.responseActions ?? []).map((a) => a.id));
  (m.responseActions ?? []).forEach((a, i) => {
    if (a.revert && !actionIds.has(a.revert))
      fail(`responseActions[${i}].revert`, `names unknown action "${a.revert}"`);
  });
  try {
    new ConfigSchema(m.configSchema);
  } catch (err) {
    fail(
      'configSchema',
      `is not valid JSON Schema: ${(err as Error).message}`,
      'Fix the schema; it is compiled with ajv in strict mode.',
    );
  }
}

/** `"secret": true` only on string settings: a secret is a `Secret` wrapping a string (ADR 0002). */
function checkSecretFields(
  schema: Record<string, unknown>,
  at: string,
  fail: (field: string, message: string, hint?: string) => never,
): void {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const [key, sub] of Object.entries(props)) {
    if (!sub || typeof sub !== 'object') continue;
    const field = `${at}.properties.${key}`;
    if (sub.secret === true && sub.type !== 'string') {
      fail(
        `${field}.secret`,
        `"secret": true is only allowed on a string setting (this one is ${JSON.stringify(sub.type ?? 'untyped')})`,
        'Declare the secret as "type": "string", or remove "secret".',
      );
    }
    if (sub.type === 'object') checkSecretFields(sub, field, fail);
  }
}
