import { ALL_KEYS, type ObjectKey } from './expand';
import { hash32, Rng } from './prng';

/** A computer as the API returns it: JSON-ready, null fields omitted. */
export type Computer = Record<string, unknown>;

export interface GeneratorContext {
  seed: number;
  /** "Now" for generated timestamps, epoch ms; fixed per simulator so data is stable across requests. */
  baseTimeMs: number;
}

type Kind =
  | 'ec2-linux'
  | 'ec2-windows'
  | 'azure-arm'
  | 'azure-classic'
  | 'gcp'
  | 'vmware'
  | 'no-connector'
  | 'workspace'
  | 'physical'
  | 'esx'
  | 'unactivated';

const KIND_WEIGHTS: readonly (readonly [Kind, number])[] = [
  ['ec2-linux', 26],
  ['ec2-windows', 12],
  ['azure-arm', 10],
  ['azure-classic', 2],
  ['gcp', 8],
  ['vmware', 15],
  ['no-connector', 4],
  ['workspace', 3],
  ['physical', 10],
  ['esx', 1],
  ['unactivated', 9],
];

const LINUX_PLATFORMS = [
  'Amazon Linux 2 (64 bit) (4.14.336-257.562.amzn2.x86_64)',
  'Amazon Linux 2023 (64 bit) (6.1.79-99.164.amzn2023.x86_64)',
  'Red Hat Enterprise 9 (64 bit) (5.14.0-284.30.1.el9_2.x86_64)',
  'Red Hat Enterprise 8 (64 bit) (4.18.0-477.27.1.el8_8.x86_64)',
  'Ubuntu Linux 20 (64 bit) (5.15.0-1041-aws)',
  'Ubuntu Linux 22 (64 bit) (5.15.0-105-generic)',
  'CentOS 7 (64 bit) (3.10.0-1160.108.1.el7.x86_64)',
  'Debian 11 (64 bit) (5.10.0-28-amd64)',
  'SUSE Linux Enterprise Server 15 (64 bit) (5.14.21-150500.55.52-default)',
  'Oracle Linux 8 (64 bit) (5.15.0-200.131.27.el8uek.x86_64)',
];

// Windows platform strings carry two spaces before "Build", as the service reports them.
const WINDOWS_PLATFORMS = [
  'Microsoft Windows Server 2022 (64 bit)  Build 20348',
  'Microsoft Windows Server 2019 (64 bit)  Build 17763',
  'Microsoft Windows Server 2016 (64 bit)  Build 14393',
  'Microsoft Windows Server 2012 R2 (64 bit)  Build 9600',
  'Microsoft Windows 10 (64 bit)  Build 19045',
  'Microsoft Windows 11 (64 bit)  Build 22631',
];

const STATUS_WEIGHTS = [
  ['active', 70],
  ['warning', 8],
  ['error', 5],
  ['inactive', 15],
  ['not-supported', 2],
] as const;

const STATUS_MESSAGES: Record<string, readonly string[][]> = {
  active: [['Managed (Online)']],
  warning: [
    ['Managed (Online)', 'Software Update Available'],
    ['Managed (Online)', 'Reboot Required'],
  ],
  error: [
    ['Managed (Online)', 'Anti-Malware Engine Offline'],
    ['Communications Problem'],
    ['Multiple Errors'],
  ],
  inactive: [['Offline'], ['Managed (Offline)'], ['Reactivation Required'], ['Deactivation Required']],
  'not-supported': [['Unmanaged (Unsupported)']],
  unactivated: [['Activation Required'], ['Unmanaged (Unknown)'], ['No Agent'], ['Discovered']],
};

const ROLES = ['web', 'db', 'app', 'api', 'cache', 'batch', 'dc', 'file', 'mail', 'jump', 'kafka', 'etl'];
const AWS_REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-2',
  'ap-northeast-1',
];
const AZURE_LOCATIONS = ['East US', 'West Europe', 'Southeast Asia', 'UK South', 'Japan East'];
const GCP_ZONES = ['us-east1-d', 'us-central1-a', 'europe-west1-b', 'asia-northeast1-c'];
const EC2_TYPES = ['t3.micro', 't3.large', 'm5.xlarge', 'c6i.2xlarge', 'r6g.large'];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Profile {
  id: number;
  kind: Kind;
  windows: boolean;
  activated: boolean;
  platform: string;
  status: string;
  messages: string[];
  ip: string;
  publicIp?: string;
  hostName: string;
  displayName: string;
  accountId: string;
  region: string;
  lastSeen?: number;
  biosUUID?: string;
  appliance: boolean;
}

