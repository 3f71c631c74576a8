import type { Command } from 'commander';
import { renderTable } from '../output/table';
import { bind, type ProgramState } from './shared';

export function registerPlugins(program: Command, state: ProgramState): void {
  program
    .command('plugins')
    .description('the plugin catalog: id, name, category, capabilities, runs on, interval, content types')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const { plugins: rows, refused } = await (await ctx.facade()).listPlugins();
        for (const err of refused)
          ctx.io.stderr.write(`warning: plugin refused: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
        if (opts.json) return ctx.json(rows);
        if (!rows.length) return ctx.print('No plugins found. Build the workspace first: npm run build');
        ctx.print(
          renderTable(
            ['ID', 'Name', 'Category', 'Capabilities', 'Runs On', 'Interval', 'Content Types'],
            rows.map((p) => [
              p.id,
              p.name,
              p.category,
              p.capabilities.join(', '),
              p.runsOn.map((d) => (d === p.recommendedRunOn ? `${d}*` : d)).join(', '),
              p.interval,
              p.contentTypes.join(', '),
            ]),
          ),
        );
        ctx.print('\n* recommended device');
      }),
    );
}
