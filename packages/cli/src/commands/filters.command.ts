import type { Command } from 'commander';
import type { FilterCondition } from '@connectors/host';
import { renderTable } from '../output/table';
import { bind, collect, listOpt, optString, requireOpt, type ProgramState } from './shared';

function formatCondition(c: FilterCondition): string {
  return [c.field, c.operator, c.values.join(',')].filter(Boolean).join(' ');
}

/** Named, tenant-scoped log filters: AND-ed conditions, attached to connectors as exclude filters. */
export function registerFilters(program: Command, state: ProgramState): void {
  const filters = program.command('filters').description('log filters (exclude records before the queue)');
  filters
    .command('create <name>')
    .description('create a filter; a record is excluded when every condition holds')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option(
      '--when <condition>',
      'FIELD OPERATOR [VALUE], operator: equals, not-equals, contains, matches, in (comma list), exists (repeatable; AND)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const f = await (
          await ctx.facade()
        ).createFilter({
          tenant: requireOpt(opts, 'tenant'),
          name,
          when: listOpt(opts, 'when'),
        });
        if (opts.json) return ctx.json(f);
        ctx.print(
          `Created log filter "${f.name}" for tenant ${f.tenant}: exclude when ${f.conditions.map(formatCondition).join(' AND ')}`,
        );
        ctx.print(`Attach it when you create a connector: --filter "${f.name}"`);
      }),
    );
  filters
    .command('list')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const tenant = optString(opts, 'tenant');
        const list = await (await ctx.facade()).listFilters(tenant ? { tenant } : {});
        if (opts.json) return ctx.json(list);
        ctx.print(
          renderTable(
            ['Filter', 'Tenant', 'Exclude When'],
            list.map((f) => [f.name, f.tenant, f.conditions.map(formatCondition).join(' AND ')]),
          ),
        );
      }),
    );
  filters
    .command('delete <name>')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        await (await ctx.facade()).deleteFilter({ tenant: requireOpt(opts, 'tenant'), name });
        if (opts.json) return ctx.json({ deleted: name });
        ctx.print(`Deleted log filter "${name}".`);
      }),
    );
}
