import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteHostStore } from '../../src/store/sqlite.host-store';
import { FakeClock } from '../helpers/fake-clock';
import { describeStoreContract } from '../helpers/store.contract';

describeStoreContract('SqliteHostStore', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'host-store-'));
  const clock = new FakeClock();
  const store = SqliteHostStore.open(dir, clock);
  return {
    store,
    ttlMs: 30_000,
    elapse: async (ms) => clock.advance(ms, ms),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
