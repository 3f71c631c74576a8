// The engine entry: the author API plus what the host, queues, sinks and testkit build on (ADR 0008).
// Plugins never import this; nothing here is a promise to plugin authors.
export * from './index';

export { singleton, container as globalContainer } from 'tsyringe';
export type { DependencyContainer } from 'tsyringe';

export * from './types';
export * from './errors';
export { UNSAFE_KEYS, isUnsafeKey, unsafeSegment, findUnsafeKey } from './safe-keys';
export { REDACTED, isSecret } from './secret';
export { createLogger, createSilentLogger, REDACT_PATHS, secretRedactPaths } from './logger';
export type { CreateLoggerOptions } from './logger';
export { SystemClock, abortableDelay, abortReason } from './clock';
export { AxiosHttpClientFactory, safeUrl, forbiddenAddressReason } from './http';
export type {
  HttpFailure,
  AxiosHttpClientFactoryOptions,
  BaseUrlOptions,
  StatusContext,
  RequestJsonOptions,
} from './http';
export type { NormalizeOneOptions } from './test-steps';
export { backoffDelay } from './backoff';
export type { BackoffOptions } from './backoff';
export { createHostContainer, createConnectorContainer } from './container';
export type { HostServices, ConnectorScope } from './container';
export { ConfigSchema } from './config/config.schema';
export { createAjv } from './config/ajv';
export { MANIFEST_SCHEMA, FRAMEWORK_API_VERSION, SUPPORTED_FRAMEWORK_APIS } from './manifest/manifest.schema';
export { validateManifest } from './manifest/manifest.validator';
export { discoverPlugins, readPlugin } from './loader/plugin.loader';
export type { DiscoverOptions } from './loader/plugin.loader';
export { configSchemaOf, implementsRespond, runRespond } from './connector.base';
export { instantiateConnector } from './instantiate';
export { parseJsonBody } from './json-body';
export {
  buildEnvelope,
  recordId,
  assetId,
  truncateRecord,
  MAX_RECORD_BYTES,
  MAX_STRING_CHARS,
} from './records/envelope';
export type { EnvelopeInput, EnvelopeOutput } from './records/envelope';
export { isBlank, pruneBlank, stableStringify } from './records/blank';
export { jsonOf } from './records/raw-json';
export { encodeEntry, decodeEntry, entryBytes, holdEntry } from './records/entry.codec';
export type { EncodedEntry } from './records/entry.codec';
export { headerJson, lazyRecord } from './records/lazy-record';
// The envelope's parts, for the benchmarks that take it apart.
export { canonicalize, pruneShared, PRUNED_JSON } from './records/blank';
export { adoptPageTexts } from './records/page-text';
