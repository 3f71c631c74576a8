import { ConnectorError, type NormalizedRecord } from '@connectors/framework';
import type { FalconHost } from './internal-types';

const OS_TYPE: Record<string, string> = { windows: 'windows', mac: 'macos', linux: 'linux' };
const CLOUD_PROVIDER: Record<string, string> = {
  AWS_EC2_V2: 'aws',
  AWS_EC2: 'aws',
  AZURE: 'azure',
  GCP: 'gcp',
};

/** The ECS form of a MAC: upper case, dash separated (the vendor sends lower-case dashed). */
function macOf(value: string | undefined): string | undefined {
  const hex = value?.replace(/[^0-9a-f]/gi, '');
  return hex?.length === 12 ? hex.toUpperCase().match(/../g)!.join('-') : undefined;
}

function epochOf(value: string | undefined): number | undefined {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * One Falcon host to ECS fields (`host.*`, `agent.*`, `cloud.*`, `event.*`), the vendor object under
 * `crowdstrike_falcon`, and an asset whose identity follows the manifest's key order. Pure.
 */
export function mapHost(raw: FalconHost): NormalizedRecord {
  if (!raw || typeof raw.device_id !== 'string' || !raw.device_id) {
    throw new ConnectorError('RECORD_KEY_MISSING', 'a host without device_id cannot be normalized', {
      hint: 'The API returned a host object without its device_id; this is a vendor data problem.',
    });
  }
  const mac = macOf(raw.mac_address);
  const ip = [raw.local_ip, raw.external_ip].filter((x): x is string => !!x);
  const platform = raw.platform_name?.toLowerCase();
  const provider = raw.service_provider
    ? (CLOUD_PROVIDER[raw.service_provider] ?? raw.service_provider.toLowerCase())
    : undefined;
  const os = raw.os_version;
  return {
    key: raw.device_id,
    fields: {
      event: { kind: 'state', category: ['host'], type: ['info'] },
      host: {
        id: raw.device_id,
        name: raw.hostname,
        hostname: raw.hostname,
        ip,
        mac: mac ? [mac] : undefined,
        type: raw.product_type_desc,
        os: {
          full: os,
          platform,
          type: platform ? OS_TYPE[platform] : undefined,
          version: raw.os_build,
          kernel: raw.kernel_version,
        },
      },
      agent: {
        id: raw.device_id,
        type: 'falcon-sensor',
        version: raw.agent_version,
        last_seen: raw.last_seen,
      },
      cloud: provider ? { provider, instance: { id: raw.instance_id } } : undefined,
      crowdstrike_falcon: raw,
    },
    asset: {
      identity: present({
        deviceId: raw.device_id,
        instanceId: raw.instance_id,
        mac,
        ip: raw.local_ip,
        hostname: raw.hostname,
      }),
      hostname: raw.hostname,
      ip,
      mac: mac ? [mac] : undefined,
      os,
      lastSeen: epochOf(raw.last_seen),
      attributes: {
        containment: raw.status,
        platform: raw.platform_name,
        agentVersion: raw.agent_version,
        tags: raw.tags,
      },
    },
  };
}

/** Keeps only the entries with a value (asset identity values must be strings). */
function present(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => !!e[1]));
}
