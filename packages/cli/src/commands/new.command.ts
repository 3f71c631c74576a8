import type { Command } from 'commander';
import { scaffoldPlugin } from '@connectors/scaffolder';
import { UsageError } from '../exit-codes';
import { bind, requireOpt, type ProgramState } from './shared';

/** `connectors new plugin`: renders a plugin from an example (the scaffolder does the work). */
export function registerNew(program: Command, state: ProgramState): void {
  const create = program.command('new').description('create things from templates');
  create
    .command('plugin')
    .description('scaffold plugins/<id> from an example: manifest, config schema, tests, README')
    .requiredOption('--vendor <vendor>', 'vendor name, e.g. "Acme"')
    .requiredOption('--product <product>', 'product name, e.g. "EDR"')
    .requiredOption('--category <category>', 'category, e.g. "Endpoint Security"')
    .option('--respond', 'start from the example with response actions')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const workspaceRoot = ctx.workspaceRoot;
        if (!workspaceRoot)
          throw new UsageError(
            'workspace',
            'no workspace found',
            'Run it from the repository (a package.json with workspaces).',
          );
        const result = await Promise.resolve(
          scaffoldPlugin({
            workspaceRoot,
            vendor: requireOpt(opts, 'vendor'),
            product: requireOpt(opts, 'product'),
            category: requireOpt(opts, 'category'),
            respond: !!opts.respond,
          }),
        );
        if (opts.json) return ctx.json(result);
        ctx.print(`Created plugin "${result.id}" in ${result.dir}`);
        for (const f of result.files) ctx.print(`  ${f}`);
        ctx.print(`Next: npm run build && npx connectors plugins`);
      }),
    );
}
