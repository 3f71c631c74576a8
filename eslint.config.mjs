// Flat config: typescript-eslint's recommended rules, type-aware async rules and layering by area.
import tseslint from 'typescript-eslint';

/** Another package's files by path: its `exports` are the contract (the engine is a named subpath). */
const DEEP_IMPORT = {
  group: ['@connectors/*/*', '!@connectors/framework/engine'],
  message: 'layering: import a package by its name, not by a path into it (docs/adr/0008-two-doors.md).',
};

/**
 * What the CLI takes from @connectors/host: the façade, its errors and the views it returns, and what
 * `connectors start` and `demo` need to open the host and keep it running (docs/adr/0010-host-facade.md).
 */
const CLI_HOST_NAMES = [
  // the façade and its errors
  'HostFacade',
  'InputError',
  'ScopeError',
  'HostInputError',
  'HostSetupError',
  // the views the façade returns and the input it takes
  'ConnectorView',
  'ConnectorStatus',
  'FilterCondition',
  'RecordCondition',
  'RecordQuery',
  'RunProgress',
  'RunSummary',
  'parseSettings',
  // `connectors start` and `demo`: open the host, run the daemon, find the secret key
  'ConnectorHost',
  'HostOptions',
  'Daemon',
  'DaemonOptions',
  'DEFAULT_MAX_CONCURRENT_RUNS',
  'DEFAULT_PAGES_IN_FLIGHT',
  'KEY_FILE_NAME',
  'resolveSecretKey',
];

/** Front doors, tooling and plugins: nothing at or below the host imports them. */
const ABOVE_HOST = [
  '@connectors/cli',
  '@connectors/scaffolder',
  '@connectors/testkit',
  '@connectors/plugin-*',
  '@connectors/example-*',
];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules for async code: a promise is awaited, returned, or handed to `void` with its errors
    // handled; never dropped.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  // Layering (issue 17, item 7): each area imports only the layers below it. A flat config keeps the last
  // matching `no-restricted-imports`, so the file sets below do not overlap.
  {
    files: ['framework/src/**/*.ts'],
    rules: restrict([
      {
        group: ['@connectors/*'],
        message:
          'layering: the framework is the bottom layer and imports no other package (docs/adr/0004-host-outside-framework.md).',
      },
    ]),
  },
  {
    files: ['plugins/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    rules: restrict([
      {
        group: ['@connectors/*', '!@connectors/framework', '@connectors/framework/*'],
        message:
          'layering: a plugin imports the author API (@connectors/framework) only; the engine belongs to the host (docs/adr/0008-two-doors.md).',
      },
    ]),
  },
  {
    files: ['packages/{queue-memory,queue-redis,lake,lake-pg,ingest}/src/**/*.ts'],
    rules: restrict([
      {
        group: ['@connectors/host', ...ABOVE_HOST],
        message:
          'layering: queues, lake and ingest use the framework and its engine, never the host or its front doors (docs/adr/0004-host-outside-framework.md).',
      },
      DEEP_IMPORT,
    ]),
  },
  {
    files: ['packages/host/src/**/*.ts'],
    rules: restrict([
      {
        group: ABOVE_HOST,
        message:
          'layering: the host uses the engine packages; it loads plugins by path and knows no front door (docs/adr/0004-host-outside-framework.md).',
      },
      DEEP_IMPORT,
    ]),
  },
  {
    files: ['packages/cli/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@connectors/host',
              allowImportNames: CLI_HOST_NAMES,
              message:
                'layering: the CLI calls the host through HostFacade and its types; add a use case to the façade instead (docs/adr/0010-host-facade.md).',
            },
          ],
          patterns: [
            {
              group: ['@connectors/lake', '@connectors/lake-*', '@connectors/queue-*', '@connectors/ingest'],
              message:
                'layering: the CLI reaches the lake, queues and ingest through HostFacade only (docs/adr/0010-host-facade.md).',
            },
            DEEP_IMPORT,
          ],
        },
      ],
    },
  },
  {
    files: ['packages/{testkit,scaffolder,cloudone-simulator,falcon-simulator}/src/**/*.ts', 'bench/src/**/*.ts'],
    rules: restrict([DEEP_IMPORT]),
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', '**/cli/**/*.ts', '**/bin/**/*.ts', '**/*simulator*/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
