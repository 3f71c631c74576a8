import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Subject, type Observable } from 'rxjs';
import { SystemClock } from './clock';
import { AxiosHttpClientFactory } from './http';
import { createLogger, REDACT_PATHS, secretRedactPaths, type Logger } from './logger';
import { TOKENS } from './tokens';
import type { Clock, ConnectorInstanceInfo, ConnectorManifest, HttpClientFactory, Queue } from './types';

export interface HostServices {
  logger?: Logger;
  clock?: Clock;
  httpClientFactory?: HttpClientFactory;
  queue?: Queue;
  stop$?: Observable<void>;
}

/**
 * A container holding the host-wide services. Anything not given gets a production default.
 * Each host gets its own container (never the global one) so tests and several hosts do not collide.
 */
export function createHostContainer(services: HostServices = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  c.registerInstance(TOKENS.Logger, services.logger ?? createLogger());
  c.registerInstance(TOKENS.Clock, services.clock ?? new SystemClock());
  c.registerInstance(TOKENS.HttpClientFactory, services.httpClientFactory ?? new AxiosHttpClientFactory());
  c.registerInstance(TOKENS.Stop$, services.stop$ ?? new Subject<void>().asObservable());
  if (services.queue) c.registerInstance(TOKENS.Queue, services.queue);
  return c;
}

export interface ConnectorScope {
  manifest: ConnectorManifest;
  instance: ConnectorInstanceInfo;
  /** Overrides for this instance only (a fake clock or HTTP client in tests). */
  services?: HostServices;
}

/** One child container per connector instance: its own logger and manifest, the host's other services. */
export function createConnectorContainer(
  parent: DependencyContainer,
  scope: ConnectorScope,
): DependencyContainer {
  const c = parent.createChildContainer();
  const parentLogger = scope.services?.logger ?? parent.resolve<Logger>(TOKENS.Logger);
  // The plugin's own secret fields are censored in its logger, whatever they are called.
  const redact = { paths: [...REDACT_PATHS, ...secretRedactPaths(scope.manifest)], censor: '[REDACTED]' };
  c.registerInstance(
    TOKENS.Logger,
    parentLogger.child(
      {
        connector: scope.instance.name,
        connectorId: scope.instance.id,
        tenant: scope.instance.tenant,
        plugin: scope.manifest.id,
      },
      { redact },
    ),
  );
  c.registerInstance(TOKENS.Manifest, scope.manifest);
  c.registerInstance(TOKENS.Instance, scope.instance);
  const s = scope.services ?? {};
  if (s.clock) c.registerInstance(TOKENS.Clock, s.clock);
  if (s.httpClientFactory) c.registerInstance(TOKENS.HttpClientFactory, s.httpClientFactory);
  if (s.queue) c.registerInstance(TOKENS.Queue, s.queue);
  if (s.stop$) c.registerInstance(TOKENS.Stop$, s.stop$);
  return c;
}
