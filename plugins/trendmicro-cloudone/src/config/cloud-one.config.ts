import { ConfigurationError, ConfigurationErrors, Secret, type ResolvedConfig } from '@connectors/framework';
import type { AuthScheme, CloudOneConfig, EndpointInfo } from '../types';
import { resolveAuthScheme } from './auth-scheme.resolver';
import { normalizeApiUrl } from './api-url.normalizer';

/**
 * What the schema cannot say: URL forms and allowed hosts, the key's shape and header scheme, and
 * consistent `expand` values. Every problem names its field; several are reported together.
 */
export function normalizeCloudOneConfig(
  config: ResolvedConfig,
  /** The host's development mode (the injected HttpClientFactory's): plain http to loopback is accepted. */
  options: { development: boolean },
): CloudOneConfig {
  const errors: ConfigurationError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ConfigurationError) errors.push(err);
      else throw err;
      return undefined;
    }
  };

  const onPremises = config.onPremises === true;
  const url = attempt(() =>
    normalizeApiUrl(String(config.apiUrl ?? ''), { onPremises, development: options.development }),
  );

  const secret = config.apiKey;
  const plain = (
    secret instanceof Secret ? secret.reveal() : typeof secret === 'string' ? secret : ''
  ).trim();
  attempt(() => {
    // Never echo the key: these messages describe it without quoting it.
    if (!plain)
      throw new ConfigurationError(
        'apiKey',
        'is empty',
        'Paste the API key created in Workload Security (Administration > API Keys) or Cloud One.',
      );
    if (/[\s\u0000-\u001f\u007f]/.test(plain)) {
      throw new ConfigurationError(
        'apiKey',
        'contains spaces or line breaks',
        'Paste the key exactly as shown when it was created, on one line.',
      );
    }
  });

  const expand = Array.isArray(config.expand) ? (config.expand as string[]) : [];
  attempt(() => {
    if (expand.length > 1 && (expand.includes('none') || expand.includes('all'))) {
      throw new ConfigurationError(
        'expand',
        '"none" and "all" cannot be combined with other values',
        'Use ["all"], ["none"] or a list of specific values.',
      );
    }
  });

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigurationErrors(errors);

  const endpoint = url!.endpoint as EndpointInfo;
  const authScheme: AuthScheme = resolveAuthScheme(
    (config.authScheme as 'auto' | AuthScheme) ?? 'auto',
    plain,
    endpoint,
  );
  return {
    ...config,
    apiUrl: url!.apiUrl,
    apiKey: new Secret(plain),
    authScheme,
    onPremises,
    expand,
  } as CloudOneConfig;
}
