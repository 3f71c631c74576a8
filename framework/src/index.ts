// The author API: everything a plugin imports. What only the host, queues and sinks use is behind
// `@connectors/framework/engine`; plugins and examples cannot import it (lint rule; ADR 0008).
// framework/api-report/framework.api.md records this surface; CI fails when it changes unreviewed.
import 'reflect-metadata';

export { injectable, inject } from 'tsyringe';

export { Connector } from './connector.base';
export type {
  Category,
  Clock,
  CollectContext,
  CollectedPage,
  ConnectorManifest,
  HttpClientFactory,
  NormalizedAsset,
  NormalizedRecord,
  PageDemand,
  ResolvedConfig,
  RespondRequest,
  RespondResult,
  RunContext,
  TestResult,
  TestStep,
} from './types';
export {
  ConnectorError,
  ConfigurationError,
  ConfigurationErrors,
  AuthenticationError,
  PermissionError,
  RateLimitError,
  VendorApiError,
  CancelledError,
  UnknownActionError,
} from './errors';
export { Secret } from './secret';
export { isBlank } from './records/blank';
export type { Logger } from './logger';
export { TOKENS } from './tokens';
export { paginate } from './paginate';
export type { PageResult, PaginateOptions } from './paginate';
export { withRetry, parseRetryAfter } from './backoff';
export { wrapHttpError } from './http';
// HTTP helpers: the URL policy, status → typed error, one request with retries, a client per config.
export {
  checkBaseUrl,
  parseBaseUrl,
  isLoopbackHost,
  FORBIDDEN_ADDRESS_CODE,
  errorForStatus,
  isRetryableHttpError,
  retryAfterOf,
  vendorMessageOf,
  requestJson,
  perConfig,
} from './http';
export type { StatusHints } from './http';
export { normalizeOneStep } from './test-steps';
