import type { Command } from 'commander';
import { formatTime, renderTable } from '../output/table';
import { bind, type ProgramState } from './shared';

export function registerHosts(program: Command, state: ProgramState): void {
  program
    .command('hosts')
    .description(
      'the hosts sharing this registry, by their heartbeats: id, roles, version, last seen, runs in progress, alive',
    )
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const hosts = await (await ctx.facade()).listHosts();
        if (opts.json) return ctx.json(hosts);
        if (!hosts.length) return ctx.print('No hosts: start one with `connectors start --role dp`.');
        ctx.print(
          renderTable(
            ['Host', 'Roles', 'Version', 'Started', 'Last Seen', 'Runs', 'Ingest', 'Alive'],
            hosts.map((h) => [
              h.hostId,
              h.roles.join(','),
              h.version,
              formatTime(h.startedAt),
              formatTime(h.lastSeenAt),
              h.runsInProgress,
              h.ingestWorkers,
              h.alive ? 'yes' : 'no',
            ]),
          ),
        );
      }),
    );
}
