import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectorManifest } from '../../src';

/** A complete, valid manifest; tests derive broken ones from it. */
export function validManifest(overrides: Partial<ConnectorManifest> = {}): ConnectorManifest {
  return {
    id: 'acme-edr',
    name: 'Acme EDR',
    vendor: 'Acme',
    version: '1.0.0',
    category: 'Endpoint Security',
    entry: 'index.js',
    frameworkApi: '1',
    capabilities: { collect: true, respond: false, nativeAlertsMapped: false },
    runsOn: { devices: ['dp', 'sensor'], recommended: 'dp' },
    interval: { configurable: true, defaultMinutes: 5, minMinutes: 1, maxMinutes: 1440 },
    contentTypes: [
      {
        id: 'hosts',
        title: 'Hosts',
        index: 'syslog',
        msgClass: 'acme_edr_hosts',
        yieldsAssets: true,
        assetIdentityKeys: ['hostId', 'mac'],
      },
    ],
    origin: { source: 'acme_edr', vendor: 'acme', category: 'endpoint' },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['apiUrl', 'apiKey'],
      properties: {
        apiUrl: {
          type: 'string',
          format: 'uri',
          description: 'Base URL of the Acme API, e.g. https://api.acme.test',
        },
        apiKey: {
          type: 'string',
          secret: true,
          writeOnly: true,
          minLength: 8,
          'x-hint': 'Create a key under Settings > API.',
        },
        interval: { type: 'integer', minimum: 1, maximum: 1440, default: 5 },
        nested: {
          type: 'object',
          properties: { token: { type: 'string', secret: true } },
        },
      },
    },
    ...overrides,
  };
}

/** The source of a minimal connector entry; `respond` adds a respond() override. */
export function connectorSource(
  options: { respond?: boolean; marker?: string; exportName?: string } = {},
): string {
  const frameworkPath = JSON.stringify(path.resolve(__dirname, '../../src/index.js'));
  return `
const { Connector } = require(${frameworkPath});
const { EMPTY } = require(${JSON.stringify(require.resolve('rxjs'))});
${options.marker ? `globalThis[${JSON.stringify(options.marker)}] = (globalThis[${JSON.stringify(options.marker)}] || 0) + 1;` : ''}
class FixtureConnector extends Connector {
  testSteps() { return []; }
  collect() { return EMPTY; }
  normalize(_ct, raw) { return { key: String(raw.id), fields: {} }; }
  ${options.respond ? 'async respond(req) { return { ok: true, action: req.action, summary: "done" }; }' : ''}
}
exports.${options.exportName ?? 'connector'} = FixtureConnector;
`;
}

export interface FixturePlugin {
  folder: 'plugins' | 'examples' | 'node_modules';
  name: string;
  /** Written as connector.json unless `inPackageJson`. */
  manifest?: unknown;
  rawManifest?: string;
  inPackageJson?: boolean;
  entrySource?: string | null;
}

/** Writes plugin folders into a workspace root. */
export function writePlugin(root: string, p: FixturePlugin): string {
  const dir = path.join(root, p.folder, p.name);
  mkdirSync(dir, { recursive: true });
  if (p.inPackageJson) {
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: p.name, version: '1.0.0', connector: p.manifest }),
    );
  } else {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: p.name, version: '1.0.0' }));
    writeFileSync(path.join(dir, 'connector.json'), p.rawManifest ?? JSON.stringify(p.manifest, null, 2));
  }
  if (p.entrySource !== null) writeFileSync(path.join(dir, 'index.js'), p.entrySource ?? connectorSource());
  return dir;
}
