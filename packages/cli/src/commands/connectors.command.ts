import type { Command } from 'commander';
import { parseSettings, type ConnectorStatus, type ConnectorView, type HostFacade } from '@connectors/host';
import type { CliContext } from '../context';
import { UsageError } from '../exit-codes';
import { readSecretSettings } from './secret-input';
import { formatTime, renderTable } from '../output/table';
import { bind, collect, listOpt, optString, requireOpt, type ProgramState } from './shared';

/** `create`, `edit`, `delete`, `list`, `show`: the connector registry. */
export function registerConnectors(program: Command, state: ProgramState): void {
  program
    .command('create')
    .description('add a connector instance (general settings are fixed after this)')
    .requiredOption('--plugin <id>', 'plugin id (see `connectors plugins`)')
    .requiredOption('--name <name>', 'connector name: unique within the tenant, no multibyte characters')
    .requiredOption('--tenant <tenant>', 'tenant the connector belongs to')
    .requiredOption('--run-on <device>', 'dp (data processor) or sensor:ID')
    .option(
      '--profile <profile>',
      'add it to this data analyzer profile (e.g. default); without it a dp connector does not pull data',
    )
    .option('--filter <name>', 'attach a log filter as an exclude filter (repeatable)', collect, [])
    .option(
      '--set <key=value>',
      'plugin configuration, e.g. --set apiUrl=https://… --set apiKey=… (repeatable)',
      collect,
      [],
    )
    .option(
      '--set-secret <key=source>',
      'a secret setting read from standard input (apiKey=-), a file (apiKey=file:PATH) or a variable (apiKey=env:NAME) (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const facade = await ctx.facade();
        const pluginId = requireOpt(opts, 'plugin');
        const { manifest } = await facade.showPlugin({ plugin: pluginId });
        const profile = optString(opts, 'profile');
        const view = await facade.createConnector({
          plugin: pluginId,
          name: requireOpt(opts, 'name'),
          tenant: requireOpt(opts, 'tenant'),
          runOn: requireOpt(opts, 'runOn', 'run-on'),
          ...(profile !== undefined ? { profile } : {}),
          filters: listOpt(opts, 'filter'),
          config: {
            ...parseSettings(manifest, listOpt(opts, 'set')),
            ...(await readSecretSettings(ctx.io, manifest, listOpt(opts, 'setSecret'))),
          },
        });
        if (opts.json) return ctx.json(view);
        ctx.print(
          `Created connector "${view.name}" (${view.pluginName}) for tenant ${view.tenant}, running on ${view.runOn}.`,
        );
        ctx.print('Secrets are stored encrypted and are never shown again.');
        if (view.runOn === 'dp' && !view.profiles.length) {
          ctx.print(
            `Note: it runs on a data processor and is in no data analyzer profile, so it does not pull data.\n` +
              `      Add it with: connectors profiles add default --connector "${view.name}" --tenant ${view.tenant}`,
          );
        } else {
          ctx.print(
            `It is active: the first pull happens at once under \`connectors start\`, then every ${view.intervalMinutes} min.`,
          );
        }
        ctx.print(`Next: connectors test "${view.name}" --tenant ${view.tenant}`);
      }),
    );

  program
    .command('edit <name>')
    .description('change the configuration (plugin settings, secrets, interval, content types)')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--set <key=value>', 'a setting to change (repeatable)', collect, [])
    .option('--unset <key>', 'a setting to remove, back to its default (repeatable)', collect, [])
    .option(
      '--set-secret <key=source>',
      'a secret setting read from standard input (apiKey=-), a file (apiKey=file:PATH) or a variable (apiKey=env:NAME) (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const facade = await ctx.facade();
        const current = await facade.getConnector({ tenant: requireOpt(opts, 'tenant'), name });
        const sets = listOpt(opts, 'set');
        const unsets = listOpt(opts, 'unset');
        const secrets = listOpt(opts, 'setSecret');
        if (!sets.length && !unsets.length && !secrets.length)
          throw new UsageError(
            'set',
            'nothing to change',
            'Pass --set key=value, --set-secret key=SOURCE or --unset key.',
          );
        const { manifest } = await facade.showPlugin({ plugin: current.plugin });
        const secretSettings = await readSecretSettings(ctx.io, manifest, secrets);
        const view = await facade.editConnector({
          tenant: current.tenant,
          name: current.name,
          set: { ...parseSettings(manifest, sets), ...secretSettings },
          unset: unsets,
        });
        if (opts.json) return ctx.json(view);
        const changed = [...sets.map((s) => s.split('=')[0]), ...Object.keys(secretSettings), ...unsets];
        ctx.print(`Updated "${view.name}": ${changed.join(', ')}.`);
        ctx.print(`Test it: connectors test "${view.name}" --tenant ${view.tenant}`);
      }),
    );

  program
    .command('delete <name>')
    .description('delete a connector (collected data stays in the lake)')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const deleted = await (
          await ctx.facade()
        ).deleteConnector({ tenant: requireOpt(opts, 'tenant'), name });
        if (opts.json) return ctx.json(deleted);
        ctx.print(`Deleted connector "${deleted.deleted}" of tenant ${deleted.tenant}.`);
      }),
    );

  program
    .command('list')
    .description('connectors: Name, Tenant, Category, Content Type, Interval, Run On, Status, Last Activity')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const tenant = optString(opts, 'tenant');
        const rows = await (await ctx.facade()).listConnectors(tenant ? { tenant } : {});
        if (opts.json) return ctx.json(rows);
        if (!rows.length)
          return ctx.print(
            'No connectors. Create one with `connectors create …` (see `connectors create --help`).',
          );
        ctx.print(
          renderTable(
            ['Name', 'Tenant', 'Category', 'Content Type', 'Interval', 'Run On', 'Status', 'Last Activity'],
            rows.map((r) => [
              r.name,
              r.tenant,
              r.category,
              r.contentTypes.join(', '),
              `${r.intervalMinutes} min`,
              r.runOn,
              r.status?.state ?? '-',
              formatTime(r.status?.lastActivityAt),
            ]),
          ),
        );
      }),
    );

  program
    .command('show <name>')
    .description('one connector: general settings, configuration (secrets redacted), status')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const { status, ...view } = await (
          await ctx.facade()
        ).getConnector({
          tenant: requireOpt(opts, 'tenant'),
          name,
        });
        if (opts.json) return ctx.json({ ...view, status });
        printView(ctx, view, status);
      }),
    );
}

