export { describeConnectorConformance } from './conformance.suite';
export { blankPaths, leakedSecrets, renderings, stepShapeProblems, valueAt } from './conformance.checks';
export { createTestHost, loadPlugin } from './test-host';
export { FakeClock } from './fake-clock';
export { IMMEDIATE_DEMAND } from './demand';
export { startFakeApi } from './fake-api';
export { createFixtureReader, readFixture } from './fixture.reader';
export { RecordingHttpClientFactory, UnreachableHttpClientFactory } from './recording-http.factory';
export { createCapturingLogger } from './capturing.logger';
export { findPackageRoot, findPluginRoot } from './package-root';
export { createCliSession } from './cli.session';
export type {
  CapturedLogs,
  CliResult,
  CliSession,
  CliSessionOptions,
  CollectedRecord,
  CollectOptions,
  ConformanceEnvironment,
  ConformanceOptions,
  FakeApi,
  FakeApiHandler,
  FakeApiRequest,
  FakeApiResponse,
  FakeApiRoute,
  FakeClockOptions,
  FixtureReader,
  InstantiateOptions,
  InvalidConfigCase,
  LoadedPlugin,
  RecordedHttpRequest,
  RecordedOutcome,
  StartFakeApiOptions,
  TestConnector,
  TestHost,
  TestHostOptions,
} from './types';
