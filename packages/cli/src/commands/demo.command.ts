import path from 'node:path';
import type { Command } from 'commander';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { KEY_FILE_NAME, resolveSecretKey, type ConnectorView, type HostFacade } from '@connectors/host';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../exit-codes';
import { RunProgressView, summaryLine } from '../output/run-progress';
import { formatDuration, formatTime, renderTable } from '../output/table';
import { bind, intOpt, optString, type ProgramState } from './shared';
import { printTestResult } from './test.command';

const PLUGIN = 'trendmicro-cloudone';

/**
 * The one-command demo: a simulated Cloud One fleet, a tenant and a Trend Micro connector pointed at
 * it, a test, one collection through the queue into the lake, and what landed there. Re-runnable: the
 * demo connector is reused (pointed at the new simulator), so the same computers keep the same ids.
 */
export function registerDemo(program: Command, state: ProgramState): void {
  program
    .command('demo')
    .description(
      'simulate Cloud One, create a Trend Micro connector, test it, collect into the lake, show the result',
    )
    .option('--computers <n>', 'size of the simulated fleet', '3000')
    .option('--tenant <tenant>', 'tenant to use', 'demo')
    .option('--name <name>', 'name of the demo connector', 'trendmicro-demo')
    .action(
      bind(state, async (ctx, opts) => {
        const computers = intOpt(opts, 'computers') ?? 3000;
        if (computers < 1 || computers > 200_000)
          throw new UsageError('computers', `${computers} is out of bounds`, 'Use 1 to 200000.');
        const tenant = optString(opts, 'tenant') ?? 'demo';
        const name = optString(opts, 'name') ?? 'trendmicro-demo';
        // The simulator speaks plain http on loopback: the plugin accepts that only in development mode.
        process.env.CONNECTORS_DEV = '1';
        const started = Date.now();
        const step = (n: number, text: string): void => ctx.print(`\n[${n}/6] ${text}`);

        step(
          1,
          `Starting the Cloud One Workload Security simulator with ${computers.toLocaleString('en-US')} computers`,
        );
        const apiKey = generateCloudOneKey();
        const sim: SimulatorHandle = await startSimulator({ computers, apiKey, port: 0 });
        try {
          ctx.print(`      API URL ${sim.baseUrl}`);
          // Redis mode wants CONNECTORS_SECRET_KEY on every host; the demo is one host, so without it the
          // demo falls back to the data directory's key file rather than stopping a first look.
          const demoKey =
            ctx.redisUrl && !process.env.CONNECTORS_SECRET_KEY
              ? resolveSecretKey({ dataDir: ctx.dataDir, allowKeyFile: true }).toString('base64')
              : undefined;
          if (demoKey) {
            ctx.print(
              `      CONNECTORS_SECRET_KEY is not set: this demo encrypts secrets with ${path.join(ctx.dataDir, KEY_FILE_NAME)}; real hosts sharing Redis need CONNECTORS_SECRET_KEY`,
            );
          }
          // The demo is the only host of its data directory: its own run ingests into that lake, also
          // when the registry and queue are in Redis.
          const facade = await ctx.facade({ sharedLake: true, ...(demoKey ? { secretKey: demoKey } : {}) });
          if (!(await facade.listPlugins()).plugins.some((p) => p.id === PLUGIN)) {
            throw new UsageError(
              'plugin',
              `the ${PLUGIN} plugin was not found`,
              'Build the workspace first: npm run build',
            );
          }
          ctx.print(
            `      data directory ${ctx.dataDir} (${facade.info().registry} registry, ${ctx.redisUrl ? 'Redis' : 'in-process'} queue); lake ${facade.info().lake}`,
          );

          step(2, `Tenant "${tenant}" and the Trend Micro connector "${name}"`);
          const { created: tenantCreated } = await facade.createTenant({ id: tenant });
          ctx.print(`      tenant ${tenant}: ${tenantCreated ? 'created' : 'exists'}`);
          let def: ConnectorView | undefined = await facade.findConnector({ tenant, name });
          const config = { apiUrl: sim.baseUrl, apiKey, contentTypes: ['computers'], interval: 5 };
          if (def && def.plugin !== PLUGIN) {
            throw new UsageError(
              'name',
              `"${name}" in tenant ${tenant} is a ${def.plugin} connector`,
              'Pass --name with another name.',
            );
          }
          if (def) {
            def = await facade.editConnector({ tenant, name, set: { apiUrl: sim.baseUrl, apiKey } });
            ctx.print(
              `      connector ${name}: reused (pointed at this simulator; its records keep their ids)`,
            );
          } else {
            def = await facade.createConnector({
              plugin: PLUGIN,
              name,
              tenant,
              runOn: 'dp',
              profile: 'default',
              config,
            });
            ctx.print(
              `      connector ${name}: created on the data processor, in the default data analyzer profile`,
            );
          }
          // Active: on the data processor (as created), collecting only while in a profile.
          if (!def.profiles.length) {
            await facade.addToProfile({ profile: 'default', tenant, connector: name });
          }
          ctx.print(`      config ${JSON.stringify(def.config)}`);

          step(3, 'Testing the connector');
          const { result } = await facade.testConnector({ tenant, name });
          printTestResult(ctx, result);
          if (!result.ok) return EXIT.failed;

          step(4, 'Collecting once: Cloud One → normalize → queue → ingest → lake');
          const progress = new RunProgressView(ctx.io, 'computers', true);
          const run = await facade.runConnector({ tenant, name }, undefined, {
            onProgress: (p) => progress.update(p),
          });
          progress.stop();
          ctx.print(`      ${summaryLine(run, 'computers')}`);
          if (!run.ok) {
            ctx.print(
              `      error: ${run.error?.summary}${run.error?.hint ? `\n      fix: ${run.error.hint}` : ''}`,
            );
            return EXIT.failed;
          }

          step(5, 'What landed in the lake');
          await printLake(ctx, facade, def, tenant);

          step(6, 'Explore further');
          const dd = ctx.dataDir === path.resolve(ctx.io.cwd, 'data') ? '' : ` --data-dir ${ctx.dataDir}`;
          for (const line of [
            `npx connectors list --tenant ${tenant}${dd}`,
            `npx connectors show ${name} --tenant ${tenant}${dd}`,
            `npx connectors status ${name} --tenant ${tenant}${dd}`,
            `npx connectors search --tenant ${tenant} --where msg_class=trendmicro_cloudone_computers --limit 5${dd}`,
            `npx connectors search --tenant ${tenant} --where "host.os.full~Windows" --json --limit 1${dd}`,
            `npx connectors search --tenant ${tenant} --out hunt.ndjson${dd}    # every record, as NDJSON`,
            `npx connectors assets --tenant ${tenant}${dd}`,
            `npx connectors filters create "no unactivated" --tenant ${tenant} --when "trendmicro_cloudone.agentVersion equals 0.0.0.0"${dd}`,
            `npx connectors start${dd}    # the daemon: scheduled pulls, ingestion, /metrics and /healthz`,
          ]) {
            ctx.print(`      ${line}`);
          }
          ctx.print(
            `\nDemo finished in ${formatDuration(Date.now() - started)}. Run it again any time: npm run demo`,
          );
          return EXIT.ok;
        } finally {
          await sim.stop();
        }
      }),
    );
}

