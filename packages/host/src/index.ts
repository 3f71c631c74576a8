export * from './types';
export { ConnectorHost, DEFAULT_PAGES_IN_FLIGHT } from './host';
export { EMBEDDED_INGEST_BATCH, hostIngestReading } from './backends/ingest.defaults';
export type { RunNowOptions, TestOutcome, TestRunOptions } from './host';
export * from './facade';
export { Daemon } from './daemon';
export { HostInputError, BusyError, HostSetupError } from './errors';
export { PluginCatalog, summarize } from './catalog/plugin.catalog';
export type { PluginSummary, CatalogOptions } from './catalog/plugin.catalog';
export { ConnectorFactory, checkSettings, parseSettings } from './connector.factory';
export type { ConnectorSettings } from './connector.factory';
export { ConnectorRegistry, parseRunOn, formatRunOn, instanceOf } from './registry/connector.registry';
export type { CreateConnectorInput } from './registry/connector.registry';
export { InventoryRegistry } from './registry/inventory.registry';
export { COLLECTIONS, DEFAULT_PROFILE } from './registry/collections';
export { checkName, checkId } from './registry/names';
export { SecretBox, resolveSecretKey, parseSecretKey, KEY_FILE_NAME } from './crypto/secret-box';
export { sealConfig, openConfig, redactStoredConfig } from './crypto/config-crypto';
export {
  parseCondition,
  validateCondition,
  compileFilter,
  ExcludeFilters,
  valuesAt,
} from './filters/log-filter';
export { runCollection, emptyFigures } from './pipeline/collection.pipeline';
export type { CollectionInput, CollectionResult } from './pipeline/collection.pipeline';
export { DEFAULT_MAX_CONCURRENT_RUNS, Scheduler } from './scheduler/scheduler';
export { RunCoordinator, LeaseLostError, StoreUnreachableError } from './scheduler/run.coordinator';
export type { RunExecutor, RunRequest } from './scheduler/run.coordinator';
export {
  StatusTracker,
  STATUS_REFRESH_MS,
  RECHECK_AFTER_TEST_MS,
  toStatusError,
} from './status/status.tracker';
export { SqliteHostStore, REGISTRY_FILE_NAME } from './store/sqlite.host-store';
export { RedisHostStore } from './store/redis.host-store';
export type { HostStore, Lease, LeaseInfo, DocWrite } from './store/host-store';
export {
  MemoryRateBudget,
  RedisRateBudget,
  BudgetedHttpClientFactory,
  budgetKey,
  DEFAULT_BUCKET,
} from './budget/rate-budget';
export type { RateBudget, BucketOptions, KeyedHash } from './budget/rate-budget';
export { HostMetrics } from './metrics/host.metrics';
export type { HostMetricsOptions } from './metrics/host.metrics';
export { HealthServer } from './metrics/health.server';
export type { HealthReport, HealthCheck } from './metrics/health.server';
