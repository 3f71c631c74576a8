#!/usr/bin/env node
'use strict';
// Committed (not built) so `npm ci` can link it before the first build; the CLI itself is compiled to dist/.
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist', 'src', 'bin');
const entry = path.join(dist, 'connectors.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write(
    'connectors: the CLI is not built yet; run `npm run build` at the repository root first.\n',
  );
  process.exit(2);
}
// The daemon (`connectors start`) runs in a node with a V8 heap cap (CONNECTORS_MAX_HEAP_MB, default 96):
// see packages/cli/src/bin/heap-cap.ts.
const { followLauncher, planHeapCap, reexec } = require(path.join(dist, 'heap-cap.js'));
const args = process.argv.slice(2);
const plan = planHeapCap({ args, execArgv: process.execArgv, env: process.env });
if (plan.error) {
  process.stderr.write(`connectors: ${plan.error}\n`);
  process.exit(2);
} else if (plan.reexec) {
  reexec(__filename, plan, args);
} else {
  followLauncher();
  require(entry);
}
