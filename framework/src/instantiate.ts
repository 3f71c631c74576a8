import type { DependencyContainer } from 'tsyringe';
import type { Connector } from './connector.base';
import type { ConnectorClass, ConnectorManifest } from './types';

/** Resolves a connector class from its instance's child container and binds the manifest. */
export function instantiateConnector(
  cls: ConnectorClass,
  container: DependencyContainer,
  manifest: ConnectorManifest,
): Connector {
  const instance = container.resolve(cls as unknown as new () => Connector);
  return instance.bindManifest(manifest);
}
