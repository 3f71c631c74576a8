import { CATEGORIES, DEVICE_KINDS, TARGET_INDEXES } from '../types';
import type { JsonSchema } from '../types';

export const FRAMEWORK_API_VERSION = '1' as const;
export const SUPPORTED_FRAMEWORK_APIS: readonly string[] = [FRAMEWORK_API_VERSION];

/** The JSON Schema of `connector.json` / `package.json#connector`. Exported for editors and CI. */
export const MANIFEST_SCHEMA: JsonSchema = {
  $id: 'https://connectors.dev/schemas/connector-manifest.json',
  title: 'Connector plugin manifest',
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'vendor',
    'version',
    'category',
    'entry',
    'frameworkApi',
    'capabilities',
    'runsOn',
    'interval',
    'contentTypes',
    'origin',
    'configSchema',
  ],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 },
    name: { type: 'string', minLength: 1 },
    vendor: { type: 'string', minLength: 1 },
    product: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
    category: { type: 'string', enum: [...CATEGORIES] },
    entry: { type: 'string', minLength: 1 },
    exportName: { type: 'string', minLength: 1 },
    frameworkApi: { type: 'string', minLength: 1 },
    domain: { type: 'string' },
    capabilities: {
      type: 'object',
      additionalProperties: false,
      required: ['collect', 'respond', 'nativeAlertsMapped'],
      properties: {
        collect: { type: 'boolean' },
        respond: { type: 'boolean' },
        nativeAlertsMapped: { type: 'boolean' },
      },
    },
    runsOn: {
      type: 'object',
      additionalProperties: false,
      required: ['devices', 'recommended'],
      properties: {
        devices: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: [...DEVICE_KINDS] },
        },
        recommended: { type: 'string', enum: [...DEVICE_KINDS] },
      },
    },
    interval: {
      type: 'object',
      additionalProperties: false,
      required: ['configurable', 'defaultMinutes', 'minMinutes', 'maxMinutes'],
      properties: {
        configurable: { type: 'boolean' },
        defaultMinutes: { type: 'integer', minimum: 1 },
        minMinutes: { type: 'integer', minimum: 1 },
        maxMinutes: { type: 'integer', minimum: 1 },
      },
    },
    contentTypes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'index', 'msgClass', 'yieldsAssets'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9_-]+$' },
          title: { type: 'string', minLength: 1 },
          index: { type: 'string', enum: [...TARGET_INDEXES] },
          msgClass: { type: 'string', pattern: '^[a-z0-9_]+$' },
          yieldsAssets: { type: 'boolean' },
          assetIdentityKeys: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
          globalIdentityKeys: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        },
      },
    },
    origin: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'vendor', 'category'],
      properties: {
        source: { type: 'string', pattern: '^[a-z0-9_]+$' },
        vendor: { type: 'string', pattern: '^[a-z0-9_]+$' },
        category: { type: 'string', pattern: '^[a-z0-9_]+$' },
      },
    },
    configSchema: { type: 'object' },
    responseActions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'targetFields'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9_-]+$' },
          title: { type: 'string' },
          revert: { type: 'string' },
          targetFields: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};
