import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SystemClock } from '@connectors/framework/engine';
import { claimSecretKey, openSecretBox } from '../../src/crypto/key-check';
import { KEY_FILE_NAME, SecretBox } from '../../src/crypto/secret-box';
import { COLLECTIONS, KEY_CHECK_DOC } from '../../src/registry/collections';
import { SqliteHostStore } from '../../src/store/sqlite.host-store';

describe('openSecretBox', () => {
  let dataDir: string;
  let store: SqliteHostStore;
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  const explicit = (key: string) => ({ key, dataDir, allowKeyFile: false });
  const fileKey = () => ({ dataDir, allowKeyFile: true });

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'key-check-'));
    store = SqliteHostStore.open(dataDir, new SystemClock());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Stores a connector with one secret sealed by `box`, as the registry does. */
  async function storeSecret(box: SecretBox): Promise<void> {
    await store.put(COLLECTIONS.connectors, 'c1', { id: 'c1', config: { apiKey: box.encrypt('k', 'a') } });
  }

  describe('when the registry recorded a key check value', () => {
    it('should refuse every encrypt and decrypt under another key, naming it and the fix', async () => {
      const a = await openSecretBox(store, explicit(keyA));
      await claimSecretKey(store, a, 1);
      const b = await openSecretBox(store, explicit(keyB));
      expect(() => b.encrypt('v', 'x'))
        .to.throw(/CONNECTORS_SECRET_KEY is not the key this registry's secrets were encrypted with/)
        .with.property('hint')
        .that.contains('every host sharing a registry needs the same key');
      expect(() => b.decrypt(a.encrypt('v', 'x'), 'x')).to.throw(/key check value/);
      expect((await store.get<{ checkValue: string }>(COLLECTIONS.meta, KEY_CHECK_DOC))?.checkValue).to.equal(
        a.checkValue,
      );
    });

    it('should accept the same key', async () => {
      await claimSecretKey(store, await openSecretBox(store, explicit(keyA)), 1);
      const again = await openSecretBox(store, explicit(keyA));
      expect(again.decrypt(again.encrypt('v', 'x'), 'x')).to.equal('v');
    });
  });

  describe('#claimSecretKey', () => {
    it('should refuse a key other than the one that sealed secrets stored before check values were recorded', async () => {
      await storeSecret(new SecretBox(Buffer.from(keyA, 'base64')));
      const b = await openSecretBox(store, explicit(keyB));
      let err: Error | undefined;
      await claimSecretKey(store, b, 1).catch((e: Error) => (err = e));
      expect(err).to.have.property('code', 'SECRET_KEY_MISMATCH');
      expect(await store.get(COLLECTIONS.meta, KEY_CHECK_DOC)).to.equal(undefined);
      expect(() => b.encrypt('v', 'x')).to.throw(/key id/);
    });

    it('should record the check value, an HMAC under the key, not the key', async () => {
      const a = await openSecretBox(store, explicit(keyA));
      await claimSecretKey(store, a, 1);
      const record = await store.get<{ checkValue: string }>(COLLECTIONS.meta, KEY_CHECK_DOC);
      expect(record?.checkValue).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(record)).not.to.contain(Buffer.from(keyA, 'base64').toString('hex'));
    });
  });

  describe('when the key file is missing', () => {
    it('should never create a new key while secrets are stored', async () => {
      const first = await openSecretBox(store, fileKey());
      await claimSecretKey(store, first, 1);
      await storeSecret(first);
      unlinkSync(path.join(dataDir, KEY_FILE_NAME));
      const box = await openSecretBox(store, fileKey());
      expect(existsSync(path.join(dataDir, KEY_FILE_NAME))).to.equal(false);
      expect(() => box.encrypt('v', 'x'))
        .to.throw(/secret\.key is missing, but this registry holds secrets encrypted with it/)
        .with.property('code', 'SECRET_KEY_FILE_MISSING');
    });

    it('should create a key file when no secret is stored', async () => {
      const box = await openSecretBox(store, fileKey());
      expect(existsSync(path.join(dataDir, KEY_FILE_NAME))).to.equal(true);
      expect(box.decrypt(box.encrypt('v', 'x'), 'x')).to.equal('v');
    });
  });
});
