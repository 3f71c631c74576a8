#!/usr/bin/env node
// Committed launcher, so `npx falcon-simulator` is linked at install time and stays executable
// whatever `tsc` does to dist/ (which is generated, untracked and written without the exec bit).
require('../dist/src/bin/falcon-simulator.js');
