import 'reflect-metadata';

export { injectable, inject, singleton, container as globalContainer } from 'tsyringe';
export type { DependencyContainer } from 'tsyringe';

export * from './types';
export * from './errors';
export { UNSAFE_KEYS, isUnsafeKey, unsafeSegment, findUnsafeKey } from './safe-keys';
export { Secret, REDACTED, isSecret, revealSecret, scrubSecrets } from './secret';
export { createLogger, createSilentLogger, REDACT_PATHS } from './logger';
export type { Logger, CreateLoggerOptions } from './logger';
export { SystemClock, abortableDelay, abortReason } from './clock';
export { AxiosHttpClientFactory, wrapHttpError, safeUrl } from './http';
export type { HttpFailure } from './http';
export { backoffDelay, withRetry, parseRetryAfter } from './backoff';
export type { BackoffOptions, RetryOptions } from './backoff';
export { TOKENS } from './tokens';
export { createHostContainer, createConnectorContainer } from './container';
export type { HostServices, ConnectorScope } from './container';
export { ConfigSchema } from './config/config.schema';
export { createAjv } from './config/ajv';
export { MANIFEST_SCHEMA, FRAMEWORK_API_VERSION, SUPPORTED_FRAMEWORK_APIS } from './manifest/manifest.schema';
export { validateManifest } from './manifest/manifest.validator';
export { discoverPlugins, readPlugin } from './loader/plugin.loader';
export type { DiscoverOptions } from './loader/plugin.loader';
export { Connector, configSchemaOf, implementsRespond, runRespond } from './connector.base';
export { instantiateConnector } from './instantiate';
export { IMMEDIATE_DEMAND, PageBudget, PageGate } from './demand';
export { paginate } from './paginate';
export type { PageResult, PaginateOptions } from './paginate';
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
export { rememberJson, jsonOf } from './records/raw-json';
export { adoptPageTexts } from './records/page-text';
export { PageItems, pageItems } from './records/page-items';
export type { PageItemsOptions } from './records/page-items';
export { encodeEntry, decodeEntry, entryBytes, holdEntry } from './records/entry.codec';
export { headerJson, lazyRecord } from './records/lazy-record';
export type { EncodedEntry } from './records/entry.codec';

// Author helpers: HTTP policy, status mapping, client per config, stock test steps.
export {
  checkBaseUrl,
  parseBaseUrl,
  forbiddenAddressReason,
  isLoopbackHost,
  FORBIDDEN_ADDRESS_CODE,
  errorForStatus,
  isRetryableHttpError,
  retryAfterOf,
  vendorMessageOf,
  requestJson,
  perConfig,
} from './http';
export type {
  AxiosHttpClientFactoryOptions,
  BaseUrlOptions,
  StatusContext,
  StatusHints,
  RequestJsonOptions,
} from './http';
export { normalizeOneStep } from './test-steps';
export type { NormalizeOneOptions } from './test-steps';
export { secretRedactPaths } from './logger';
