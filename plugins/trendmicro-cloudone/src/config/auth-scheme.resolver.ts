import type { AuthScheme, EndpointInfo } from '../types';

export type KeyForm = 'cloudone' | 'legacy' | 'dsm' | 'unknown';

/**
 * The form of an API key (public key formats, never validated server-side by us):
 * Cloud One `tmc` + 28 alphanumerics `:` secret; legacy Workload Security `GUID:GUID:base64`;
 * on-premises manager `2:base64`.
 */
export function keyForm(key: string): KeyForm {
  if (/^tmc[A-Za-z0-9]{20,40}:[A-Za-z0-9]{40,100}$/.test(key)) return 'cloudone';
  if (
    /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}:[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}:[A-Za-z0-9+/]{43}=$/i.test(
      key,
    )
  ) {
    return 'legacy';
  }
  if (/^\d+:[A-Za-z0-9+/]{20,}={0,2}$/.test(key)) return 'dsm';
  return 'unknown';
}

/**
 * `auto`: the key's form decides (Cloud One key → `Authorization: ApiKey`, legacy or manager key →
 * `api-secret-key`); a key of no known form follows the endpoint (regional → ApiKey, legacy hosts and
 * on-premises managers → api-secret-key, a development loopback → ApiKey).
 */
export function resolveAuthScheme(
  setting: 'auto' | AuthScheme,
  key: string,
  endpoint: EndpointInfo,
): AuthScheme {
  if (setting !== 'auto') return setting;
  const form = keyForm(key);
  if (form === 'cloudone') return 'apiKey';
  if (form === 'legacy' || form === 'dsm') return 'legacy';
  return endpoint.kind === 'legacy' || endpoint.kind === 'on-premises' ? 'legacy' : 'apiKey';
}

export function describeScheme(scheme: AuthScheme): string {
  return scheme === 'apiKey' ? 'Authorization: ApiKey' : 'api-secret-key';
}
