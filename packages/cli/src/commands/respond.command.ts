import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import { bind, collect, listOpt, requireOpt, type ProgramState } from './shared';

/** Runs a response action through the framework's respond entry point (capability and action checked there). */
export function registerRespond(program: Command, state: ProgramState): void {
  program
    .command('respond <name> <action>')
    .description(
      'run a response action, e.g. `connectors respond edr --tenant acme isolate --target hostname=web-1`',
    )
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--target <key=value>', 'target field of the action (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name, action]) => {
        const target: Record<string, string> = {};
        for (const pair of listOpt(opts, 'target')) {
          const eq = pair.indexOf('=');
          if (eq <= 0)
            throw new UsageError('target', `"${pair}" is not key=value`, 'Write --target hostname=web-1.');
          target[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
        }
        const result = await (
          await ctx.facade()
        ).respond({ tenant: requireOpt(opts, 'tenant'), name, action, target });
        if (opts.json) ctx.json(result);
        else ctx.print(`${result.ok ? 'Done' : 'Failed'}: ${result.summary}`);
        return result.ok ? 0 : 1;
      }),
    );
}
