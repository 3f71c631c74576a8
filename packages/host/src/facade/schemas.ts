// The input of every use case as JSON Schema (draft-07), checked by the façade before any work, and
// the source an HTTP API generates its OpenAPI document from (docs/adr/0010-host-facade.md). Shapes
// only: what needs the registry (an unknown tenant, a taken name) is checked by the use case itself.
type Schema = Record<string, unknown>;

const text = (description: string, hint: string): Schema => ({
  type: 'string',
  minLength: 1,
  maxLength: 1_000,
  description,
  'x-hint': hint,
});
const tenant = text('Tenant id.', 'Pass the tenant id, e.g. "acme".');
const connectorName = text('Connector name (unique within the tenant).', 'Pass the connector name.');
const count = (description: string, minimum: number, maximum: number): Schema => ({
  type: 'integer',
  minimum,
  maximum,
  description,
  'x-hint': `Pass a whole number from ${minimum} to ${maximum}.`,
});
const epochMs = (description: string): Schema => ({
  type: 'integer',
  minimum: 0,
  description,
  'x-hint': 'Pass a time in epoch milliseconds.',
});
const flag = (description: string): Schema => ({
  type: 'boolean',
  description,
  'x-hint': 'Pass true or false.',
});
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const none = object({});
const connectorRef = object({ tenant, name: connectorName }, ['tenant', 'name']);
const condition = object(
  {
    path: text('Dotted field path, e.g. host.hostname.', 'Name a field path such as host.hostname.'),
    op: {
      type: 'string',
      enum: ['eq', 'neq', 'contains', 'exists'],
      description: 'eq (default), neq, contains (case-insensitive), exists.',
      'x-hint': 'Use one of eq, neq, contains, exists.',
    },
    value: { type: 'string', maxLength: 10_000, description: 'The value compared (not for exists).' },
  },
  ['path'],
);
const recordQuery = {
  tenant,
  where: { type: 'array', items: condition, maxItems: 50, description: 'Conditions, all of which hold.' },
  since: epochMs('Records collected at or after this time.'),
  until: epochMs('Records collected before this time.'),
};
const filterCondition = object(
  {
    field: text('Dotted field path of the record.', 'Name a field path such as host.os.full.'),
    operator: {
      type: 'string',
      enum: ['equals', 'not-equals', 'contains', 'matches', 'in', 'exists'],
      'x-hint': 'Use one of equals, not-equals, contains, matches, in, exists.',
    },
    values: { type: 'array', items: { type: 'string' }, maxItems: 1_000 },
  },
  ['field', 'operator'],
);

