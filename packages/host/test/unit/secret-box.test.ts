import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Secret } from '@connectors/framework/engine';
import { openConfig, redactStoredConfig, sealConfig } from '../../src/crypto/config-crypto';
import { KEY_FILE_NAME, parseSecretKey, resolveSecretKey, SecretBox } from '../../src/crypto/secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  describe('#encrypt', () => {
    it('should round-trip a value and never hold the plain text', () => {
      const sealed = box.encrypt('super-secret-key', 'aad-1');
      expect(sealed.$enc).to.match(/^v1:[0-9a-f]{12}:/);
      expect(sealed.$enc).not.to.contain('super-secret-key');
      expect(box.decrypt(sealed, 'aad-1')).to.equal('super-secret-key');
    });

    it('should use a fresh IV for every value', () => {
      expect(box.encrypt('same', 'a').$enc).not.to.equal(box.encrypt('same', 'a').$enc);
    });
  });

  describe('#decrypt', () => {
    it('should refuse a value moved to another connector or field', () => {
      const sealed = box.encrypt('value', 'connector:1:apiKey');
      expect(() => box.decrypt(sealed, 'connector:2:apiKey')).to.throw(/integrity check/);
    });

    it('should say when the value was encrypted with another key', () => {
      const other = new SecretBox(randomBytes(32));
      expect(() => other.decrypt(box.encrypt('v', 'a'), 'a'))
        .to.throw(/another key/)
        .with.property('code', 'SECRET_KEY_MISMATCH');
    });
  });
});

describe('resolveSecretKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'host-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should create a 0600 key file on first use in embedded mode and reuse it', () => {
    const first = resolveSecretKey({ dataDir: dir, allowKeyFile: true });
    const file = path.join(dir, KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(resolveSecretKey({ dataDir: dir, allowKeyFile: true }).equals(first)).to.equal(true);
    expect(readFileSync(file, 'utf8').trim()).to.have.length(44);
  });

  it('should refuse to run without CONNECTORS_SECRET_KEY in Redis mode', () => {
    expect(() => resolveSecretKey({ dataDir: dir, allowKeyFile: false }))
      .to.throw(/CONNECTORS_SECRET_KEY is not set/)
      .with.property('code', 'SECRET_KEY_MISSING');
  });

  it('should prefer the explicit key, in hex or base64', () => {
    const raw = randomBytes(32);
    expect(
      resolveSecretKey({ key: raw.toString('hex'), dataDir: dir, allowKeyFile: false }).equals(raw),
    ).to.equal(true);
    expect(
      resolveSecretKey({ key: raw.toString('base64'), dataDir: dir, allowKeyFile: false }).equals(raw),
    ).to.equal(true);
  });

  it('should reject a key that is not 256 bits with a hint', () => {
    expect(() => parseSecretKey('short', 'CONNECTORS_SECRET_KEY'))
      .to.throw(/not a 256-bit key/)
      .with.property('hint')
      .that.contains('openssl rand');
  });
});

describe('sealConfig', () => {
  const box = new SecretBox(randomBytes(32));

  it('should encrypt every Secret and leave other values readable', () => {
    const sealed = sealConfig(
      { apiUrl: 'https://x', apiKey: new Secret('abcd-1234'), nested: { token: new Secret('t0k3n') } },
      box,
      'c1',
    );
    const text = JSON.stringify(sealed);
    expect(text).not.to.contain('abcd-1234');
    expect(text).not.to.contain('t0k3n');
    expect(sealed.apiUrl).to.equal('https://x');
    expect(openConfig(sealed, box, 'c1')).to.deep.equal({
      apiUrl: 'https://x',
      apiKey: 'abcd-1234',
      nested: { token: 't0k3n' },
    });
    expect(redactStoredConfig(sealed)).to.deep.equal({
      apiUrl: 'https://x',
      apiKey: '[REDACTED]',
      nested: { token: '[REDACTED]' },
    });
  });
});
