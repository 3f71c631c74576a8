export { startSimulator, localhostTls, MAX_COMPUTERS } from './start-simulator';
export { EXPAND_VALUES } from './generator/expand';
export type { ExpandValue } from './generator/expand';
export { generateCloudOneKey, generateLegacyKey, schemeOfKey } from './server/api-key.auth';
export type {
  Computer,
  CorruptionKind,
  FaultController,
  FaultScope,
  FleetView,
  RequestLogEntry,
  RequestStats,
  RetryAfterMode,
  RouteName,
  SimulatorHandle,
  SimulatorOptions,
} from './types';
