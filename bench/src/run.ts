// Benchmark runner: `npm run bench -- <scenario> [--flag value]…`. Each scenario is a module in
// ./scenarios named `<scenario>.bench.ts` exporting `run(args)`; results are printed and written as
// JSON to bench/results/<scenario>-<timestamp>.json.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchArgs, BenchScenario } from './types';

function parseArgs(argv: string[]): { scenario?: string; args: BenchArgs } {
  const [scenario, ...rest] = argv;
  const args: BenchArgs = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m) continue;
    if (m[2] !== undefined) args[m[1]] = m[2];
    else if (rest[i + 1] !== undefined && !rest[i + 1].startsWith('--')) args[m[1]] = rest[++i];
    else args[m[1]] = 'true';
  }
  return { scenario, args };
}

function available(): string[] {
  return readdirSync(path.join(__dirname, 'scenarios'))
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.replace(/\.bench\.js$/, ''))
    .sort();
}

async function main(): Promise<void> {
  const { scenario, args } = parseArgs(process.argv.slice(2));
  const names = available();
  if (!scenario || !names.includes(scenario)) {
    console.error(
      `usage: npm run bench -- <scenario> [--option value]\nscenarios: ${names.join(', ') || '(none built)'}`,
    );
    process.exit(2);
  }
  const mod = (await import(path.join(__dirname, 'scenarios', `${scenario}.bench.js`))) as BenchScenario;
  const started = new Date().toISOString();
  const figures = await mod.run(args);
  const result = { scenario, started, node: process.version, args, figures };
  const dir = path.resolve(__dirname, '..', '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${scenario}-${started.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(figures, null, 2));
  console.log(`results written to ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
