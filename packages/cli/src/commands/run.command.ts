import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes';
import { RunProgressView, summaryLine } from '../output/run-progress';
import { bind, collect, listOpt, positiveIntOpt, requireOpt, type ProgramState } from './shared';

export function registerRun(program: Command, state: ProgramState): void {
  program
    .command('run <name>')
    .description(
      'collect now and wait until ingestion has the data (progress bar on a terminal); with Redis and no ' +
        "shared lake, ingestion is the cluster's ingest workers' (a live `connectors start` host), never this process's",
    )
    .requiredOption('--tenant <tenant>', 'tenant')
    .option(
      '--role <role>',
      'the placements this process takes (dp or sensor:ID; repeatable; default dp): a connector whose ' +
        '"run on" is not among them is refused, naming where to run it',
      collect,
      [],
    )
    .option('--no-wait', 'return once collection has published, without waiting for ingestion')
    .option('--json', 'print JSON')
    .option(
      '--redis-deadline-ms <ms>',
      'how long the run keeps going while Redis does not answer before it fails (default 15000)',
    )
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const redisDeadlineMs = positiveIntOpt(opts, 'redisDeadlineMs', 'redis-deadline-ms');
        const facade = await ctx.facade({
          roles: listOpt(opts, 'role'),
          ...(redisDeadlineMs !== undefined ? { redisDeadlineMs } : {}),
        });
        if (opts.wait === false && !ctx.redisUrl) {
          throw new UsageError(
            'no-wait',
            'needs a Redis queue: the embedded queue lives in this process and ends with it',
            'Drop --no-wait, or pass --redis-url (and run `connectors start` to ingest).',
          );
        }
        const def = await facade.getConnector({ tenant: requireOpt(opts, 'tenant'), name });
        const { manifest } = await facade.showPlugin({ plugin: def.plugin });
        const label = (
          manifest.contentTypes.find((c) => c.id === def.contentTypes[0])?.title ?? 'records'
        ).toLowerCase();
        const view = new RunProgressView(ctx.io, label, !opts.json);
        const controller = new AbortController();
        const onSignal = (): void => controller.abort();
        process.once('SIGINT', onSignal);
        try {
          const run = await facade.runConnector(
            { tenant: def.tenant, name: def.name, waitForIngestion: opts.wait !== false },
            undefined,
            { signal: controller.signal, onProgress: (p) => view.update(p) },
          );
          view.stop();
          if (opts.json) ctx.json(run);
          else {
            ctx.print(summaryLine(run, label));
            if (run.error) {
              ctx.print(`error: ${run.error.summary}`);
              if (run.error.hint) ctx.print(`fix: ${run.error.hint}`);
            }
          }
          return run.ok ? EXIT.ok : EXIT.failed;
        } finally {
          view.stop();
          process.off('SIGINT', onSignal);
        }
      }),
    );
}
