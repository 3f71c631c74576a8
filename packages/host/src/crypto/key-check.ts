import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HostSetupError } from '../errors';
import { COLLECTIONS, KEY_CHECK_DOC } from '../registry/collections';
import type { HostStore } from '../store/host-store';
import { KEY_FILE_NAME, resolveSecretKey, SecretBox, type ResolveKeyOptions } from './secret-box';

/** What the registry records about the key its secrets are sealed with (never the key itself). */
export interface KeyCheckRecord {
  checkValue: string;
  recordedAt: number;
}

const short = (value: string): string => value.slice(0, 12);

/**
 * Opens the secret box for a registry. A key that does not match the registry's recorded check value
 * gives a box that refuses every encrypt and decrypt, so read-only commands still work and nothing is
 * sealed under the wrong key. A missing key file never becomes a new key while secrets are stored.
 */
export async function openSecretBox(store: HostStore, options: ResolveKeyOptions): Promise<SecretBox> {
  let recorded = await store.get<KeyCheckRecord>(COLLECTIONS.meta, KEY_CHECK_DOC);
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (!options.key && options.allowKeyFile && !existsSync(file)) {
    if (await holdsSecrets(store)) {
      const box = new SecretBox(randomBytes(32), file);
      box.refuse(
        new HostSetupError(
          'SECRET_KEY_FILE_MISSING',
          `${file} is missing, but this registry holds secrets encrypted with it` +
            (recorded ? ` (key check value ${short(recorded.checkValue)})` : ''),
          `Restore ${file} from a backup, or set CONNECTORS_SECRET_KEY to that key. A new key cannot read the stored secrets.`,
        ),
      );
      return box;
    }
    // Nothing is sealed under the lost key: a new key file starts a new record.
    if (recorded) await store.delete(COLLECTIONS.meta, KEY_CHECK_DOC);
    recorded = undefined;
  }
  const box = new SecretBox(resolveSecretKey(options), options.key ? 'CONNECTORS_SECRET_KEY' : file);
  if (recorded && recorded.checkValue !== box.checkValue) box.refuse(mismatch(box, recorded.checkValue));
  return box;
}

/**
 * Called before secrets are sealed: records this key's check value when the registry has none yet,
 * and refuses when the registry's secrets belong to another key (recorded, or carried by their key id).
 */
export async function claimSecretKey(store: HostStore, box: SecretBox, now: number): Promise<void> {
  box.assertUsable();
  const recorded = await store.get<KeyCheckRecord>(COLLECTIONS.meta, KEY_CHECK_DOC);
  if (recorded) return checkRecorded(box, recorded);
  const foreign = (await storedKeyIds(store)).find((id) => id !== box.keyId);
  if (foreign !== undefined) {
    const err = new HostSetupError(
      'SECRET_KEY_MISMATCH',
      `${box.source} is not the key this registry's secrets were encrypted with (their key id ${foreign}, this key's ${box.keyId})`,
      keyHint(box),
    );
    box.refuse(err);
    throw err;
  }
  const record: KeyCheckRecord = { checkValue: box.checkValue, recordedAt: now };
  if (await store.putIfAbsent(COLLECTIONS.meta, KEY_CHECK_DOC, record)) return;
  // Another host recorded its key meanwhile: it must be this one.
  const winner = await store.get<KeyCheckRecord>(COLLECTIONS.meta, KEY_CHECK_DOC);
  if (winner) checkRecorded(box, winner);
}

function checkRecorded(box: SecretBox, recorded: KeyCheckRecord): void {
  if (recorded.checkValue === box.checkValue) return;
  const err = mismatch(box, recorded.checkValue);
  box.refuse(err);
  throw err;
}

function mismatch(box: SecretBox, recorded: string): HostSetupError {
  return new HostSetupError(
    'SECRET_KEY_MISMATCH',
    `${box.source} is not the key this registry's secrets were encrypted with (key check value ${short(recorded)}, this key's ${short(box.checkValue)})`,
    keyHint(box),
  );
}

function keyHint(box: SecretBox): string {
  return box.source === 'CONNECTORS_SECRET_KEY'
    ? 'Set CONNECTORS_SECRET_KEY to the key the registry was created with (every host sharing a registry needs the same key).'
    : `Restore the ${KEY_FILE_NAME} this data directory was created with, or set CONNECTORS_SECRET_KEY to that key.`;
}

async function holdsSecrets(store: HostStore): Promise<boolean> {
  return (await storedKeyIds(store)).length > 0;
}

/** Key ids carried by the stored secrets (`$enc` values are `v1:<key id>:<payload>`). */
async function storedKeyIds(store: HostStore): Promise<string[]> {
  const ids = new Set<string>();
  for (const { value } of await store.list(COLLECTIONS.connectors)) {
    for (const m of JSON.stringify(value).matchAll(/"\$enc":"[^":]*:([^":]*):/g)) ids.add(m[1]);
  }
  return [...ids];
}
