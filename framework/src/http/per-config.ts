/**
 * One vendor client per resolved config, built on first use and reused for every page and call that
 * config makes (its HTTP agent keeps connections alive). Keyed by the config object the host resolved,
 * so a changed setting (a new resolved config) gets a new client and the old one is collected.
 */
export function perConfig<TConfig extends object, TClient>(
  create: (config: TConfig) => TClient,
): (config: TConfig) => TClient {
  const clients = new WeakMap<TConfig, TClient>();
  return (config) => {
    let client = clients.get(config);
    if (client === undefined) {
      client = create(config);
      clients.set(config, client);
    }
    return client;
  };
}
