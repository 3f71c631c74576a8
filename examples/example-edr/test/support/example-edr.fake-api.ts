import { startFakeApi, type FakeApi, type FakeApiRequest, type FakeApiResponse } from '@connectors/testkit';
import type { EdrHost } from '../../src/internal-types';

export interface ExampleEdrFake extends FakeApi {
  /** A key with every permission. */
  apiKey: string;
  /** A key that may read hosts but not run response actions (403). */
  readOnlyKey: string;
  /** The fleet, as the API currently sees it (isolation changes show here). */
  hosts: EdrHost[];
  /** IP addresses on the block list. */
  blocked: Set<string>;
}

/**
 * A stateful fake of the EDR API: cursor-paged hosts (filterable by hostname), host isolation and an
 * IP block list. Repeating an action answers 409 and removing what is not there 404, as real EDRs do.
 */
export async function startExampleEdrFake(
  fleet: EdrHost[],
  apiKey = 'edr-key-0123456789abcdef',
): Promise<ExampleEdrFake> {
  const readOnlyKey = `${apiKey}-read-only`;
  const hosts = fleet.map((h) => ({ ...h }));
  const blocked = new Set<string>();
  const api = await startFakeApi();

  const guard = (req: FakeApiRequest, write: boolean): FakeApiResponse | undefined => {
    const key = req.headers['x-api-key'];
    if (key !== apiKey && key !== readOnlyKey) return { status: 401, body: { message: 'Invalid API key' } };
    if (write && key === readOnlyKey)
      return { status: 403, body: { message: 'Role lacks the response permission' } };
    return undefined;
  };
  const host = (id: string): EdrHost | undefined => hosts.find((h) => h.id === id);
  const setIsolation = (req: FakeApiRequest, to: 'none' | 'isolated'): FakeApiResponse => {
    const denied = guard(req, true);
    if (denied) return denied;
    const h = host(req.params.id);
    if (!h) return { status: 404, body: { message: 'host not found' } };
    if ((h.isolation ?? 'none') === to)
      return { status: 409, body: { message: `host is already ${to === 'none' ? 'released' : 'isolated'}` } };
    h.isolation = to;
    return { body: { data: { id: h.id, isolation: to } } };
  };

  api.route('GET', '/api/v1/hosts', (req) => {
    const denied = guard(req, false);
    if (denied) return denied;
    const limit = Math.min(Number(req.query.limit ?? 100), 500);
    const offset = req.query.cursor ? Number(String(req.query.cursor).slice(1)) : 0;
    const name = req.query.hostname ? String(req.query.hostname).toLowerCase() : undefined;
    const matching = name ? hosts.filter((h) => h.hostname?.toLowerCase() === name) : hosts;
    const next = offset + limit < matching.length ? `o${offset + limit}` : null;
    return { body: { data: matching.slice(offset, offset + limit), meta: { next_cursor: next } } };
  });
  api.route('POST', '/api/v1/hosts/:id/isolation', (req) => setIsolation(req, 'isolated'));
  api.route('DELETE', '/api/v1/hosts/:id/isolation', (req) => setIsolation(req, 'none'));
  api.route('POST', '/api/v1/blocklist', (req) => {
    const denied = guard(req, true);
    if (denied) return denied;
    const { type, value } = (req.body ?? {}) as { type?: string; value?: string };
    if (type !== 'ip' || !value)
      return { status: 400, body: { message: 'type "ip" and value are required' } };
    if (blocked.has(value)) return { status: 409, body: { message: 'already blocked' } };
    blocked.add(value);
    return { status: 201, body: { data: { type, value } } };
  });
  api.route('DELETE', '/api/v1/blocklist/ip/:value', (req) => {
    const denied = guard(req, true);
    if (denied) return denied;
    if (!blocked.delete(req.params.value)) return { status: 404, body: { message: 'not on the block list' } };
    return { status: 204 };
  });
  return Object.assign(api, { apiKey, readOnlyKey, hosts, blocked });
}
