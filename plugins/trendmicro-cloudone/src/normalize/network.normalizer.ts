import { isIP } from 'node:net';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
/** Dotted quad without leading zeros (exactly what `isIP` accepts as IPv4), optional `/prefix`. */
const IPV4_WITH_PREFIX = new RegExp(`^((?:${OCTET}\\.){3}${OCTET})(?:/\\d{1,3})?$`);

/**
 * An IP address in canonical text: IPv4 as is, IPv6 lower-case and compressed (RFC 5952), with any
 * `/prefix` (interface addresses carry one) and zone index removed. Undefined when not an address.
 */
export function canonicalIp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Fast path for the common case (about two of every three addresses in a fleet): a canonical IPv4
  // address, optionally with a prefix, is returned as is without the general parse below.
  const v4 = IPV4_WITH_PREFIX.exec(value);
  if (v4) return v4[1];
  const text = value
    .trim()
    .replace(/\/\d{1,3}$/, '')
    .replace(/%.*$/, '');
  const kind = isIP(text);
  if (kind === 4)
    return text
      .split('.')
      .map((p) => String(Number(p)))
      .join('.');
  if (kind === 6) return compressIpv6(text);
  return undefined;
}

function compressIpv6(text: string): string {
  let body = text.toLowerCase();
  let v4Tail = '';
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    v4Tail = v4[1];
    body = body.slice(0, -v4[1].length) + '0:0';
  }
  const [head, tail] = body.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(body.includes('::') ? 8 - h.length - t.length : 0).fill('0'), ...t].map(
    (g) => parseInt(g, 16).toString(16),
  );
  const width = v4Tail ? 6 : 8;
  // The longest run of zero groups (at least two) becomes "::"; the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < width;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < width && groups[j] === '0') j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const parts = groups.slice(0, width);
  let out: string;
  if (bestStart < 0) out = parts.join(':');
  else out = `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLen).join(':')}`;
  if (v4Tail) out += (out.endsWith(':') ? '' : ':') + v4Tail;
  return out;
}

/** A MAC address as lower-case colon-separated pairs; undefined for anything else, all-zero or broadcast. */
export function canonicalMac(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value
    .trim()
    .toLowerCase()
    .replace(/[-:.\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  return hex.match(/../g)!.join(':');
}

/** Whether a host name is really an address (computers added by IP carry it as their host name). */
export function isIpLiteral(value: string): boolean {
  return isIP(value.trim().replace(/%.*$/, '')) !== 0;
}
