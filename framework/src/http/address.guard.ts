import { isIP } from 'node:net';

// Where a vendor API URL may never point: link-local ranges and cloud metadata services (a connector
// that can be aimed at them is a server-side request forgery tool), and unspecified addresses.

const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

function ipv4Parts(ip: string): number[] | undefined {
  const parts = ip.split('.').map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)
    ? parts
    : undefined;
}

/** The 8 groups of an IPv6 address (with an embedded IPv4 tail expanded), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = ipv4Parts(v4[1]);
    if (!p) return undefined;
    text =
      text.slice(0, -v4[1].length) +
      `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - h.length - t.length;
  if (text.includes('::') ? missing < 0 : h.length !== 8) return undefined;
  const groups = [...h, ...Array(text.includes('::') ? missing : 0).fill('0'), ...t].map((g) =>
    parseInt(g, 16),
  );
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The IPv4 address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address carries. */
function embeddedIpv4(groups: number[]): string | undefined {
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (mapped || nat64) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return undefined;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Why this host (name or literal address) is never a valid API address; undefined when it may be. */
export function forbiddenAddressReason(rawHost: string): string | undefined {
  const host = stripBrackets(rawHost.toLowerCase()).replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'is a cloud metadata service';
  const kind = isIP(host.replace(/%.*$/, ''));
  if (kind === 4) return ipv4Reason(host);
  if (kind === 6) {
    const g = ipv6Groups(host);
    if (!g) return undefined;
    const v4 = embeddedIpv4(g);
    if (v4) return ipv4Reason(v4);
    if (g.every((x) => x === 0)) return 'is the unspecified address';
    if ((g[0] & 0xffc0) === 0xfe80) return 'is a link-local address';
    // AWS's IPv6 instance metadata endpoint fd00:ec2::254.
    if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) {
      return 'is a cloud metadata service';
    }
  }
  return undefined;
}

function ipv4Reason(ip: string): string | undefined {
  const p = ipv4Parts(ip);
  if (!p) return undefined;
  if (p[0] === 169 && p[1] === 254) {
    return p[2] === 169 && p[3] === 254 ? 'is a cloud metadata service' : 'is a link-local address';
  }
  if (p[0] === 100 && p[1] === 100 && p[2] === 100 && p[3] === 200) return 'is a cloud metadata service';
  if (p[0] === 0) return 'is the unspecified address';
  return undefined;
}

/** Whether the host is this machine: `localhost`, 127.0.0.0/8 or ::1 (also IPv4-mapped). */
export function isLoopbackHost(rawHost: string): boolean {
  const host = stripBrackets(rawHost.toLowerCase()).replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const kind = isIP(host);
  if (kind === 4) return host.startsWith('127.');
  if (kind === 6) {
    const g = ipv6Groups(host);
    if (!g) return false;
    const v4 = embeddedIpv4(g);
    if (v4) return v4.startsWith('127.');
    return g.slice(0, 7).every((x) => x === 0) && g[7] === 1;
  }
  return false;
}
