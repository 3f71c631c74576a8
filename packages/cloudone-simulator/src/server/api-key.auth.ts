import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type HeaderScheme = 'apiKey' | 'legacy';
export type KeyRole = 'full' | 'read-limited';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Cloud One API key: `tmc` + 28 alphanumerics, `:`, then a 66-character alphanumeric secret. */
export function generateCloudOneKey(): string {
  const pick = (n: number): string => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');
  return `tmc${pick(28)}:${pick(66)}`;
}

/** A legacy Workload Security key: `GUID:GUID:<44-char base64>`, upper-case GUIDs. */
export function generateLegacyKey(): string {
  const guid = (): string => {
    const h = randomBytes(16).toString('hex').toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return `${guid()}:${guid()}:${randomBytes(32).toString('base64')}`;
}

/** The header scheme a key's shape belongs to; undefined for keys of no known shape. */
export function schemeOfKey(key: string): HeaderScheme | undefined {
  if (/^tmc[A-Za-z0-9]{20,40}:[A-Za-z0-9]{40,100}$/.test(key)) return 'apiKey';
  if (
    /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}:[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}:[A-Za-z0-9+/]{43}=$/i.test(
      key,
    )
  )
    return 'legacy';
  if (/^\d+:[A-Za-z0-9+/]{20,}={0,2}$/.test(key)) return 'legacy';
  return undefined;
}

interface KeyEntry {
  value: Buffer;
  role: KeyRole;
  schemes: ReadonlySet<HeaderScheme>;
}

export type AuthResult =
  | { ok: true; key: string; role: KeyRole; scheme: HeaderScheme }
  | { ok: false; scheme: HeaderScheme | 'none' };

export class KeyRing {
  private readonly keys: KeyEntry[] = [];

  constructor(private readonly strictSchemes: boolean) {}

  add(value: string, role: KeyRole): void {
    const shape = schemeOfKey(value);
    const schemes = new Set<HeaderScheme>(this.strictSchemes && shape ? [shape] : ['apiKey', 'legacy']);
    this.keys.push({ value: Buffer.from(value), role, schemes });
  }

  authenticate(req: IncomingMessage): AuthResult {
    const authorization = req.headers.authorization;
    const legacy = req.headers['api-secret-key'];
    const candidates: [HeaderScheme, string][] = [];
    if (typeof authorization === 'string') {
      const m = /^ApiKey (.+)$/i.exec(authorization.trim());
      if (m) candidates.push(['apiKey', m[1]]);
    }
    if (typeof legacy === 'string') candidates.push(['legacy', legacy.trim()]);
    for (const [scheme, presented] of candidates) {
      const buf = Buffer.from(presented);
      for (const k of this.keys) {
        if (k.schemes.has(scheme) && k.value.length === buf.length && timingSafeEqual(k.value, buf)) {
          return { ok: true, key: presented, role: k.role, scheme };
        }
      }
    }
    return { ok: false, scheme: candidates[0]?.[0] ?? 'none' };
  }
}
