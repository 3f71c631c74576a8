import { ConfigurationError, isLoopbackHost, parseBaseUrl } from '@connectors/framework';
import { CLOUD_ONE_REGIONS, LEGACY_HOSTS, type EndpointInfo } from '../types';

export interface ApiUrlOptions {
  /** The config allows a host that is not a Trend Micro endpoint (an on-premises manager). */
  onPremises: boolean;
  /** The host's development mode (the injected HttpClientFactory's): plain http to loopback is accepted. */
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
 * Validates and normalizes the API URL to `https://host[:port]/api`. The framework's policy comes
 * first (https or development loopback, no credentials, never a metadata address); then the Trend
 * Micro forms: a trailing `/` or a missing `/api` is fixed (a pasted `/api/computers…` is cut back).
 */
export function normalizeApiUrl(
  input: string,
  options: ApiUrlOptions,
): { apiUrl: string; endpoint: EndpointInfo } {
  const url = parseBaseUrl(input, { field: 'apiUrl', development: options.development, hint: FORMS_HINT });
  const host = url.hostname;

  let path = url.pathname.replace(/\/+$/, '');
  const cut = /^(.*?\/api)(\/computers(\/.*)?)?$/i.exec(path);
  if (path === '') path = '/api';
  else if (cut) path = cut[1];
  else if (!/\/api$/i.test(path)) fail(`path ${url.pathname} is not the API path /api`, FORMS_HINT);
  path = path.replace(/\/api$/i, '/api');

  let endpoint: EndpointInfo;
  if (isLoopbackHost(host)) {
    endpoint = { kind: 'development', host };
  } else {
    const regional = REGIONAL.exec(host);
    if (regional) {
      // A region the list does not know yet is accepted: the test's address step says whether its
      // name resolves, so a new Trend Micro region needs no new release.
      const region = regional[1];
      const known = (CLOUD_ONE_REGIONS as readonly string[]).includes(region);
      endpoint = { kind: 'regional', region, host, ...(known ? {} : { unknownRegion: true }) };
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
  return { apiUrl: `${url.protocol}//${url.host}${path}`, endpoint };
}
