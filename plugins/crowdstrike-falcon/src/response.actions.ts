import { ConnectorError, PermissionError, type Clock, type RespondResult } from '@connectors/framework';
import type { FalconClient } from './falcon.client';
import type { ContainmentStatus } from './internal-types';

const DEVICE_ID = /^[0-9a-f]{32}$/i;
/** Reads of the state after the action before a pending state is reported as such. */
const CONFIRM_READS = 5;
const CONFIRM_WAIT_MS = 2000;

export type ResponseAction = (
  client: FalconClient,
  target: Record<string, string>,
  deps: { clock: Clock; signal: AbortSignal },
) => Promise<RespondResult>;

/** A device id as given, or the one host with this hostname; none or several is an error the user can act on. */
async function deviceIdOf(client: FalconClient, host: string, signal: AbortSignal): Promise<string> {
  if (DEVICE_ID.test(host)) return host.toLowerCase();
  const ids = await client.findHostname(host, signal);
  if (ids.length === 0) {
    throw new ConnectorError('RESPOND_TARGET_NOT_FOUND', `no host named "${host}"`, {
      hint: 'Use the hostname as the Falcon console shows it (host.name in the collected records), or its device ID.',
    });
  }
  if (ids.length > 1) {
    throw new ConnectorError('RESPOND_TARGET_AMBIGUOUS', `several hosts are named "${host}"`, {
      hint: 'Give the device ID instead (crowdstrike_falcon.device_id in the collected records).',
    });
  }
  return ids[0];
}

async function statusOf(
  client: FalconClient,
  deviceId: string,
  signal: AbortSignal,
): Promise<ContainmentStatus | string> {
  const [host] = await client.details([deviceId], signal);
  if (!host) {
    throw new ConnectorError('RESPOND_TARGET_NOT_FOUND', `no host with device ID ${deviceId}`, {
      hint: 'Check the device ID (crowdstrike_falcon.device_id in the collected records).',
    });
  }
  return host.status ?? 'normal';
}

/** Contain or lift: read the state, act only when needed, then read it again until it settles (or report pending). */
function containment(id: string, action: 'contain' | 'lift_containment'): ResponseAction {
  const done: ContainmentStatus = action === 'contain' ? 'contained' : 'normal';
  const pending: ContainmentStatus =
    action === 'contain' ? 'containment_pending' : 'lift_containment_pending';
  const verb = action === 'contain' ? 'contained' : 'released from containment';
  return async (client, { host }, { clock, signal }) => {
    const deviceId = await deviceIdOf(client, host, signal);
    const before = await statusOf(client, deviceId, signal);
    if (before === done || before === pending) {
      return {
        ok: true,
        action: id,
        summary: `${host} was already ${before === done ? verb : `being ${verb} (${pending})`}`,
        detail: { deviceId, status: before, changed: false },
      };
    }
    try {
      await client.act(action, deviceId, signal);
    } catch (err) {
      if (err instanceof PermissionError)
        throw new PermissionError(
          `${action} on ${host} was refused: the API client lacks the scope Hosts: Write`,
          'Edit the API client under Support and resources > API clients and keys and add Hosts: Write.',
          err.details,
        );
      throw err;
    }
    let status = await statusOf(client, deviceId, signal);
    for (let read = 1; status === pending && read < CONFIRM_READS; read++) {
      await clock.sleep(CONFIRM_WAIT_MS, signal);
      status = await statusOf(client, deviceId, signal);
    }
    if (status !== done && status !== pending) {
      return {
        ok: false,
        action: id,
        summary: `${action} on ${host} was accepted but the host reports "${status}"`,
        detail: { deviceId, status, changed: false },
      };
    }
    return {
      ok: true,
      action: id,
      summary:
        status === done
          ? `${host} is now ${verb}`
          : `${host} is being ${verb} (${pending}: the sensor confirms when it next connects)`,
      detail: { deviceId, status, changed: true },
    };
  };
}

/** Each action and its revert (declared in connector.json) by id. */
export const RESPONSE_ACTIONS: Record<string, ResponseAction> = {
  contain_host: containment('contain_host', 'contain'),
  lift_containment: containment('lift_containment', 'lift_containment'),
};
