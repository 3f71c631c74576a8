import type { Command } from 'commander';
import { formatDuration, formatTime, renderTable } from '../output/table';
import { printStatus } from './connectors.command';
import { bind, intOpt, optString, requireOpt, type ProgramState } from './shared';

export function registerStatus(program: Command, state: ProgramState): void {
  program
    .command('status [name]')
    .description(
      'state, last success, last error, next run, records in the last run, queue backlog, open snapshots',
    )
    .option('--tenant <tenant>', 'tenant (required with a name)')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const tenant = optString(opts, 'tenant');
        const list = await (
          await ctx.facade()
        ).status({
          ...(tenant !== undefined ? { tenant } : {}),
          ...(name !== undefined ? { name } : {}),
        });
        if (name) {
          if (opts.json) return ctx.json(list[0]);
          ctx.print(`${list[0].name} (tenant ${list[0].tenant})`);
          return printStatus(ctx, list[0]);
        }
        if (opts.json) return ctx.json(list);
        if (!list.length) return ctx.print('No connectors.');
        ctx.print(
          renderTable(
            [
              'Name',
              'Tenant',
              'State',
              'Last Success',
              'Next Run',
              'Records',
              'Backlog',
              'Open Snaps',
              'Last Error',
            ],
            list.map((s) => [
              s.name,
              s.tenant,
              s.state,
              formatTime(s.lastSuccessAt),
              formatTime(s.nextRunAt),
              s.lastRunRecords,
              s.backlog,
              s.openSnapshots?.count,
              // Nothing runs a connector no live host takes: that comes before its last error.
              s.noHost
                ? s.noHost
                : s.lastError
                  ? clip(s.lastError.summary, 60)
                  : s.reason
                    ? `(${clip(s.reason, 58)})`
                    : '',
            ]),
          ),
        );
      }),
    );
}

export function registerRuns(program: Command, state: ProgramState): void {
  program
    .command('runs <name>')
    .description('the last runs of a connector: trigger, host, result, figures')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--limit <n>', 'most runs (default 20)', '20')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const runs = await (
          await ctx.facade()
        ).listRuns({
          tenant: requireOpt(opts, 'tenant'),
          name,
          limit: intOpt(opts, 'limit') ?? 20,
        });
        if (opts.json) return ctx.json(runs);
        if (!runs.length) return ctx.print('No runs yet.');
        ctx.print(
          renderTable(
            ['Started', 'Trigger', 'Host', 'Result', 'Pages', 'Records', 'Filtered', 'Duration', 'Error'],
            runs.map((r) => [
              formatTime(r.startedAt),
              r.trigger,
              r.hostId,
              r.ok ? 'ok' : 'failed',
              r.pages,
              r.records,
              r.filtered,
              formatDuration(r.durationMs),
              r.error ? clip(r.error.summary, 60) : undefined,
            ]),
          ),
        );
      }),
    );
}

/** At most `max` characters, cut at a word boundary with an ellipsis (the whole text is in `--json`). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