function printView(ctx: CliContext, v: ConnectorView, s: ConnectorStatus): void {
  ctx.print(`${v.name}  (${v.pluginName})`);
  ctx.print('General');
  for (const [k, val] of [
    ['Tenant', v.tenant],
    ['Category', v.category],
    ['Plugin', v.plugin],
    ['Functions', v.functions.join(', ')],
    ['Run On', v.runOn],
    ['Profiles', v.profiles.join(', ') || '-'],
    ['Log Filters', v.filters.join(', ') || '-'],
    ['Created', v.createdAt],
  ] as const) {
    ctx.print(`  ${k.padEnd(14)}${val}`);
  }
  ctx.print('Configuration');
  ctx.print(`  ${'Interval'.padEnd(14)}${v.intervalMinutes} min`);
  ctx.print(`  ${'Content Types'.padEnd(14)}${v.contentTypes.join(', ')}`);
  const entries = Object.entries(v.config).filter(([k]) => k !== 'interval' && k !== 'contentTypes');
  const width = Math.max(14, ...entries.map(([k]) => k.length + 2));
  for (const [k, val] of entries)
    ctx.print(`  ${k.padEnd(width)}${typeof val === 'string' ? val : JSON.stringify(val)}`);
  printStatus(ctx, s);
}

/** A connector's status as the façade's `status` gives it (with its open snapshots). */
type StatusView = Awaited<ReturnType<HostFacade['status']>>[number];

export function printStatus(ctx: CliContext, s: StatusView): void {
  ctx.print('Status');
  ctx.print(`  ${'State'.padEnd(14)}${s.state}${s.reason ? ` (${s.reason})` : ''}`);
  ctx.print(`  ${'Last Success'.padEnd(14)}${formatTime(s.lastSuccessAt)}`);
  ctx.print(`  ${'Last Activity'.padEnd(14)}${formatTime(s.lastActivityAt)}`);
  ctx.print(`  ${'Next Run'.padEnd(14)}${formatTime(s.nextRunAt)}`);
  ctx.print(
    `  ${'Last Run'.padEnd(14)}${s.lastRun ? `${s.lastRun.records} records, ${s.lastRun.pages} pages, ${s.lastRun.filtered} filtered, ${s.lastRun.truncated} truncated` : '-'}`,
  );
  ctx.print(`  ${'Backlog'.padEnd(14)}${s.backlog ?? '-'}`);
  if (s.noHost) ctx.print(`  ${'No Host'.padEnd(14)}${s.noHost}`);
  for (const o of s.openSnapshots?.snapshots ?? [])
    ctx.print(
      `  ${'Open Snapshot'.padEnd(14)}${o.snapshotId} (${o.contentType}) ${o.reason}, opened ${formatTime(o.openedAt)}, last activity ${formatTime(o.lastActivityAt)}`,
    );
  if (s.clearedByTestAt)
    ctx.print(
      `  ${'Cleared'.padEnd(14)}by a passed test at ${formatTime(s.clearedByTestAt)}; a verification run follows within a minute`,
    );
  if (s.lastError) {
    ctx.print(
      `  ${'Last Error'.padEnd(14)}${s.lastError.summary} (${s.lastError.code}, ${s.lastError.source}, ${formatTime(s.lastError.at)})`,
    );
    if (s.lastError.detail) ctx.print(`  ${'Detail'.padEnd(14)}${s.lastError.detail}`);
    if (s.lastError.hint) ctx.print(`  ${'Fix'.padEnd(14)}${s.lastError.hint}`);
  }
}
