import { expect } from 'chai';
import { startFalconSimulator, type FalconSimulatorHandle } from '@connectors/falcon-simulator';
import { createTestHost, loadPlugin } from '@connectors/testkit';

describe('FalconConnector', () => {
  describe('#test()', () => {
    let sim: FalconSimulatorHandle;
    before(async () => {
      sim = await startFalconSimulator({
        hosts: 2,
        clients: [{ clientId: 'blind', clientSecret: 'blind-secret', scopes: [] }],
      });
    });
    after(() => sim.stop());

    const failedStep = async (
      config: Record<string, unknown>,
    ): Promise<{ ids: string[]; failed?: string; hint?: string }> => {
      const connector = createTestHost().instantiate(await loadPlugin(__dirname), {
        baseUrl: sim.baseUrl,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        ...config,
      });
      const result = await connector.test();
      const failed = result.steps.find((s) => s.status === 'failed');
      return { ids: result.steps.map((s) => s.id), failed: failed?.id, hint: result.hint };
    };

    it('should pass address, token, permission, data and normalize in that order', async () => {
      const { ids, failed } = await failedStep({});
      expect(ids).to.deep.equal(['connect', 'token', 'permission', 'data', 'normalize']);
      expect(failed).to.equal(undefined);
    });

    it('should stop at the address for an unreachable API, at the token for a wrong secret, at the permission for a client without Hosts: Read', async () => {
      expect(await failedStep({ baseUrl: 'http://127.0.0.1:1' })).to.include({ failed: 'connect' });
      const token = await failedStep({ clientSecret: 'wrong' });
      expect(token.failed).to.equal('token');
      expect(token.hint).to.contain('clientSecret');
      const permission = await failedStep({ clientId: 'blind', clientSecret: 'blind-secret' });
      expect(permission.failed).to.equal('permission');
      expect(permission.hint).to.contain('Hosts: Read');
    });
  });
});
