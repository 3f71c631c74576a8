import { expect } from 'chai';
import sinon from 'sinon';
import { Daemon } from '../../src/daemon';
import { openTestHost, type TestHostContext } from '../helpers/test-host';

describe('Daemon', () => {
  const sandbox = sinon.createSandbox();
  let t: TestHostContext;
  let daemon: Daemon | undefined;

  beforeEach(async () => {
    t = await openTestHost();
  });

  afterEach(async () => {
    await daemon?.stop(0);
    daemon = undefined;
    await t.cleanup();
    sandbox.restore();
  });

  describe('.start()', () => {
    it('should log an escaped promise rejection as a bug and keep running', async () => {
      const before = process.listenerCount('unhandledRejection');
      daemon = await Daemon.start(t.host, { tickMs: 1_000 });
      const error = sandbox.spy(t.host.logger, 'error');
      void Promise.reject(new Error('escaped on purpose'));
      await new Promise((r) => setTimeout(r, 20));
      // Mocha re-emits the event it trapped, so the handler may see it twice.
      expect(daemon.escapedRejections).to.be.at.least(1);
      expect(error.calledWithMatch(sinon.match.any, sinon.match(/unhandled promise rejection/))).to.equal(
        true,
      );
      await daemon.stop(0);
      expect(process.listenerCount('unhandledRejection')).to.equal(before);
    });
  });
});
