import {
  AuthenticationError,
  FORBIDDEN_ADDRESS_CODE,
  normalizeOneStep,
  PermissionError,
  VendorApiError,
  type Connector,
  type RunContext,
  type TestStep,
} from '@connectors/framework';
import type { CloudOneClient } from '../client/cloud-one.client';
import { describeScheme } from '../config/auth-scheme.resolver';
import type { ComputerDto } from '../internal-types';
import { CLOUD_ONE_REGIONS, COMPUTERS, type CloudOneConfig } from '../types';

/** Computers the first-page check asks for: enough to prove data flows, small enough to be quick. */
const FIRST_PAGE_ITEMS = 10;
/** Retries inside a test: a transient fault should not fail it, and a test must not take minutes. */
const TEST_RETRIES = 2;

function networkHint(err: VendorApiError, apiUrl: string): string {
  const code = typeof err.details?.code === 'string' ? err.details.code : '';
  const host = new URL(apiUrl).host;
  if (code === FORBIDDEN_ADDRESS_CODE)
    return 'Point apiUrl at the Workload Security API; link-local, metadata and (outside development) loopback addresses are refused.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const region = /^workload\.([a-z0-9-]+)\.cloudone\.trendmicro\.com$/.exec(host)?.[1];
    const unknown = region !== undefined && !(CLOUD_ONE_REGIONS as readonly string[]).includes(region);
    return `The name ${host} does not resolve: check apiUrl (and the region in it) and this device's DNS.${
      unknown ? ` "${region}" is not a region this plugin knows (${CLOUD_ONE_REGIONS.join(', ')}).` : ''
    }`;
  }
  if (code === 'ECONNREFUSED')
    return `Nothing accepts connections at ${host}: check apiUrl and any firewall between this device and the API.`;
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return 'The TLS certificate was not accepted: a TLS-inspecting proxy must be trusted by this device (NODE_EXTRA_CA_CERTS); certificate checks are never skipped.';
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT')
    return `No answer from ${host} in time: check network reachability, proxies, or raise requestTimeoutSeconds.`;
  return err.hint ?? `Check that ${host} is reachable from this device.`;
}

/**
 * The ordered live checks of `test()`. Authentication and permission share one minimal request
 * (a 401 fails the first, a 403 the second); nothing is published anywhere.
 */
export function connectionChecks(
  client: CloudOneClient,
  connector: Connector<CloudOneConfig, ComputerDto>,
): TestStep<CloudOneConfig>[] {
  let access: Promise<unknown> | undefined;
  const accessCheck = (ctx: RunContext<CloudOneConfig>): Promise<unknown> => {
    access ??= client
      .searchComputers({
        afterId: 0,
        maxItems: 1,
        expand: ['none'],
        signal: ctx.signal,
        retries: TEST_RETRIES,
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    return access;
  };
  let first: ComputerDto | undefined;

  return [
    {
      id: 'connect',
      title: 'Address and TLS',
      run: async (ctx) => {
        const url = new URL(ctx.config.apiUrl);
        try {
          const probe = await client.probe(ctx.signal);
          if (probe.status === 404) {
            throw new VendorApiError(`${ctx.config.apiUrl}/computers was not found (HTTP 404)`, {
              status: 404,
              vendorMessage: probe.vendorMessage,
              hint: 'The host answers but this is not the API root: apiUrl must end in /api (e.g. https://workload.us-1.cloudone.trendmicro.com/api).',
            });
          }
          const secure = url.protocol === 'https:' ? 'TLS verified' : 'plain http (development only)';
          return `${url.host} answered (${secure}; HTTP ${probe.status} without a key)`;
        } catch (err) {
          if (err instanceof VendorApiError && err.status === undefined) {
            throw new VendorApiError(`cannot reach ${url.host}: ${err.message}`, {
              details: err.details,
              hint: networkHint(err, ctx.config.apiUrl),
            });
          }
          throw err;
        }
      },
    },
    {
      id: 'authenticate',
      title: 'Authentication',
      run: async (ctx) => {
        const err = await accessCheck(ctx);
        if (err instanceof AuthenticationError) throw err;
        if (err && !(err instanceof PermissionError)) throw err;
        return `the API accepted the key (${describeScheme(ctx.config.authScheme)})`;
      },
    },
    {
      id: 'permission',
      title: 'Permission to read computers',
      run: async (ctx) => {
        const err = await accessCheck(ctx);
        if (err) throw err;
        return 'the key may search computers';
      },
    },
    {
      id: 'first-page',
      title: 'First page of computers',
      run: async (ctx) => {
        const page = await client.searchComputers({
          afterId: 0,
          maxItems: Math.min(FIRST_PAGE_ITEMS, ctx.config.pageSize),
          expand: ctx.config.expand,
          signal: ctx.signal,
          retries: TEST_RETRIES,
        });
        first = page.length > 0 ? page.at(0) : undefined;
        if (!first) return 'the account has no computers yet: paging works, there is nothing to collect';
        return `${page.length} computer(s) read with expand ${ctx.config.expand.join(',')} (first ID ${first.ID})`;
      },
    },
    normalizeOneStep(connector, {
      contentType: COMPUTERS,
      sample: () => first,
      describe: (c) => `computer ${c.ID}${c.hostName ? ` (${c.hostName})` : ''}`,
      none: 'no computer to normalize (the account has none)',
    }),
  ];
}
