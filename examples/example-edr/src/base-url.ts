import { ConfigurationError } from '@connectors/framework';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An https URL without trailing slash; plain http only for loopback, where tests run the fake API. */
export function checkBaseUrl(value: unknown, field = 'baseUrl'): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigurationError(field, 'is not a URL', 'Use the form https://edr.example.com.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigurationError(
      field,
      'must use https',
      'Use https:// (http only for 127.0.0.1 or localhost).',
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      field,
      'must not carry credentials',
      'Put the key in apiKey, not in the URL.',
    );
  }
  return url.href.replace(/\/+$/, '');
}
