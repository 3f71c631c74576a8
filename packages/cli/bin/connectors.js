#!/usr/bin/env node
'use strict';
// Committed (not built) so `npm ci` can link it before the first build; the CLI itself is compiled to dist/.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'src', 'bin', 'connectors.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write(
    'connectors: the CLI is not built yet; run `npm run build` at the repository root first.\n',
  );
  process.exit(2);
}
require(entry);
