import { expect } from 'chai';
import axios from 'axios';
import { Daemon } from '../../src/daemon';
import { waitFor } from '../helpers/fake-clock';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

describe('HealthServer', () => {
  let t: TestHostContext;
  let daemon: Daemon;
  before(async () => {
    t = await openTestHost();
    await createFakeConnector(t.host);
    daemon = await Daemon.start(t.host, { metricsPort: 0, tickMs: 1_000 });
    await waitFor(async () => (await t.host.statusOf('acme', 'fake one'))[0].state === 'ok');
  });
  after(async () => {
    await daemon.stop(0);
    await t.cleanup();
  });

  describe('GET /healthz', () => {
    it('should answer 200 with every check passing', async () => {
      const res = await axios.get(`http://127.0.0.1:${daemon.address!.port}/healthz`);
      expect(res.status).to.equal(200);
      expect(res.data.status).to.equal('ok');
      expect(res.data.checks).to.deep.equal({ store: { ok: true }, queue: { ok: true } });
    });
  });

  describe('GET /metrics', () => {
    it('should expose run figures in the Prometheus format', async () => {
      const res = await axios.get(`http://127.0.0.1:${daemon.address!.port}/metrics`);
      expect(res.data).to.match(
        /connectors_runs_total\{plugin="fake-inventory",tenant="acme",connector="fake one",trigger="schedule",result="ok"\} 1/,
      );
      expect(res.data).to.match(/connectors_records_published_total\{[^}]*\} 12/);
    });
  });
});
