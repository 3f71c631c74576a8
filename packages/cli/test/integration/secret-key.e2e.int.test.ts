import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import { createCloudOne, runCli, type CliEnv, type CliResult } from '../helpers/cli.runner';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const API_KEY = 'tmc12345678901234567890:abcdefghijklmnopqrstuvwxyz012345';
const create = (name: string): string[] =>
  createCloudOne(name, 'acme', 'https://workload.us-1.cloudone.trendmicro.com/api', API_KEY);

/** Secret key mistakes: a registry's recorded key check value refuses another key; a lost key file is never replaced. */
describe('connectors CLI secret key checks (end to end)', function () {
  let dataDir: string;
  this.timeout(60_000);
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'cli-key-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('when a Redis host has another CONNECTORS_SECRET_KEY', () => {
    const prefix = `key-${randomUUID()}`;
    after(async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`*${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('should refuse create and edit with exit 2 naming the key, and still answer list', async () => {
      const env: CliEnv = { dataDir, redisUrl: REDIS_URL, redisPrefix: prefix };
      const wrong: CliEnv = { ...env, env: { CONNECTORS_SECRET_KEY: randomBytes(32).toString('base64') } };
      const cli = (e: CliEnv, ...args: string[]): Promise<CliResult> => runCli(args, e);
      expect((await cli(env, 'tenants', 'create', 'acme')).code).to.equal(0);
      expect((await cli(env, ...create('first'))).code).to.equal(0);

      const refused = await cli(wrong, ...create('second'));
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.match(
        /CONNECTORS_SECRET_KEY is not the key this registry's secrets were encrypted with \(key check value [0-9a-f]{12}/,
      );
      expect(refused.stderr).to.match(
        /^fix: Set CONNECTORS_SECRET_KEY to the key the registry was created with/m,
      );
      const edit = await cli(wrong, 'edit', 'first', '--tenant', 'acme', '--set', `apiKey=${API_KEY}`);
      expect(edit.code, edit.stderr).to.equal(2);
      expect(edit.stderr).to.contain('key check value');

      const list = await cli(wrong, 'list', '--json');
      expect(list.code, list.stderr).to.equal(0);
      expect(list.json<Array<{ name: string }>>().map((c) => c.name)).to.deep.equal(['first']);
    });
  });

  describe('when the embedded key file was deleted', () => {
    it('should refuse to decrypt or encrypt and never write a new key file', async () => {
      const env: CliEnv = { dataDir, env: { CONNECTORS_SECRET_KEY: '' } };
      const cli = (...args: string[]): Promise<CliResult> => runCli(args, env);
      expect((await cli('tenants', 'create', 'acme')).code).to.equal(0);
      expect((await cli(...create('first'))).code).to.equal(0);
      const keyFile = path.join(dataDir, 'secret.key');
      unlinkSync(keyFile);

      for (const args of [
        ['test', 'first', '--tenant', 'acme'],
        ['run', 'first', '--tenant', 'acme'],
        create('second'),
        ['edit', 'first', '--tenant', 'acme', '--set', 'interval=10'],
      ]) {
        const r = await cli(...args);
        expect(r.code, `${args[0]}: ${r.stderr}`).to.equal(2);
        expect(r.stderr).to.contain(
          `${keyFile} is missing, but this registry holds secrets encrypted with it`,
        );
        expect(r.stderr).to.match(/^fix: Restore .*secret\.key from a backup/m);
      }
      expect(existsSync(keyFile)).to.equal(false);
      expect((await cli('list')).code).to.equal(0);
    });
  });
});
