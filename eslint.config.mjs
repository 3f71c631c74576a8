// Flat config: typescript-eslint's recommended rules over every package's sources and tests.
import tseslint from 'typescript-eslint';

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
  {
    // Plugins and examples build on the author API alone (docs/adr/0008-two-doors.md).
    files: ['plugins/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@connectors/framework/*',
                '@connectors/host',
                '@connectors/queue-*',
                '@connectors/ingest',
                '@connectors/lake',
              ],
              message:
                'A plugin imports the author API (@connectors/framework) only; the engine belongs to the host (docs/adr/0008-two-doors.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', '**/cli/**/*.ts', '**/bin/**/*.ts', '**/*simulator*/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
