import type { NormalizedRecord } from '@connectors/framework';
import type { EdrHost } from './internal-types';

/** Keeps only the entries with a value (asset identity values must be strings). */
function present(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => !!e[1]));
}

/** One EDR host to ECS-style host fields, the vendor object under `example_edr`, and an asset. */
export function mapHost(raw: EdrHost): NormalizedRecord {
  const os = [raw.os?.name, raw.os?.version].filter(Boolean).join(' ') || undefined;
  const seen = raw.lastSeen ? Date.parse(raw.lastSeen) : NaN;
  const lastSeen = Number.isNaN(seen) ? undefined : seen;
  return {
    key: raw.id,
    fields: {
      host: { id: raw.id, name: raw.hostname, ip: raw.ip, mac: raw.mac, os: { full: os } },
      agent: { version: raw.agentVersion },
      example_edr: raw,
    },
    asset: {
      // Most trusted first, as declared in the manifest's assetIdentityKeys.
      identity: present({ hostId: raw.id, mac: raw.mac?.[0], ip: raw.ip?.[0], hostname: raw.hostname }),
      hostname: raw.hostname,
      ip: raw.ip,
      mac: raw.mac,
      os,
      lastSeen,
      attributes: { isolation: raw.isolation, agentVersion: raw.agentVersion },
    },
  };
}
