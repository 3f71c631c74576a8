import { isIP } from 'node:net';
import { ConnectorError, type RespondResult } from '@connectors/framework';
import type { ExampleEdrClient } from './example-edr.client';

/** One response action: the framework has already checked that the target fields are present. */
export type ResponseAction = (
  client: ExampleEdrClient,
  target: Record<string, string>,
  signal: AbortSignal,
) => Promise<RespondResult>;

/** Resolves a hostname to exactly one host id; none or several is an error the user can act on. */
async function hostIdOf(client: ExampleEdrClient, hostname: string, signal: AbortSignal): Promise<string> {
  const hosts = (await client.findHosts(hostname, signal)).filter(
    (h) => h.hostname?.toLowerCase() === hostname.toLowerCase(),
  );
  if (hosts.length === 0) {
    throw new ConnectorError('RESPOND_TARGET_NOT_FOUND', `no host named "${hostname}"`, {
      hint: 'Use the hostname as the EDR console shows it (host.name in the collected records).',
    });
  }
  if (hosts.length > 1) {
    throw new ConnectorError('RESPOND_TARGET_AMBIGUOUS', `${hosts.length} hosts are named "${hostname}"`, {
      hint: 'Isolate by a unique hostname, or rename the duplicates in the EDR console.',
    });
  }
  return hosts[0].id;
}

function checkIp(ip: string): string {
  if (!isIP(ip)) {
    throw new ConnectorError('RESPOND_TARGET_INVALID', `"${ip}" is not an IP address`, {
      hint: 'Pass --target ip=203.0.113.7 (IPv4 or IPv6).',
    });
  }
  return ip;
}

/** Each action and its revert (declared in connector.json) by id. */
export const RESPONSE_ACTIONS: Record<string, ResponseAction> = {
  'isolate-host': async (client, { hostname }, signal) => {
    const hostId = await hostIdOf(client, hostname, signal);
    const { status } = await client.isolate(hostId, signal);
    const already = status === 409;
    return {
      ok: true,
      action: 'isolate-host',
      summary: `${hostname} ${already ? 'was already' : 'is now'} isolated`,
      detail: { hostId, changed: !already },
    };
  },
  'unisolate-host': async (client, { hostname }, signal) => {
    const hostId = await hostIdOf(client, hostname, signal);
    const { status } = await client.release(hostId, signal);
    const already = status === 409;
    return {
      ok: true,
      action: 'unisolate-host',
      summary: `${hostname} ${already ? 'was not' : 'is no longer'} isolated`,
      detail: { hostId, changed: !already },
    };
  },
  'block-ip': async (client, { ip }, signal) => {
    const { status } = await client.blockIp(checkIp(ip), signal);
    const already = status === 409;
    return {
      ok: true,
      action: 'block-ip',
      summary: `${ip} ${already ? 'was already' : 'is now'} blocked`,
      detail: { ip, changed: !already },
    };
  },
  'unblock-ip': async (client, { ip }, signal) => {
    const { status } = await client.unblockIp(checkIp(ip), signal);
    const already = status === 404;
    return {
      ok: true,
      action: 'unblock-ip',
      summary: `${ip} ${already ? 'was not' : 'is no longer'} blocked`,
      detail: { ip, changed: !already },
    };
  },
};
