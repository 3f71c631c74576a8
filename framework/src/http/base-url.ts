import { ConfigurationError } from '../errors';
import { forbiddenAddressReason, isLoopbackHost } from './address.guard';

export interface BaseUrlOptions {
  /** The config field the URL came from, named in every error (default `baseUrl`). */
  field?: string;
  /** Set by the host (`CONNECTORS_DEV=1`): plain http to a loopback address is accepted. */
  development?: boolean;
  /** How a good URL looks (the vendor's documented forms), given when the text is not one. */
  hint?: string;
}

/**
 * The https-or-loopback policy every vendor URL passes (docs/adr/0013-http-policy-in-framework.md):
 * a missing scheme becomes https; plain http only to a loopback address in development; never
 * credentials, a query, a fragment, or a link-local, metadata or unspecified address. The host is
 * lower-cased; the path is the caller's to check.
 */
export function parseBaseUrl(input: unknown, options: BaseUrlOptions = {}): URL {
  const field = options.field ?? 'baseUrl';
  const hint = options.hint ?? 'Use the form https://api.example.com.';
  const fail = (message: string, why = hint): never => {
    throw new ConfigurationError(field, message, why);
  };
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text) fail('is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    fail('is not a valid URL');
  }
  url = url!;
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`must use https (got ${url.protocol.replace(':', '')})`);
  if (url.username || url.password)
    fail(
      'must not contain a user name or password',
      `Remove the credentials from the URL; the key goes in its own field.`,
    );
  if (url.search || url.hash) fail('must not contain a query string or fragment');
  const host = url.hostname.toLowerCase();
  const forbidden = forbiddenAddressReason(host);
  if (forbidden)
    fail(
      `host ${host} ${forbidden}; it is never accepted`,
      'Point the URL at the vendor API, not at a link-local or metadata address.',
    );
  if (isLoopbackHost(host)) {
    if (!options.development)
      fail(
        `loopback address ${host} is accepted only in development`,
        'Use the vendor API URL; loopback addresses (a local simulator) need CONNECTORS_DEV=1 where the host runs.',
      );
  } else if (url.protocol !== 'https:') {
    fail(
      'must use https',
      'Use an https:// URL; plain http is accepted only for a loopback address in development (CONNECTORS_DEV=1).',
    );
  }
  return url;
}

/** `parseBaseUrl` as text: `scheme://host[:port]/path` without a trailing slash. */
export function checkBaseUrl(input: unknown, options: BaseUrlOptions = {}): string {
  const url = parseBaseUrl(input, options);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
