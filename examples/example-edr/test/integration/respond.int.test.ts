import { expect } from 'chai';
import type { ConnectorError } from '@connectors/framework';
import {
  createTestHost,
  loadPlugin,
  readFixture,
  type LoadedPlugin,
  type TestConnector,
} from '@connectors/testkit';
import type { EdrHost } from '../../src/internal-types';
import { startExampleEdrFake, type ExampleEdrFake } from '../support/example-edr.fake-api';

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

describe('ExampleEdrConnector#respond over HTTP', () => {
  let plugin: LoadedPlugin;
  let api: ExampleEdrFake;
  let tc: TestConnector;

  before(async () => {
    plugin = await loadPlugin(__dirname);
  });

  beforeEach(async () => {
    api = await startExampleEdrFake(readFixture<EdrHost[]>(__dirname, 'hosts', 'fleet'));
    tc = createTestHost().instantiate(plugin, { baseUrl: api.baseUrl, apiKey: api.apiKey });
  });

  afterEach(() => api.stop());

  it('should isolate a host by hostname, show it in the next collection, and release it with the revert', async () => {
    const isolated = await tc.respond('isolate-host', { hostname: 'web-1' });
    expect(isolated).to.deep.include({ ok: true, action: 'isolate-host', summary: 'web-1 is now isolated' });
    expect(api.hosts.find((h) => h.id === 'h-0001')!.isolation).to.equal('isolated');

    const record = (await tc.collectRecords()).find(
      (r) => r.entry.record.host && (r.entry.record.host as { name?: string }).name === 'web-1',
    )!;
    expect(record.entry.asset!.attributes).to.deep.include({ isolation: 'isolated' });

    const revert = plugin.manifest.responseActions!.find((a) => a.id === 'isolate-host')!.revert!;
    const released = await tc.respond(revert, { hostname: 'web-1' });
    expect(released.summary).to.equal('web-1 is no longer isolated');
    expect(api.hosts.find((h) => h.id === 'h-0001')!.isolation).to.equal('none');
  });

  it('should report a repeated action as done without change', async () => {
    await tc.respond('isolate-host', { hostname: 'WEB-1' });
    const again = await tc.respond('isolate-host', { hostname: 'web-1' });
    expect(again).to.deep.include({ ok: true, summary: 'web-1 was already isolated' });
    expect(again.detail).to.deep.equal({ hostId: 'h-0001', changed: false });
  });

  it('should block an IP and unblock it with the revert', async () => {
    expect((await tc.respond('block-ip', { ip: '203.0.113.7' })).summary).to.equal(
      '203.0.113.7 is now blocked',
    );
    expect([...api.blocked]).to.deep.equal(['203.0.113.7']);
    expect((await tc.respond('unblock-ip', { ip: '203.0.113.7' })).summary).to.equal(
      '203.0.113.7 is no longer blocked',
    );
    expect(api.blocked.size).to.equal(0);
    expect((await tc.respond('unblock-ip', { ip: '203.0.113.7' })).summary).to.equal(
      '203.0.113.7 was not blocked',
    );
  });

  it('should refuse an unknown hostname with a hint and change nothing', async () => {
    const err = await rejection(tc.respond('isolate-host', { hostname: 'no-such-host' }));
    expect(err.code).to.equal('RESPOND_TARGET_NOT_FOUND');
    expect(err.hint).to.contain('host.name');
    expect(api.requests.filter((r) => r.method !== 'GET')).to.deep.equal([]);
  });

  it('should refuse a malformed IP before calling the API', async () => {
    const err = await rejection(tc.respond('block-ip', { ip: '203.0.113.999' }));
    expect(err.code).to.equal('RESPOND_TARGET_INVALID');
    expect(api.requests).to.have.length(0);
  });

  it('should report a key without the response permission as PERMISSION_DENIED with a hint', async () => {
    const readOnly = createTestHost().instantiate(plugin, { baseUrl: api.baseUrl, apiKey: api.readOnlyKey });
    const err = await rejection(readOnly.respond('block-ip', { ip: '198.51.100.1' }));
    expect(err.code).to.equal('PERMISSION_DENIED');
    expect(err.hint).to.contain('block-list');
    expect(JSON.stringify(err)).to.not.contain(api.readOnlyKey);
    expect(api.blocked.size).to.equal(0);
  });
});
