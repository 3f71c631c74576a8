import type { DependencyContainer } from 'tsyringe';
import type { Connector } from './connector.base';
import { TOKENS } from './tokens';
import type { Clock, ConnectorClass, ConnectorManifest } from './types';

/** Resolves a connector class from its instance's child container and binds the manifest and clock. */
export function instantiateConnector(
  cls: ConnectorClass,
  container: DependencyContainer,
  manifest: ConnectorManifest,
): Connector {
  const instance = container.resolve(cls as unknown as new () => Connector);
  instance.bindManifest(manifest);
  if (container.isRegistered(TOKENS.Clock, true)) instance.bindClock(container.resolve<Clock>(TOKENS.Clock));
  return instance;
}
