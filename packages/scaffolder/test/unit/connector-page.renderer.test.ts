import { expect } from 'chai';
import type { ConnectorManifest } from '@connectors/framework/engine';
import { renderConnectorPage } from '../../src';

const manifest: ConnectorManifest = {
  id: 'acme-edr',
  name: 'Acme EDR',
  vendor: 'Acme',
  version: '0.1.0',
  category: 'Endpoint Security',
  entry: 'dist/src/index.js',
  frameworkApi: '1',
  capabilities: { collect: true, respond: true, nativeAlertsMapped: false },
  runsOn: { devices: ['dp', 'sensor'], recommended: 'dp' },
  interval: { configurable: true, defaultMinutes: 5, minMinutes: 1, maxMinutes: 60 },
  contentTypes: [
    {
      id: 'hosts',
      title: 'Hosts',
      index: 'syslog',
      msgClass: 'acme_edr_hosts',
      yieldsAssets: true,
      assetIdentityKeys: ['hostId'],
    },
  ],
  origin: { source: 'acme_edr', vendor: 'acme', category: 'endpoint' },
  responseActions: [
    { id: 'isolate-host', title: 'Isolate host', revert: 'unisolate-host', targetFields: ['hostname'] },
  ],
  configSchema: {
    type: 'object',
    required: ['apiKey'],
    properties: {
      apiKey: { type: 'string', secret: true, description: 'API key' },
      pageSize: { type: 'integer', default: 100 },
    },
  },
};

describe('renderConnectorPage', () => {
  const page = renderConnectorPage(manifest);

  it('should list capabilities, run-on devices and the interval', () => {
    expect(page).to.contain('- Collect: Yes\n- Respond: Yes\n- Native alerts mapped: No');
    expect(page).to.contain('Data Processor (DP) (recommended), Sensor');
    expect(page).to.contain('Configurable: 1–60 min, default 5 min');
  });

  it('should say how to locate the records of each content type', () => {
    expect(page).to.contain(
      '`msg_class: acme_edr_hosts`, `msg_origin.source: acme_edr`, `msg_origin.vendor: acme`, `msg_origin.category: endpoint`',
    );
    expect(page).to.contain('Syslog + asset records');
  });

  it('should table the response actions with targets and reverts, and show the respond command', () => {
    expect(page).to.contain('| `isolate-host` | Isolate host | `hostname` | `unisolate-host` |');
    expect(page).to.contain(
      'connectors respond <name> --tenant <tenant> isolate-host --target hostname=<hostname>',
    );
  });

  it('should mark secret settings and show defaults', () => {
    expect(page).to.contain('| `apiKey` (secret, write-only) | Yes | API key |');
    expect(page).to.contain('| `pageSize` | No (default `100`) |');
  });
});
