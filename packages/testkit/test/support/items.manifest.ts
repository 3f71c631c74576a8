import type { ConnectorManifest } from '@connectors/framework/engine';

/** The manifest the connectors in flawed.connectors.ts are checked against. */
export function itemsManifest(id = 'flaw-sound'): ConnectorManifest {
  return {
    id,
    name: `Items ${id}`,
    vendor: 'Testkit',
    version: '0.1.0',
    category: 'Other',
    entry: 'index.js',
    frameworkApi: '1',
    capabilities: { collect: true, respond: false, nativeAlertsMapped: false },
    runsOn: { devices: ['dp'], recommended: 'dp' },
    interval: { configurable: true, defaultMinutes: 5, minMinutes: 1, maxMinutes: 60 },
    contentTypes: [
      { id: 'items', title: 'Items', index: 'syslog', msgClass: 'flawed_items', yieldsAssets: false },
    ],
    origin: { source: 'flawed', vendor: 'testkit', category: 'other' },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['baseUrl', 'apiKey'],
      properties: {
        baseUrl: { type: 'string' },
        apiKey: { type: 'string', secret: true },
        pageSize: { type: 'integer', minimum: 1, default: 100 },
      },
    },
  };
}
