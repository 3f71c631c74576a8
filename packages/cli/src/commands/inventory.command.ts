import type { Command } from 'commander';
import { renderTable, formatTime } from '../output/table';
import { bind, optString, requireOpt, type ProgramState } from './shared';

/** `tenants`, `sensors` and `profiles`: what connectors refer to. */
export function registerInventory(program: Command, state: ProgramState): void {
  const tenants = program.command('tenants').description('tenants (a connector belongs to one)');
  tenants
    .command('create <id>')
    .description('create a tenant (no-op when it exists)')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [id]) => {
        const tenant = await (await ctx.facade()).createTenant({ id });
        if (opts.json) return ctx.json(tenant);
        ctx.print(
          tenant.created ? `Created tenant "${tenant.id}".` : `Tenant "${tenant.id}" already exists.`,
        );
      }),
    );
  tenants
    .command('list')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const list = await (await ctx.facade()).listTenants();
        if (opts.json) return ctx.json(list);
        ctx.print(
          renderTable(
            ['Tenant', 'Created'],
            list.map((t) => [t.id, formatTime(t.createdAt)]),
          ),
        );
      }),
    );
  tenants
    .command('delete <id>')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [id]) => {
        await (await ctx.facade()).deleteTenant({ id });
        if (opts.json) return ctx.json({ deleted: id });
        ctx.print(`Deleted tenant "${id}".`);
      }),
    );

  const sensors = program
    .command('sensors')
    .description('sensors (must exist before a connector can run on one)');
  sensors
    .command('create <id>')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [id]) => {
        const name = optString(opts, 'name');
        const sensor = await (await ctx.facade()).createSensor({ id, ...(name ? { name } : {}) });
        if (opts.json) return ctx.json(sensor);
        ctx.print(`Created sensor "${sensor.id}". Run connectors on it with --run-on sensor:${sensor.id}`);
      }),
    );
  sensors
    .command('list')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const list = await (await ctx.facade()).listSensors();
        if (opts.json) return ctx.json(list);
        ctx.print(
          renderTable(
            ['Sensor', 'Name', 'Created'],
            list.map((s) => [s.id, s.name, formatTime(s.createdAt)]),
          ),
        );
      }),
    );
  sensors
    .command('delete <id>')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [id]) => {
        await (await ctx.facade()).deleteSensor({ id });
        if (opts.json) return ctx.json({ deleted: id });
        ctx.print(`Deleted sensor "${id}".`);
      }),
    );

  const profiles = program
    .command('profiles')
    .description('data analyzer profiles: a connector on a data processor pulls data only while in one');
  profiles
    .command('list')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const rows = await (await ctx.facade()).listProfiles();
        if (opts.json) return ctx.json(rows);
        ctx.print(
          renderTable(
            ['Profile', 'Connectors'],
            rows.map((p) => [p.name, p.connectorNames.join(', ') || '-']),
          ),
        );
      }),
    );
  profiles
    .command('create <name>')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const p = await (await ctx.facade()).createProfile({ name });
        if (opts.json) return ctx.json(p);
        ctx.print(`Created data analyzer profile "${p.name}".`);
      }),
    );
  profiles
    .command('add <profile>')
    .description('add a connector to a profile (its first pull is then due at once)')
    .requiredOption('--connector <name>', 'connector name')
    .requiredOption('--tenant <tenant>', 'tenant of the connector')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [profile]) => {
        const p = await (
          await ctx.facade()
        ).addToProfile({
          profile,
          tenant: requireOpt(opts, 'tenant'),
          connector: requireOpt(opts, 'connector'),
        });
        if (opts.json) return ctx.json(p);
        ctx.print(
          `Added "${String(opts.connector)}" to profile "${p.name}"; it pulls data from its next scheduled check.`,
        );
      }),
    );
  profiles
    .command('remove <profile>')
    .requiredOption('--connector <name>', 'connector name')
    .requiredOption('--tenant <tenant>', 'tenant of the connector')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [profile]) => {
        const p = await (
          await ctx.facade()
        ).removeFromProfile({
          profile,
          tenant: requireOpt(opts, 'tenant'),
          connector: requireOpt(opts, 'connector'),
        });
        if (opts.json) return ctx.json(p);
        ctx.print(`Removed "${String(opts.connector)}" from profile "${p.name}".`);
      }),
    );
  profiles
    .command('delete <name>')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        await (await ctx.facade()).deleteProfile({ name });
        if (opts.json) return ctx.json({ deleted: name });
        ctx.print(`Deleted profile "${name}".`);
      }),
    );
}
