import type { Command } from 'commander';
import { formatTime, renderTable } from '../output/table';
import { printStatus } from './connectors.command';
import { bind, optString, type ProgramState } from './shared';

export function registerStatus(program: Command, state: ProgramState): void {
  program
    .command('status [name]')
    .description('state, last success, last error, next run, records in the last run, queue backlog')
    .option('--tenant <tenant>', 'tenant (required with a name)')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const host = await ctx.host();
        const tenant = optString(opts, 'tenant');
        const list = await host.statusOf(tenant, name);
        if (name) {
          if (opts.json) return ctx.json(list[0]);
          ctx.print(`${list[0].name} (tenant ${list[0].tenant})`);
          return printStatus(ctx, list[0]);
        }
        if (opts.json) return ctx.json(list);
        ctx.print(
          renderTable(
            ['Name', 'Tenant', 'State', 'Last Success', 'Next Run', 'Records', 'Backlog', 'Last Error'],
            list.map((s) => [
              s.name,
              s.tenant,
              s.state,
              formatTime(s.lastSuccessAt),
              formatTime(s.nextRunAt),
              s.lastRunRecords,
              s.backlog,
              s.lastError ? s.lastError.summary.slice(0, 60) : s.reason ? `(${s.reason.slice(0, 58)})` : '',
            ]),
          ),
        );
      }),
    );
}
