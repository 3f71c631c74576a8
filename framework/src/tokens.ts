/**
 * Injection tokens the framework owns. Plugins ask for these in their constructors
 * (`@inject(TOKENS.HttpClientFactory)`); the host registers them in one child container per connector.
 */
export const TOKENS = {
  /** `Logger`: the connector's child logger ({ connector, tenant }). */
  Logger: Symbol.for('connectors.Logger'),
  /** `HttpClientFactory`. */
  HttpClientFactory: Symbol.for('connectors.HttpClientFactory'),
  /** `Clock`. */
  Clock: Symbol.for('connectors.Clock'),
  /** `Queue`: where the pipeline publishes; plugins rarely need it. */
  Queue: Symbol.for('connectors.Queue'),
  /** `Observable<void>`: emits once when the host stops; every long-lived stream ends on it. */
  Stop$: Symbol.for('connectors.Stop$'),
  /** `ConnectorManifest` of the plugin. */
  Manifest: Symbol.for('connectors.Manifest'),
  /** `ConnectorInstanceInfo` of the instance. */
  Instance: Symbol.for('connectors.Instance'),
} as const;
