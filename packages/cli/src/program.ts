import { Command, CommanderError } from 'commander';
import { toConnectorError } from '@connectors/framework/engine';
import { InputError } from '@connectors/host';
import { registerConnectors } from './commands/connectors.command';
import { registerDemo } from './commands/demo.command';
import { registerFilters } from './commands/filters.command';
import { registerHosts } from './commands/hosts.command';
import { registerInventory } from './commands/inventory.command';
import { registerLake } from './commands/lake.command';
import { registerNew } from './commands/new.command';
import { registerPlugins } from './commands/plugins.command';
import { registerRespond } from './commands/respond.command';
import { registerRun } from './commands/run.command';
import type { ProgramState } from './commands/shared';
import { collect } from './commands/shared';
import { registerStart } from './commands/start.command';
import { registerRuns, registerStatus } from './commands/status.command';
import { registerTest } from './commands/test.command';
import { checkGlobals, CliContext, processIO, type CliIO, type GlobalOptions } from './context';
import { exitCodeOf } from './exit-codes';

export type Registrar = (program: Command, state: ProgramState) => void;

/** Commands added by embedders (other tools built on this CLI) register here before `main`. */
export const extraCommands: Registrar[] = [];

export function buildProgram(io: CliIO, state: ProgramState): Command {
  const program = new Command('connectors')
    .description(
      'Run security data connectors: catalog, registry, tests, collection, status and the data lake.',
    )
    .option('--data-dir <dir>', 'data directory (default ./data, or CONNECTORS_DATA_DIR)')
    .option(
      '--redis-url <url>',
      'Redis for the registry, leases and queue (or REDIS_URL); without it everything is embedded',
    )
    .option(
      '--redis-prefix <prefix>',
      'prefix of every Redis key (default connectors, or CONNECTORS_REDIS_PREFIX)',
    )
    .option(
      '--lake-url <url>',
      'the lake on PostgreSQL, postgres://USER:PASSWORD@HOST:5432/DATABASE (or LAKE_URL); without it the SQLite lake of the data directory',
    )
    .option('--plugins-dir <dir>', 'extra directory of plugins (repeatable)', collect, [])
    .option('--log-level <level>', 'log level on stderr (default warn; info for start)')
    .option(
      '--requests-per-minute <n>',
      'vendor request budget per credential, shared by the connectors using it (default 450, or CONNECTORS_REQUESTS_PER_MINUTE)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  program.hook('preAction', (_thisCommand, actionCommand) => {
    const globals = actionCommand.optsWithGlobals() as GlobalOptions;
    checkGlobals(globals, io);
    state.ctx = new CliContext(io, globals);
  });
  for (const register of [
    registerPlugins,
    registerInventory,
    registerFilters,
    registerConnectors,
    registerTest,
    registerRun,
    registerStart,
    registerStatus,
    registerRuns,
    registerHosts,
    registerLake,
    registerRespond,
    registerNew,
    registerDemo,
    ...extraCommands,
  ]) {
    register(program, state);
  }
  // Subcommands inherit the override and the output settings; extra positional arguments are refused.
  const apply = (cmd: Command): void => {
    cmd
      .allowExcessArguments(false)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    cmd.commands.forEach(apply);
  };
  program.commands.forEach(apply);
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors are printed here, never thrown. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const state: ProgramState = { json: false };
  const program = buildProgram(io, state);
  state.json = jsonRequested(argv, program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code ?? 0;
  } catch (err) {
    if (!(err instanceof CommanderError)) report(io, err, state.json);
    else if (state.json && err.exitCode !== 0) reportUsage(io, err);
    return exitCodeOf(err);
  } finally {
    await state.ctx?.close().catch(() => undefined);
  }
}

/**
 * Whether `--json` is one of the flags: a `--json` that is the value of another option (`--name
 * --json`) does not count. Decided before parsing, so that parser errors are reported as JSON too.
 */
function jsonRequested(argv: readonly string[], program: Command): boolean {
  const takesValue = new Set<string>();
  const walk = (cmd: Command): void => {
    for (const o of cmd.options) {
      if (!o.required && !o.optional) continue;
      if (o.long) takesValue.add(o.long);
      if (o.short) takesValue.add(o.short);
    }
    cmd.commands.forEach(walk);
  };
  walk(program);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return false;
    if (arg === '--json') return true;
    if (takesValue.has(arg)) i++;
  }
  return false;
}

/** A parser error (unknown command or option, a missing value) as the JSON error document. */
function reportUsage(io: CliIO, err: CommanderError): void {
  const message = err.message.replace(/^error: /, '');
  io.stdout.write(
    `${JSON.stringify({ error: { code: 'USAGE', message, hint: 'Run with --help for usage.' } }, null, 2)}\n`,
  );
}

function report(io: CliIO, thrown: unknown, json: boolean): void {
  const err = toConnectorError(thrown);
  const field = (err.details as { field?: string } | undefined)?.field;
  // The façade's INPUT_INVALID names every bad field (path, message, fix); its message lists them all.
  const fields =
    thrown instanceof InputError
      ? thrown.fields
      : (err.details as { fields?: unknown[] } | undefined)?.fields?.filter((f) => typeof f === 'object');
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ error: { code: err.code, message: err.message, ...(field ? { field } : {}), ...(fields ? { fields } : {}), ...(err.hint ? { hint: err.hint } : {}) } }, null, 2)}\n`,
    );
  }
  io.stderr.write(`error: ${err.message}\n`);
  if (err.hint) io.stderr.write(`fix: ${err.hint}\n`);
  if (err.code === 'INTERNAL' && thrown instanceof Error && thrown.stack && process.env.CONNECTORS_DEBUG)
    io.stderr.write(`${thrown.stack}\n`);
}
