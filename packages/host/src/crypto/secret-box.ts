import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import { HostSetupError } from '../errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE_NAME = 'secret.key';

/** What a secret looks like at rest: a tagged string so a plain value can never be mistaken for it. */
export interface EncryptedValue {
  $enc: string;
}

export function isEncryptedValue(value: unknown): value is EncryptedValue {
  return !!value && typeof value === 'object' && typeof (value as EncryptedValue).$enc === 'string';
}

/**
 * AES-256-GCM for secret config values at rest. Each value gets a fresh 96-bit IV; the additional
 * authenticated data binds the ciphertext to its connector and field, so a value copied onto another
 * connector or field does not decrypt. The key id (a hash of the key) travels with the value, so a
 * wrong key gives a clear error instead of a bare authentication failure.
 */
export class SecretBox {
  readonly keyId: string;
  /** The key check value the registry records: an HMAC under the key, so it proves the key without revealing it. */
  readonly checkValue: string;
  private refusal?: HostSetupError;

  constructor(
    private readonly key: Buffer,
    /** Where the key came from (`CONNECTORS_SECRET_KEY` or the key file), for error messages. */
    readonly source = 'CONNECTORS_SECRET_KEY',
  ) {
    if (key.length !== 32) throw new HostSetupError('SECRET_KEY_INVALID', 'the secret key must be 32 bytes');
    this.keyId = createHash('sha256').update('connectors-secret-key').update(key).digest('hex').slice(0, 12);
    this.checkValue = createHmac('sha256', key).update('connectors-key-check-v1').digest('hex');
  }

  /** From now on every encrypt and decrypt throws `err` (the key is known to be the wrong one). */
  refuse(err: HostSetupError): void {
    this.refusal = err;
  }

  /** Throws the refusal when the key was found wrong; callers that are about to encrypt check first. */
  assertUsable(): void {
    if (this.refusal) throw this.refusal;
  }

  /** A keyed hash of `text` (HMAC-SHA-256 under a key derived for `purpose`), hex. */
  keyedHash(purpose: string, text: string): string {
    const derived = createHmac('sha256', this.key).update(`connectors-${purpose}`).digest();
    return createHmac('sha256', derived).update(text).digest('hex');
  }

  encrypt(plain: string, aad: string): EncryptedValue {
    this.assertUsable();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return { $enc: [VERSION, this.keyId, Buffer.concat([iv, tag, ct]).toString('base64')].join(':') };
  }

  decrypt(value: EncryptedValue, aad: string): string {
    this.assertUsable();
    const [version, keyId, payload] = value.$enc.split(':');
    if (version !== VERSION || !payload) {
      throw new HostSetupError(
        'SECRET_FORMAT_UNKNOWN',
        `an encrypted value has an unknown format (${version})`,
      );
    }
    if (keyId !== this.keyId) {
      throw new HostSetupError(
        'SECRET_KEY_MISMATCH',
        `a stored secret was encrypted with another key (key id ${keyId}, this host has ${this.keyId})`,
        'Set CONNECTORS_SECRET_KEY to the key the registry was created with (every host sharing a registry needs the same key).',
      );
    }
    const raw = Buffer.from(payload, 'base64');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ct = raw.subarray(IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new HostSetupError(
        'SECRET_TAMPERED',
        'a stored secret failed its integrity check (it was altered or moved to another connector)',
        'Set the secret again with `connectors edit NAME --tenant T --set FIELD=VALUE`.',
      );
    }
  }
}

/** Parses a key given as 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (!key || key.length !== 32) {
    throw new HostSetupError(
      'SECRET_KEY_INVALID',
      `${source} is not a 256-bit key`,
      'Use 32 random bytes as base64 or hex, e.g. `openssl rand -base64 32`.',
    );
  }
  return key;
}

export interface ResolveKeyOptions {
  /** Explicit key (option or CONNECTORS_SECRET_KEY). */
  key?: string;
  dataDir: string;
  /** Embedded defaults may create a key file; in Redis mode a missing key is an error. */
  allowKeyFile: boolean;
}

/**
 * The key for secrets at rest: the explicit key when given; otherwise, on embedded defaults only,
 * `<dataDir>/secret.key` (created on first use with mode 0600). In Redis mode several hosts share one
 * registry, so a key file on one machine would lock the others out: a missing key is a clear error.
 */
export function resolveSecretKey(options: ResolveKeyOptions): Buffer {
  if (options.key) return parseSecretKey(options.key, 'CONNECTORS_SECRET_KEY');
  if (!options.allowKeyFile) {
    throw new HostSetupError(
      'SECRET_KEY_MISSING',
      'CONNECTORS_SECRET_KEY is not set: with a Redis registry every host needs the same encryption key',
      'Create one with `openssl rand -base64 32` and set CONNECTORS_SECRET_KEY to it on every host.',
    );
  }
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return parseSecretKey(readFileSync(file, 'utf8'), file);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx` fails if another process created the file meanwhile; then read what it wrote.
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return parseSecretKey(readFileSync(file, 'utf8'), file);
    throw err;
  }
}
