import { ConfigurationError } from '@connectors/framework';
import { CLOUD_ONE_REGIONS, LEGACY_HOSTS, type EndpointInfo } from '../types';
import { forbiddenAddressReason, isLoopbackHost } from './address.guard';

export interface ApiUrlOptions {
  /** The config allows a host that is not a Trend Micro endpoint (an on-premises manager). */
  onPremises: boolean;
  /** Development mode (`CONNECTORS_DEV=1`): plain http to a loopback address is accepted. */
  development: boolean;
}

const REGIONAL = /^workload\.([a-z0-9-]+)\.cloudone\.trendmicro\.com$/;
const FORMS_HINT =
  'Use https://workload.<region>.cloudone.trendmicro.com/api (regions: ' +
  `${CLOUD_ONE_REGIONS.join(', ')}), or for accounts created before August 2021 ` +
  'https://cloudone.trendmicro.com/api or https://app.deepsecurity.trendmicro.com/api.';

function fail(message: string, hint: string): never {
  throw new ConfigurationError('apiUrl', message, hint);
}

/**
 * Validates and normalizes the API URL to `https://host[:port]/api`: a missing scheme becomes https,
 * a trailing `/` or a missing `/api` is fixed (a pasted `/api/computers…` is cut back to `/api`).
 */
export function normalizeApiUrl(
  input: string,
  options: ApiUrlOptions,
): { apiUrl: string; endpoint: EndpointInfo } {
  const text = input.trim();
  if (!text) fail('is empty', FORMS_HINT);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    fail('is not a valid URL', FORMS_HINT);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`must use https (got ${url.protocol.replace(':', '')})`, FORMS_HINT);
  if (url.username || url.password) {
    fail(
      'must not contain a user name or password',
      'Remove the credentials from the URL; the API key goes in apiKey.',
    );
  }
  if (url.search || url.hash) fail('must not contain a query string or fragment', FORMS_HINT);

  const host = url.hostname.toLowerCase();
  const forbidden = forbiddenAddressReason(host);
  if (forbidden) {
    fail(
      `host ${host} ${forbidden}; it is never accepted`,
      'Point apiUrl at the Workload Security API, not at a link-local or metadata address.',
    );
  }

  let path = url.pathname.replace(/\/+$/, '');
  const cut = /^(.*?\/api)(\/computers(\/.*)?)?$/i.exec(path);
  if (path === '') path = '/api';
  else if (cut) path = cut[1];
  else if (!/\/api$/i.test(path)) fail(`path ${url.pathname} is not the API path /api`, FORMS_HINT);
  path = path.replace(/\/api$/i, '/api');

  let endpoint: EndpointInfo;
  if (isLoopbackHost(host)) {
    if (!options.development) {
      fail(
        `loopback address ${host} is accepted only in development`,
        'Use the vendor API URL; loopback addresses (a local simulator) need CONNECTORS_DEV=1 in the environment.',
      );
    }
    endpoint = { kind: 'development', host };
  } else {
    if (url.protocol !== 'https:')
      fail(
        'must use https',
        'Plain http is accepted only for a loopback address in development (CONNECTORS_DEV=1).',
      );
    const regional = REGIONAL.exec(host);
    if (regional) {
      const region = regional[1];
      if (!(CLOUD_ONE_REGIONS as readonly string[]).includes(region)) {
        fail(
          `unknown Cloud One region "${region}"`,
          `Known regions: ${CLOUD_ONE_REGIONS.join(', ')}. Copy the region from the Cloud One console URL.`,
        );
      }
      endpoint = { kind: 'regional', region, host };
    } else if ((LEGACY_HOSTS as readonly string[]).includes(host)) {
      endpoint = { kind: 'legacy', host };
    } else if (options.onPremises) {
      endpoint = { kind: 'on-premises', host };
    } else {
      fail(
        `host ${host} is not a Cloud One Workload Security endpoint`,
        `${FORMS_HINT} For an on-premises Deep Security Manager (e.g. https://dsm.example.com:4119/api) set onPremises to true.`,
      );
    }
    if (endpoint.kind !== 'on-premises' && path !== '/api') {
      fail(`path ${url.pathname} is not the API path of ${host}`, `Use https://${host}/api.`);
    }
    if (endpoint.kind !== 'on-premises' && url.port && url.port !== '443') {
      fail(`port ${url.port} is not used by ${host}`, 'Remove the port: the Cloud One API listens on 443.');
    }
  }
  return { apiUrl: `${url.protocol}//${url.host.toLowerCase()}${path}`, endpoint };
}

/** Classifies an already normalized URL (for code that receives a resolved config). */
export function endpointOf(apiUrl: string, options: ApiUrlOptions): EndpointInfo {
  return normalizeApiUrl(apiUrl, options).endpoint;
}
