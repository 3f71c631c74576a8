import { ConnectorError, isBlank, type NormalizedAsset, type NormalizedRecord } from '@connectors/framework';
import type { ComputerDto, NameValueDto } from '../internal-types';
import { canonicalIp, canonicalMac, isIpLiteral } from './network.normalizer';

/** The vendor object goes under this key (the manifest's origin source). */
export const VENDOR_KEY = 'trendmicro_cloudone';

/** Asset identity keys, most trusted first (the manifest declares the same list). */
export const ASSET_IDENTITY_KEYS = [
  'ID',
  'hostGUID',
  'biosUUID',
  'cloudInstanceId',
  'mac',
  'ip',
  'hostname',
] as const;

/** The agent version of a computer without an activated agent. */
const NO_AGENT_VERSION = '0.0.0.0';

interface CloudFields {
  provider?: string;
  account?: { id?: string };
  instance?: { id?: string; name?: string };
  region?: string;
  availability_zone?: string;
  machine?: { type?: string };
  service?: { name?: string };
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t ? t : undefined;
}

function unique<T>(values: Iterable<T | undefined>): T[] {
  return [...new Set([...values].filter((v): v is T => v !== undefined))];
}

function nameTag(metadata: NameValueDto[] | undefined): string | undefined {
  return Array.isArray(metadata) ? text(metadata.find((m) => m?.name === 'Name')?.value) : undefined;
}

/** `us-east-1a` → `us-east-1`; GCP `us-east1-d` → `us-east1`. */
function regionOfZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  const aws = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(zone);
  if (aws) return aws[1];
  const gcp = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone);
  return gcp ? gcp[1] : undefined;
}

/** Azure shows locations as "East US"; the platform's region name is `eastus`. */
function azureRegion(location: string | undefined): string | undefined {
  return location ? location.toLowerCase().replace(/\s+/g, '') : undefined;
}

function cloudOf(c: ComputerDto): CloudFields | undefined {
  const ec2 = c.ec2VirtualMachineSummary;
  if (ec2 && typeof ec2 === 'object') {
    const az = text(ec2.availabilityZone);
    return {
      provider: 'aws',
      account: { id: text(ec2.accountID) },
      instance: { id: text(ec2.instanceID), name: nameTag(ec2.metadata) },
      region: regionOfZone(az),
      availability_zone: az,
      machine: { type: text(ec2.type) },
      service: { name: 'ec2' },
    };
  }
  const azure = c.azureARMVirtualMachineSummary ?? c.azureVMVirtualMachineSummary;
  if (azure && typeof azure === 'object') {
    return {
      provider: 'azure',
      account: { id: text(azure.subscriptionID) },
      instance: { id: text(azure.instanceID) },
      region: azureRegion(text(azure.location)),
      machine: { type: text(azure.type) },
    };
  }
  const gcp = c.gcpVirtualMachineSummary;
  if (gcp && typeof gcp === 'object') {
    const zone = text(gcp.zone);
    return {
      provider: 'gcp',
      instance: { id: text(gcp.instanceID) },
      region: regionOfZone(zone),
      availability_zone: zone,
    };
  }
  const ws = c.workspaceVirtualMachineSummary;
  if (ws && typeof ws === 'object') {
    return {
      provider: 'aws',
      account: { id: text(ws.accountID) },
      instance: { id: text(ws.workspaceID) },
      service: { name: 'workspaces' },
    };
  }
  const nc = c.noConnectorVirtualMachineSummary;
  if (nc && typeof nc === 'object') {
    const instanceId = text(nc.instanceID);
    // Agent-reported metadata without a cloud connector: only an EC2-style ID tells the provider.
    return {
      provider: instanceId && /^i-[0-9a-f]{8,17}$/.test(instanceId) ? 'aws' : undefined,
      account: { id: text(nc.accountID) },
      instance: { id: instanceId },
      region: text(nc.region),
    };
  }
  return undefined;
}

/** The cloud and hypervisor summaries that may carry the computer's addresses. */
const ADDRESS_SUMMARIES = [
  'ec2VirtualMachineSummary',
  'azureARMVirtualMachineSummary',
  'azureVMVirtualMachineSummary',
  'gcpVirtualMachineSummary',
  'vmwareVMVirtualMachineSummary',
  'workspaceVirtualMachineSummary',
] as const;

function summaryIps(c: ComputerDto): unknown[] {
  const out: unknown[] = [];
  for (const key of ADDRESS_SUMMARIES) {
    const s = c[key] as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object') continue;
    out.push(s.privateIPAddress, s.publicIPAddress, s.publicVirtualIPAddress, s.IPAddress);
  }
  return out;
}

function osType(platform: string): string | undefined {
  const p = platform.toLowerCase();
  if (p.includes('windows')) return 'windows';
  if (/mac ?os|os x/.test(p)) return 'macos';
  if (/solaris|aix|hp-ux|unix/.test(p)) return 'unix';
  if (/linux|red hat|ubuntu|centos|debian|suse|oracle|amazon|rocky|alma|fedora/.test(p)) return 'linux';
  return undefined;
}