export const INPUT_SCHEMAS = {
  listPlugins: none,
  showPlugin: object({ plugin: text('Plugin id.', 'Pass a plugin id (see listPlugins).') }, ['plugin']),

  createTenant: object({ id: text('Tenant id.', 'Pass a tenant id, e.g. "acme".') }, ['id']),
  listTenants: none,
  deleteTenant: object({ id: text('Tenant id.', 'Pass a tenant id.') }, ['id']),

  createSensor: object(
    {
      id: text('Sensor id.', 'Pass a sensor id, e.g. "s1".'),
      name: text('Display name.', 'Pass a display name or leave it out.'),
    },
    ['id'],
  ),
  listSensors: none,
  deleteSensor: object({ id: text('Sensor id.', 'Pass a sensor id.') }, ['id']),

  listProfiles: none,
  createProfile: object({ name: text('Profile name.', 'Pass a profile name.') }, ['name']),
  addToProfile: object(
    {
      profile: text('Profile name.', 'Pass a profile name, e.g. "default".'),
      tenant,
      connector: connectorName,
    },
    ['profile', 'tenant', 'connector'],
  ),
  removeFromProfile: object(
    { profile: text('Profile name.', 'Pass a profile name.'), tenant, connector: connectorName },
    ['profile', 'tenant', 'connector'],
  ),
  deleteProfile: object({ name: text('Profile name.', 'Pass a profile name.') }, ['name']),

  createFilter: object(
    {
      tenant,
      name: text('Filter name (unique within the tenant).', 'Pass a filter name.'),
      when: {
        type: 'array',
        maxItems: 100,
        description:
          'Conditions, all of which hold for a record to be excluded: "FIELD OPERATOR [VALUE]" or objects.',
        items: { oneOf: [{ type: 'string', minLength: 1, maxLength: 10_000 }, filterCondition] },
        'x-hint': 'Pass conditions such as "host.os.full contains Windows".',
      },
    },
    ['tenant', 'name', 'when'],
  ),
  listFilters: object({ tenant }),
  deleteFilter: object({ tenant, name: text('Filter name.', 'Pass a filter name.') }, ['tenant', 'name']),

  createConnector: object(
    {
      plugin: text('Plugin id.', 'Pass a plugin id (see listPlugins).'),
      name: connectorName,
      tenant,
      runOn: text('Device: "dp" (data processor) or "sensor:ID".', 'Pass "dp" or "sensor:ID".'),
      profile: text(
        'Data analyzer profile to add it to (data processor only).',
        'Pass a profile name, e.g. "default".',
      ),
      filters: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        maxItems: 100,
        description: "Names of the tenant's log filters, attached as exclude filters.",
        'x-hint': 'Pass filter names.',
      },
      config: {
        type: 'object',
        description:
          "The plugin's configuration (see showPlugin's configSchema); secrets in plain, stored encrypted.",
        'x-hint': "Pass the plugin's settings as an object.",
      },
    },
    ['plugin', 'name', 'tenant', 'runOn', 'config'],
  ),
  getConnector: connectorRef,
  findConnector: connectorRef,
  listConnectors: object({ tenant }),
  editConnector: object(
    {
      tenant,
      name: connectorName,
      set: {
        type: 'object',
        description: 'Settings to change (merged into the configuration).',
        'x-hint': 'Pass an object of settings.',
      },
      unset: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        maxItems: 100,
        description: 'Settings to remove (back to their defaults).',
        'x-hint': 'Pass setting names.',
      },
    },
    ['tenant', 'name'],
  ),
  deleteConnector: connectorRef,

  testConnector: connectorRef,
  runConnector: object(
    {
      tenant,
      name: connectorName,
      waitForIngestion: flag('Return once ingestion has every record (default true).'),
    },
    ['tenant', 'name'],
  ),
  listRuns: object(
    { tenant, name: connectorName, limit: count('Most runs returned (0: none).', 0, 10_000) },
    ['tenant', 'name'],
  ),
  listHosts: none,
  status: object({ tenant, name: connectorName }),

  search: object({
    ...recordQuery,
    limit: count('Most records returned (newest first).', 1, 10_000),
    cursor: text(
      'Where the page starts: the nextCursor of the previous page.',
      'Pass the nextCursor of the previous answer unchanged, or leave cursor out for the first page.',
    ),
  }),
  countRecords: object(recordQuery),
  exportRecords: object(recordQuery),
  listAssets: object({
    tenant,
    connector: text(
      'Only assets of this connector (of the tenant).',
      'Pass a connector name and its tenant.',
    ),
    includeRemoved: flag('Also assets a complete snapshot found gone.'),
    limit: count('Most assets returned.', 1, 10_000),
    offset: count('Assets skipped (paging).', 0, 10_000_000),
  }),
  assetChanges: object({
    tenant,
    assetId: text('Only changes of this asset.', 'Pass an asset id.'),
    afterSeq: count('Changes after this sequence number (paging, tailing).', 0, Number.MAX_SAFE_INTEGER),
    limit: count('Most changes returned.', 1, 10_000),
  }),

  respond: object(
    {
      tenant,
      name: connectorName,
      action: text("Response action id of the plugin's manifest.", 'Pass an action id, e.g. "isolate".'),
      target: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Target fields of the action, e.g. { "hostname": "web-1" }.',
        'x-hint': 'Pass the target as an object of strings.',
      },
    },
    ['tenant', 'name', 'action'],
  ),
} as const satisfies Record<string, Schema>;

/** A use case of the façade, by the name its input schema has in `INPUT_SCHEMAS`. */
export type UseCase = keyof typeof INPUT_SCHEMAS;