async function printLake(
  ctx: CliContext,
  facade: HostFacade,
  def: ConnectorView,
  tenant: string,
): Promise<void> {
  const mine = [{ path: 'connector.id', value: def.id }];
  const { count: records } = await facade.countRecords({ tenant, where: mine });
  if (!records) {
    ctx.print('      the lake is empty');
    return;
  }
  // Counted page by page: a large fleet is never held in memory at once.
  let present = 0;
  let removed = 0;
  const PAGE = 5_000;
  for (let offset = 0; ; offset += PAGE) {
    const page = await facade.listAssets({
      tenant,
      connector: def.name,
      includeRemoved: true,
      limit: PAGE,
      offset,
    });
    for (const a of page) {
      if (a.removed) removed++;
      else present++;
    }
    if (page.length < PAGE) break;
  }
  const assets = await facade.listAssets({ tenant, connector: def.name, limit: 200 });
  ctx.print(
    `      Syslog index: ${records.toLocaleString('en-US')} records of this connector (msg_class trendmicro_cloudone_computers)`,
  );
  ctx.print(
    `      Assets: ${present.toLocaleString('en-US')} present, ${removed.toLocaleString('en-US')} removed (not seen in a complete snapshot)`,
  );
  const [sample] = (
    await facade.search({
      tenant,
      where: [...mine, { path: 'host.os.full', op: 'contains', value: 'Windows' }],
      limit: 1,
    })
  ).records;
  const shown = sample ?? (await facade.search({ tenant, where: mine, limit: 1 })).records[0];
  if (shown) {
    ctx.print('\n      A sample Syslog record:');
    ctx.print(JSON.stringify(shown, null, 2).replace(/^/gm, '      '));
  }
  ctx.print('\n      Assets (first 8):');
  ctx.print(
    renderTable(
      ['Hostname', 'Key', 'IP', 'OS', 'Last Seen'],
      [...assets.filter((a) => a.record.hostname), ...assets.filter((a) => !a.record.hostname)]
        .slice(0, 8)
        .map((a) => [
          a.hostname ?? a.record.hostname,
          `${a.primaryKey.key}=${a.primaryKey.value}`,
          (a.record.ip ?? []).slice(0, 2).join(', '),
          a.record.os,
          formatTime(a.lastSeen),
        ]),
    ).replace(/^/gm, '      '),
  );
}
