import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { HostInputError } from '../../src/errors';
import { ConnectorHost, DEFAULT_PAGES_IN_FLIGHT } from '../../src/host';
import { openTestHost } from '../helpers/test-host';

describe('ConnectorHost', () => {
  describe('.open', () => {
    describe('when pagesInFlight is set', () => {
      for (const bad of [0, -2, 2.5, Number.NaN]) {
        it(`should refuse ${bad}, naming the field and the fix, before opening anything`, async () => {
          const dataDir = mkdtempSync(path.join(tmpdir(), 'host-options-'));
          try {
            const err = await ConnectorHost.open({ dataDir, pagesInFlight: bad }).catch((e: unknown) => e);
            expect(err).to.be.instanceOf(HostInputError);
            expect(err).to.include({ code: 'PAGES_IN_FLIGHT_INVALID', field: 'pagesInFlight' });
            expect((err as HostInputError).message).to.match(/^pagesInFlight: .* is not a whole number/);
            expect((err as HostInputError).hint).to.match(/e\.g\. 8/);
            expect(readdirSync(dataDir), 'no store or key file was created').to.deep.equal([]);
          } finally {
            rmSync(dataDir, { recursive: true, force: true });
          }
        });
      }

      it('should size the host-wide page budget with it', async () => {
        const t = await openTestHost({ pagesInFlight: 3 });
        try {
          expect(t.host.pageBudget.size).to.equal(3);
          expect(await t.host.metrics.text()).to.match(/^connectors_page_budget_permits 3$/m);
        } finally {
          await t.cleanup();
        }
      });
    });

    it(`should default the host-wide page budget to ${DEFAULT_PAGES_IN_FLIGHT} pages`, async () => {
      const t = await openTestHost();
      try {
        expect(t.host.pageBudget.size).to.equal(DEFAULT_PAGES_IN_FLIGHT);
        expect(DEFAULT_PAGES_IN_FLIGHT).to.equal(8);
      } finally {
        await t.cleanup();
      }
    });
  });
});
