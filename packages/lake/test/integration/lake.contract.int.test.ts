import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LakeSink, SqliteLakeReader } from '../../src';
import { lakeContract } from '../support/lake.contract';

describe('SqliteLakeReader', () => {
  describe('the lake contract', () => {
    lakeContract(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'lake-contract-'));
      const sink = new LakeSink(dir, { checkpoints: 'inline' });
      const reader = new SqliteLakeReader(sink.lake);
      return {
        sink,
        reader,
        writeAt: async (batch, now) => sink.lake.writer.write(batch, now),
        close: async () => {
          await sink.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  });
});