function ipv4(rng: Rng, prefix: string, octets: number): string {
  const parts = [prefix];
  for (let i = 0; i < octets; i++) parts.push(String(rng.int(i === octets - 1 ? 4 : 0, 254)));
  return parts.join('.');
}

function profileOf(id: number, ctx: GeneratorContext): Profile {
  const rng = new Rng(hash32(ctx.seed, id, 0));
  const kind = rng.weighted(KIND_WEIGHTS);
  const windows =
    kind === 'ec2-windows' || kind === 'workspace'
      ? true
      : kind === 'ec2-linux' || kind === 'esx'
        ? false
        : rng.chance(0.35);
  const activated = kind !== 'unactivated';
  const status = activated ? rng.weighted(STATUS_WEIGHTS) : 'inactive';
  const messages = [...rng.pick(STATUS_MESSAGES[activated ? status : 'unactivated'])];
  const role = rng.pick(ROLES);
  const n = String(id).padStart(5, '0');
  let ip: string;
  let hostName: string;
  switch (kind) {
    case 'ec2-linux':
    case 'ec2-windows':
    case 'no-connector':
      ip = ipv4(rng, '10', 3);
      hostName = windows
        ? `EC2AMAZ-${rng.alnum(7).toUpperCase()}`
        : `ip-${ip.replace(/\./g, '-')}.ec2.internal`;
      break;
    case 'azure-arm':
    case 'azure-classic':
      ip = ipv4(rng, '10.1', 2);
      hostName = `vm-${role}-${n}`;
      break;
    case 'gcp':
      ip = ipv4(rng, '10.128', 2);
      hostName = `${role}-${n}.c.prod-project.internal`;
      break;
    case 'workspace':
      ip = ipv4(rng, '10.20', 2);
      hostName = `WSAMZN-${rng.alnum(8).toUpperCase()}`;
      break;
    case 'vmware':
    case 'esx':
      ip = ipv4(rng, '172.16', 2);
      hostName = kind === 'esx' ? `esx${n}.corp.example.com` : `${role}${n}.corp.example.com`;
      break;
    case 'physical':
      ip = ipv4(rng, '192.168', 2);
      hostName = windows ? `WKS-${n}.corp.example.com` : `build${n}.corp.example.com`;
      break;
    default:
      // Added by IP and never activated: the host name is the address itself.
      ip = rng.chance(0.5) ? ipv4(rng, '192.0.2', 1) : ipv4(rng, '10.99', 2);
      hostName = ip;
  }
  const cloudy = kind.startsWith('ec2') || kind.startsWith('azure') || kind === 'gcp' || kind === 'workspace';
  const platform =
    kind === 'unactivated' ? '' : windows ? rng.pick(WINDOWS_PLATFORMS) : rng.pick(LINUX_PLATFORMS);
  let lastSeen: number | undefined;
  if (activated) {
    const age =
      status === 'active'
        ? rng.int(0, 10 * MINUTE)
        : status === 'inactive'
          ? rng.int(DAY, 60 * DAY)
          : rng.int(0, 60 * MINUTE);
    lastSeen = ctx.baseTimeMs - age;
  }
  return {
    id,
    kind,
    windows,
    activated,
    platform,
    status,
    messages,
    ip,
    publicIp:
      cloudy && rng.chance(0.4)
        ? `${rng.int(3, 54)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
        : undefined,
    hostName,
    displayName: rng.chance(0.55) ? '' : `${role.toUpperCase()} server ${id}`,
    accountId: String(100000000000 + rng.int(0, 5) * 111111111),
    region: rng.pick(AWS_REGIONS),
    lastSeen,
    biosUUID: kind === 'vmware' || kind === 'esx' || rng.chance(0.3) ? rng.guid(false) : undefined,
    appliance: kind === 'vmware' && rng.chance(0.3),
  };
}

/**
 * Builds computer `id` as the API returns it with the given expand keys. Each part draws from its own
 * random stream, so what one part contains never depends on which other parts were requested.
 */
export function generateComputer(
  id: number,
  ctx: GeneratorContext,
  keys: ReadonlySet<ObjectKey> = ALL_KEYS,
): Computer {
  const p = profileOf(id, ctx);
  const rng = (section: number): Rng => new Rng(hash32(ctx.seed, id, section));
  const top = rng(1);
  const c: Computer = {
    hostName: p.hostName,
    displayName: p.displayName,
    description: top.chance(0.7)
      ? ''
      : top.pick(['Production', 'Imported from CSV', 'Managed by platform team', 'PCI scope']),
    lastIPUsed: p.activated ? p.ip : '',
    platform: p.platform,
    groupID: top.chance(0.3) ? 0 : top.int(1, 40),
    policyID: p.activated ? top.int(1, 20) : top.pick([0, 1]),
    assetImportanceID: top.pick([0, 0, 1, 2, 3]),
    relayListID: top.pick([0, 0, 0, 1]),
  };
  if (p.activated) {
    c.agentFingerPrint = top.hex(20, true, ':');
    c.lastAgentCommunication = p.lastSeen;
    c.lastSendPolicyRequest = (p.lastSeen ?? ctx.baseTimeMs) - top.int(MINUTE, DAY);
    c.lastSendPolicySuccess = (c.lastSendPolicyRequest as number) + top.int(1000, 20_000);
  }
  if (p.appliance) {
    c.applianceFingerPrint = top.hex(20, true, ':');
    c.lastApplianceCommunication = ctx.baseTimeMs - top.int(0, 30 * MINUTE);
  }
  c.agentVersion = p.activated
    ? top.weighted([
        [`20.0.${top.int(0, 1)}.${top.int(100, 21000)}`, 8],
        [`12.0.0.${top.int(100, 3000)}`, 1],
        ['11.3.0.292', 1],
      ])
    : '0.0.0.0';
  c.hostGUID = top.guid(true);
  if (p.biosUUID) c.biosUUID = p.biosUUID;
  c.ID = id;

  if (keys.has('computerStatus')) {
    const s: Record<string, unknown> = { agentStatus: p.status, agentStatusMessages: p.messages };
    if (p.appliance)
      Object.assign(s, { applianceStatus: 'active', applianceStatusMessages: ['Managed (Online)'] });
    c.computerStatus = s;
  }
  if (keys.has('tasks')) {
    const t = rng(2);
    if (t.chance(0.1))
      c.tasks = {
        agentTasks: [t.pick(['Sending Policy', 'Getting Events', 'Scanning for Recommendations'])],
      };
  }
  if (keys.has('interfaces') && p.activated && p.kind !== 'esx') c.interfaces = interfacesOf(p, rng(3));
  if (p.activated && keys.has('securityUpdates')) c.securityUpdates = securityUpdatesOf(p, rng(4), ctx);
  if (keys.has('computerSettings')) c.computerSettings = settingsOf(p, rng(5));
  addSummary(c, p, rng(6), keys);
  addModules(c, p, rng(7), keys, ctx);
  return c;
}

function macOf(rng: Rng, p: Profile): string {
  const bytes = rng.hex(6, p.windows, p.windows ? '-' : ':');
  // Locally administered, unicast: what hypervisors and clouds hand out.
  const first = ((parseInt(bytes.slice(0, 2), 16) & 0xfc) | 0x02).toString(16).padStart(2, '0');
  return (p.windows ? first.toUpperCase() : first) + bytes.slice(2);
}

function interfacesOf(p: Profile, rng: Rng): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  const count = p.kind === 'vmware' || p.kind === 'physical' ? rng.int(1, 3) : rng.int(1, 2);
  for (let i = 0; i < count; i++) {
    const mac = macOf(rng, p);
    const ips =
      i === 0
        ? [`${p.ip}/${p.kind === 'physical' ? 24 : rng.pick([16, 20, 24])}`]
        : [ipv4(rng, '10.200', 2) + '/24'];
    if (!p.windows || rng.chance(0.5))
      ips.push(`fe80::${rng.hex(2)}:${rng.hex(1)}ff:fe${rng.hex(1)}:${rng.hex(2)}/64`);
    list.push({
      interfaceTypeID: 0,
      name: p.windows
        ? i === 0
          ? 'Ethernet'
          : `Ethernet ${i + 1}`
        : i === 0
          ? rng.pick(['eth0', 'ens5', 'ens192'])
          : `eth${i}`,
      displayName: '',
      detected: true,
      ID: p.id * 4 + i,
      MAC: mac,
      DHCP: p.kind !== 'physical' && p.kind !== 'vmware',
      IPs: ips,
    });
  }
  if (!p.windows && rng.chance(0.15)) {
    list.push({
      interfaceTypeID: 0,
      name: 'docker0',
      displayName: '',
      detected: true,
      ID: p.id * 4 + 3,
      MAC: `02:42:${rng.hex(4, false, ':')}`,
      DHCP: false,
      IPs: ['172.17.0.1/16'],
    });
  }
  return { interfaces: list };
}

function securityUpdatesOf(p: Profile, rng: Rng, ctx: GeneratorContext): Record<string, unknown> {
  const latest = rng.chance(0.85);
  const plat = p.windows ? 'Windows' : 'Linux';
  return {
    updateStatus: latest
      ? { status: 'active', statusMessage: 'Up-to-date' }
      : { status: 'warning', statusMessage: 'Security Update: Pattern Update Failed' },
    lastChanged: ctx.baseTimeMs - rng.int(MINUTE, 3 * DAY),
    antiMalware: [
      {
        name: 'Smart Scan Agent Pattern',
        forUseBy: 'Agent 20.0',
        platform: plat,
        version: `19.${rng.int(300, 499)}.00`,
        latest,
      },
      {
        name: 'Virus Scan Engine',
        forUseBy: 'Agent 20.0',
        platform: plat,
        version: `23.${rng.int(500, 600)}.1002`,
        latest: true,
      },
    ],
    rules: [
      {
        name: 'Rule Update',
        forUseBy: 'Manager',
        platform: 'All',
        version: `24-0${rng.int(10, 29)}-0${rng.int(10, 99)}`,
        latest,
      },
    ],
  };
}

const SETTING_NAMES = [
  'platformSettingHeartbeatInterval',
  'platformSettingAgentCommunicationsDirection',
  'platformSettingAgentSelfProtectionEnabled',
  'platformSettingSmartProtectionAntiMalwareGlobalServerEnabled',
  'firewallSettingEngineOptionsEnabled',
  'firewallSettingReconnaissanceEnabled',
  'intrusionPreventionSettingAutoApplyRecommendationsEnabled',
  'antiMalwareSettingScanCacheOnDemandConfigId',
  'webReputationSettingSecurityLevel',
  'logInspectionSettingSeverityClippingAgentEventSendSyslogLevelMin',
  'integrityMonitoringSettingAutoApplyRecommendationsEnabled',
  'applicationControlSettingSharedRulesetVersion',
];

// The real object has about 222 settings; a representative dozen keeps `expand=all` objects at the
// 2-4 KB that real fleets show once empty settings are left out.
function settingsOf(p: Profile, rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    let value: string;
    if (name.endsWith('Enabled')) value = rng.chance(0.7) ? 'true' : 'false';
    else if (name.endsWith('Interval')) value = String(rng.pick([1, 5, 10]));
    else if (name.endsWith('Direction')) value = rng.pick(['Bidirectional', 'Agent/Appliance Initiated']);
    else if (name.endsWith('Level')) value = rng.pick(['Low', 'Medium', 'High']);
    else value = String(rng.int(1, 300 + (p.id % 7)));
    out[name] = { value };
  }
  return out;
}

function addSummary(c: Computer, p: Profile, rng: Rng, keys: ReadonlySet<ObjectKey>): void {
  const pub = p.publicIp ? { publicIPAddress: p.publicIp } : {};
  switch (p.kind) {
    case 'ec2-linux':
    case 'ec2-windows': {
      if (!keys.has('ec2VirtualMachineSummary')) return;
      const az = `${p.region}${rng.pick(['a', 'b', 'c'])}`;
      c.ec2VirtualMachineSummary = {
        cloudProvider: 'AWS',
        accountID: p.accountId,
        operatingSystem: p.windows ? 'Microsoft Windows (64 bit)' : 'Amazon Linux 2 (64 bit)',
        privateIPAddress: p.ip,
        ...pub,
        availabilityZone: az,
        instanceID: `i-${rng.hex(8 + 1)}`.slice(0, 19),
        securityGroups: [{ name: `${rng.pick(ROLES)}-sg`, ID: `sg-${rng.hex(8)}`.slice(0, 20) }],
        type: rng.pick(EC2_TYPES),
        virtualizationType: 'hvm',
        state: rng.chance(0.9) ? 'POWER ON' : 'POWER OFF',
        metadata: [{ name: 'Name', value: p.hostName.split('.')[0] }],
        DNSName: p.windows ? `ip-${p.ip.replace(/\./g, '-')}.ec2.internal` : p.hostName,
        amiID: `ami-${rng.hex(8)}`.slice(0, 21),
      };
      return;
    }
    case 'azure-arm': {
      if (!keys.has('azureARMVirtualMachineSummary')) return;
      const sub = rng.guid(false);
      const rg = `rg-${rng.pick(['prod', 'stage', 'shared'])}-${rng.pick(ROLES)}`;
      c.azureARMVirtualMachineSummary = {
        cloudProvider: 'Azure',
        subscriptionID: sub,
        deploymentModel: 'Resource Manager',
        resourceGroup: rg,
        state: 'Running',
        location: rng.pick(AZURE_LOCATIONS),
        type: rng.pick(['Standard_DS1_v2', 'Standard_D2s_v3', 'Standard_B2ms']),
        operatingSystem: p.windows ? 'Windows' : 'Linux',
        ...pub,
        privateIPAddress: p.ip,
        instanceID: rng.guid(false),
        securityGroup: `${p.hostName}-nsg`,
        metadata: [{ name: 'env', value: 'prod' }],
        azureResourceId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${p.hostName}`,
        DNSName: `${p.hostName}.internal.cloudapp.net`,
      };
      return;
    }
    case 'azure-classic': {
      if (!keys.has('azureVMVirtualMachineSummary')) return;
      c.azureVMVirtualMachineSummary = {
        cloudProvider: 'Azure',
        subscriptionID: rng.guid(false),
        operatingSystem: p.windows ? 'Windows' : 'Linux',
        publicVirtualIPAddress: `40.${rng.int(64, 127)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
        privateIPAddress: p.ip,
        location: rng.pick(AZURE_LOCATIONS),
        instanceID: p.hostName,
        imageID: 'b39f27a8b8c64d52b05eac6a62ebad85__Ubuntu-18_04-LTS',
        cloudService: `cs-legacy-${rng.pick(ROLES)}`,
        deploymentID: rng.hex(16),
        type: 'Small',
        state: 'ReadyRole',
        DNSName: `cs-legacy-${p.id}.cloudapp.net`,
      };
      return;
    }
    case 'gcp': {
      if (!keys.has('gcpVirtualMachineSummary')) return;
      c.gcpVirtualMachineSummary = {
        cloudProvider: 'GCP',
        state: 'RUNNING',
        operatingSystem: p.windows ? 'windows-server-2022' : 'debian-11',
        instanceID: String(1000000000000000000n + BigInt(hash32(p.id, 7)) * 1000000000n + BigInt(p.id)),
        privateIPAddress: p.ip,
        ...pub,
        zone: rng.pick(GCP_ZONES),
        vCPUs: rng.pick([2, 4, 8]),
        memory: rng.pick([4096, 8192, 16384]),
        labels: [{ key: 'team', value: rng.pick(['payments', 'search', 'platform']) }],
        networkTags: ['allow-ssh', 'http-server'],
      };
      return;
    }
    case 'vmware': {
      if (!keys.has('vmwareVMVirtualMachineSummary')) return;
      c.vmwareVMVirtualMachineSummary = {
        operatingSystem: p.windows
          ? 'Microsoft Windows Server 2019 (64-bit)'
          : 'Red Hat Enterprise Linux 8 (64-bit)',
        memory: `${rng.pick(['4,096', '8,192', '12,288', '16,384'])} MB`,
        vmwareTools: rng.chance(0.9) ? 'OK' : 'Not running',
        biosUUID: p.biosUUID,
        state: 'Powered On',
        notes: rng.chance(0.3) ? ['owner: infra'] : [],
        CPU: `${rng.pick([2, 4, 8])} vCPU`,
        IPAddress: p.ip,
        DNSName: p.hostName,
        vCenterUUID: rng.guid(false),
        NSXSecurityGroups: rng.chance(0.2) ? ['SG-Web'] : [],
      };
      return;
    }
    case 'no-connector': {
      if (!keys.has('noConnectorVirtualMachineSummary')) return;
      c.noConnectorVirtualMachineSummary = {
        accountID: p.accountId,
        instanceID: `i-${rng.hex(9)}`.slice(0, 19),
        region: p.region,
      };
      return;
    }
    case 'workspace': {
      if (!keys.has('workspaceVirtualMachineSummary')) return;
      c.workspaceVirtualMachineSummary = {
        cloudProvider: 'AWS',
        accountID: p.accountId,
        workspaceDirectory: `d-${rng.hex(5)}`,
        userName: `user${p.id}`,
        workspaceID: `ws-${rng.alnum(9).toLowerCase()}`,
        bundleID: `wsb-${rng.alnum(9).toLowerCase()}`,
        workspaceHardware: 'Standard',
        state: 'AVAILABLE',
        metadata: [],
        IPAddress: p.ip,
      };
      return;
    }
    case 'esx': {
      if (!keys.has('ESXSummary')) return;
      c.ESXSummary = {
        manufacturer: 'Dell Inc.',
        model: 'PowerEdge R740',
        processors: '2',
        processorType: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
        numberOfNICs: '4',
        state: 'Connected',
        virtualMachines: String(rng.int(5, 60)),
        vMotionEnabled: 'true',
        customAttributes: [],
        TPMEnabled: true,
        TPMAlertsEnabled: false,
        TPMHasData: true,
      };
      return;
    }
    case 'unactivated': {
      // Some never-activated computers were found by a cloud connector and carry its summary.
      if (keys.has('ec2VirtualMachineSummary') && rng.chance(0.3)) {
        c.ec2VirtualMachineSummary = {
          cloudProvider: 'AWS',
          accountID: p.accountId,
          privateIPAddress: p.ip,
          availabilityZone: `${p.region}a`,
          instanceID: `i-${rng.hex(9)}`.slice(0, 19),
          state: 'POWER OFF',
        };
      }
      return;
    }
    default:
      return;
  }
}

function addModules(
  c: Computer,
  p: Profile,
  rng: Rng,
  keys: ReadonlySet<ObjectKey>,
  ctx: GeneratorContext,
): void {
  const moduleStatus = (on: boolean): Record<string, unknown> =>
    p.activated && on
      ? {
          agentStatus: p.status === 'error' ? 'error' : 'active',
          agentStatusMessage: p.status === 'error' ? 'Engine Offline' : 'On',
        }
      : { agentStatus: 'inactive', agentStatusMessage: p.activated ? 'Off, not installed' : 'Not Activated' };
  const onOff = (pOn: number): string => (p.activated && rng.chance(pOn) ? 'on' : 'off');
  if (keys.has('antiMalware')) {
    const state = onOff(0.9);
    c.antiMalware = {
      state,
      moduleStatus: moduleStatus(state === 'on'),
      realTimeScanConfigurationID: 1,
      realTimeScanScheduleID: 4,
      manualScanConfigurationID: 2,
      scheduledScanConfigurationID: 3,
      ...(state === 'on' ? { lastScheduledScan: ctx.baseTimeMs - rng.int(DAY, 7 * DAY) } : {}),
    };
  }
  for (const [key, p0] of [
    ['webReputation', 0.6],
    ['activityMonitoring', 0.3],
    ['SAP', 0.05],
  ] as const) {
    if (!keys.has(key)) continue;
    const state = onOff(p0);
    c[key] = { state, moduleStatus: moduleStatus(state === 'on') };
  }
  if (keys.has('firewall')) {
    const state = onOff(0.4);
    c.firewall = {
      state,
      moduleStatus: moduleStatus(state === 'on'),
      globalStatefulConfigurationID: 1,
      ruleIDs: state === 'on' ? [1, 14, 28] : [],
    };
  }
  if (keys.has('intrusionPrevention')) {
    const state = p.activated ? rng.pick(['prevent', 'detect', 'off']) : 'off';
    c.intrusionPrevention = {
      state,
      moduleStatus: moduleStatus(state !== 'off'),
      ruleIDs: state === 'off' ? [] : [1005, 1008, 2531, 3620].slice(0, rng.int(1, 4)),
      applicationTypeIDs: state === 'off' ? [] : [1, 2],
    };
  }
  if (keys.has('integrityMonitoring')) {
    const state = p.activated ? rng.pick(['real-time', 'on', 'off', 'off']) : 'off';
    c.integrityMonitoring = {
      state,
      moduleStatus: moduleStatus(state !== 'off'),
      ...(state !== 'off'
        ? { lastIntegrityScan: ctx.baseTimeMs - rng.int(MINUTE, DAY), ruleIDs: [101, 202] }
        : {}),
    };
  }
  if (keys.has('logInspection')) {
    const state = onOff(0.3);
    c.logInspection = {
      state,
      moduleStatus: moduleStatus(state === 'on'),
      ruleIDs: state === 'on' ? [1002795] : [],
    };
  }
  if (keys.has('applicationControl')) {
    const state = onOff(0.1);
    c.applicationControl = {
      state,
      moduleStatus: moduleStatus(state === 'on'),
      blockUnrecognized: false,
      maintenanceModeStatus: 'off',
    };
  }
}
