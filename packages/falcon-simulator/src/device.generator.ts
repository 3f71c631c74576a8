import { createHash } from 'node:crypto';
import type { ContainmentStatus, FalconDevice } from './types';

const DAY_MS = 86_400_000;

/**
 * Each host is derived from (seed, index) alone, so any page of a million-host fleet is produced on
 * demand without holding the fleet: a SHA-256 of both gives the id and the random bytes.
 */
export class DeviceGenerator {
  readonly cid: string;

  constructor(
    private readonly seed: string,
    private readonly baseTimeMs: number,
  ) {
    this.cid = digest(`${seed}:cid`).toString('hex').slice(0, 32);
  }

  /** 32 hex digits like a Falcon agent id; the last eight are the index, so a lookup needs no table. */
  deviceId(index: number): string {
    return digest(`${this.seed}:${index}`).toString('hex').slice(0, 24) + index.toString(16).padStart(8, '0');
  }

  /** The index a device id names, or undefined when it is not one of this fleet's ids. */
  indexOf(deviceId: string): number | undefined {
    if (!/^[0-9a-f]{32}$/.test(deviceId)) return undefined;
    const index = parseInt(deviceId.slice(24), 16);
    return this.deviceId(index) === deviceId ? index : undefined;
  }

  device(index: number, status: ContainmentStatus, hostname?: string): FalconDevice {
    const b = digest(`${this.seed}:${index}`);
    const id = this.deviceId(index);
    const r = (i: number): number => b[i % 32];
    const platform = r(16) < 154 ? 'Windows' : r(16) < 192 ? 'Mac' : 'Linux';
    const server = platform !== 'Mac' && r(17) < 90;
    const cloud = r(18) < 100 ? (['AWS_EC2_V2', 'AZURE', 'GCP'] as const)[r(19) % 3] : undefined;
    const lastSeen = this.baseTimeMs - ((b.readUInt32BE(20) % (7 * DAY_MS)) >>> 0);
    const firstSeen = lastSeen - (b.readUInt32BE(24) % (400 * DAY_MS));
    const prefix =
      platform === 'Windows' ? (server ? 'win-srv' : 'win-ws') : platform === 'Mac' ? 'mac' : 'lnx';
    const os = OS[platform][r(21) % OS[platform].length];
    const mac = [0x00, 0x50, 0x56, r(8), r(9), r(10)].map((x) => x.toString(16).padStart(2, '0')).join('-');
    const site = SITES[r(22) % SITES.length];
    return {
      device_id: id,
      cid: this.cid,
      hostname: hostname ?? `${prefix}-${index.toString().padStart(6, '0')}`,
      local_ip: cloud ? `172.31.${r(11)}.${r(12) || 1}` : `10.${r(13)}.${r(11)}.${r(12) || 1}`,
      external_ip: `203.0.113.${r(14) || 1}`,
      mac_address: mac,
      platform_name: platform,
      os_version: os.version,
      ...(os.build ? { os_build: os.build } : {}),
      ...(platform === 'Linux' ? { kernel_version: '5.15.0-1045-aws' } : {}),
      agent_version: AGENTS[platform][r(23) % AGENTS[platform].length],
      first_seen: iso(firstSeen),
      last_seen: iso(lastSeen),
      modified_timestamp: iso(lastSeen),
      status,
      product_type_desc: platform === 'Mac' ? 'Workstation' : server ? 'Server' : 'Workstation',
      system_manufacturer: cloud ? CLOUD_MAKERS[cloud] : platform === 'Mac' ? 'Apple Inc.' : 'Dell Inc.',
      system_product_name: cloud
        ? 'Virtual Machine'
        : platform === 'Mac'
          ? 'MacBookPro18,1'
          : 'Latitude 7420',
      serial_number: b.toString('hex', 26, 32).toUpperCase(),
      ...(cloud ? { service_provider: cloud, instance_id: `i-${b.toString('hex', 0, 9).slice(0, 17)}` } : {}),
      tags: [`FalconGroupingTags/${site}`, ...(server ? ['SensorGroupingTags/servers'] : [])],
      groups: [digest(`${this.seed}:group:${site}`).toString('hex').slice(0, 32)],
      device_policies: {
        prevention: {
          policy_type: 'prevention',
          policy_id: policyId(this.seed, platform, 'prevention'),
          applied: true,
        },
        sensor_update: {
          policy_type: 'sensor-update',
          policy_id: policyId(this.seed, platform, 'sensor-update'),
          applied: r(15) > 10,
        },
      },
      reduced_functionality_mode: r(25) < 3 ? 'yes' : 'no',
      host_hidden_status: 'visible',
    };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function policyId(seed: string, platform: string, type: string): string {
  return digest(`${seed}:${platform}:${type}`).toString('hex').slice(0, 32);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const SITES = ['HQ', 'Branch-Paris', 'Branch-Austin', 'DataCenter-1'];
const CLOUD_MAKERS: Record<string, string> = {
  AWS_EC2_V2: 'Amazon EC2',
  AZURE: 'Microsoft Corporation',
  GCP: 'Google',
};
const OS: Record<FalconDevice['platform_name'], Array<{ version: string; build?: string }>> = {
  Windows: [
    { version: 'Windows 11', build: '22631' },
    { version: 'Windows 10', build: '19045' },
    { version: 'Windows Server 2022', build: '20348' },
  ],
  Mac: [
    { version: 'Sonoma (14)', build: '23D60' },
    { version: 'Ventura (13)', build: '22G120' },
  ],
  Linux: [{ version: 'Ubuntu 22.04' }, { version: 'RHEL 9.3' }, { version: 'Amazon Linux 2' }],
};
const AGENTS: Record<FalconDevice['platform_name'], string[]> = {
  Windows: ['7.10.17706.0', '7.11.18110.0'],
  Mac: ['7.10.17604.0'],
  Linux: ['7.10.17004.0', '7.11.17411.0'],
};