/** `Ubuntu Linux 20 (64 bit) (5.15.0-1041-aws)` → name `Ubuntu Linux 20`, kernel `5.15.0-1041-aws`. */
function osOf(
  platform: string | undefined,
  fallback: string | undefined,
): Record<string, unknown> | undefined {
  // Windows platform strings carry a double space before "Build"; the normalized value does not.
  const full = (platform ?? fallback)?.replace(/\s+/g, ' ');
  if (!full) return undefined;
  const name = full.split(' (')[0].trim();
  const kernel = /\(([0-9][^()]*[-.][^()]*)\)\s*$/.exec(full)?.[1];
  const type = osType(full);
  return { full, name, type, ...(type === 'linux' && kernel ? { kernel } : {}) };
}

/**
 * One computer to the record's normalized fields (Elastic Common Schema names: `host.*`, `agent.*`,
 * `cloud.*`, `event.*`) plus the vendor object under `trendmicro_cloudone`, and its asset record.
 * Pure and synchronous; blank values never become fields.
 */
export function normalizeComputer(c: ComputerDto): NormalizedRecord {
  if (!c || typeof c !== 'object' || !Number.isSafeInteger(c.ID) || c.ID <= 0) {
    throw new ConnectorError(
      'RECORD_KEY_MISSING',
      'a computer without a valid integer ID cannot be normalized',
      {
        hint: 'The API returned a computer object without its ID; this is a vendor data problem.',
      },
    );
  }
  const hostNameRaw = text(c.hostName);
  const hostNameIsIp = hostNameRaw !== undefined && isIpLiteral(hostNameRaw);
  const displayName = text(c.displayName);
  const hostname = hostNameRaw && !hostNameIsIp ? hostNameRaw : displayName;

  const interfaces = Array.isArray(c.interfaces?.interfaces) ? c.interfaces!.interfaces! : [];
  const ips = unique(
    [
      c.lastIPUsed,
      hostNameIsIp ? hostNameRaw : undefined,
      ...interfaces.flatMap((i) => (Array.isArray(i?.IPs) ? i.IPs : [])),
      ...summaryIps(c),
    ].map(canonicalIp),
  );
  const macs = unique(interfaces.map((i) => canonicalMac(i?.MAC)));

  const summaryOs =
    text(c.ec2VirtualMachineSummary?.operatingSystem) ??
    text(c.azureARMVirtualMachineSummary?.operatingSystem) ??
    text(c.azureVMVirtualMachineSummary?.operatingSystem) ??
    text(c.gcpVirtualMachineSummary?.operatingSystem) ??
    text(c.vmwareVMVirtualMachineSummary?.operatingSystem);
  const os = osOf(text(c.platform), summaryOs);

  const agentVersion = text(c.agentVersion);
  const status = c.computerStatus && typeof c.computerStatus === 'object' ? c.computerStatus : undefined;
  const messages = Array.isArray(status?.agentStatusMessages)
    ? status!.agentStatusMessages!.map(text).filter(Boolean)
    : [];
  const lastSeen =
    typeof c.lastAgentCommunication === 'number' && c.lastAgentCommunication > 0
      ? c.lastAgentCommunication
      : undefined;
  const hostGuid = text(c.hostGUID)?.toLowerCase();
  const biosUuid = (text(c.biosUUID) ?? text(c.vmwareVMVirtualMachineSummary?.biosUUID))?.toLowerCase();
  const cloud = cloudOf(c);

  const fields: Record<string, unknown> = {
    event: { kind: 'state', category: ['host'], type: ['info'] },
    host: {
      hostname,
      name: displayName ?? hostname,
      id: hostGuid,
      ip: ips,
      mac: macs,
      os,
    },
    agent: {
      version: agentVersion && agentVersion !== NO_AGENT_VERSION ? agentVersion : undefined,
      status: text(status?.agentStatus),
      status_messages: messages,
      last_seen: lastSeen,
    },
    cloud,
    [VENDOR_KEY]: c,
  };

  const identity: Record<string, string> = {};
  const put = (key: (typeof ASSET_IDENTITY_KEYS)[number], value: string | undefined): void => {
    if (value && !isBlank(value)) identity[key] = value;
  };
  put('ID', String(c.ID));
  put('hostGUID', hostGuid);
  put('biosUUID', biosUuid);
  put('cloudInstanceId', cloud?.instance?.id);
  put('mac', macs[0]);
  put('ip', ips[0]);
  put('hostname', hostname?.toLowerCase());

  const asset: NormalizedAsset = {
    identity,
    hostname,
    ip: ips,
    mac: macs,
    os: os?.full as string | undefined,
    lastSeen,
    attributes: {
      agentStatus: text(status?.agentStatus),
      agentVersion: agentVersion && agentVersion !== NO_AGENT_VERSION ? agentVersion : undefined,
      activated: agentVersion !== undefined && agentVersion !== NO_AGENT_VERSION,
      cloudProvider: cloud?.provider,
      cloudAccountId: cloud?.account?.id,
      cloudRegion: cloud?.region,
      // 0 means "none" for these vendor IDs; it is never a real group or policy.
      policyID: c.policyID ? c.policyID : undefined,
      groupID: c.groupID ? c.groupID : undefined,
    },
  };
  return { key: String(c.ID), fields, asset };
}
