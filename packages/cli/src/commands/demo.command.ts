import path from 'node:path';
import type { Command } from 'commander';
import { generateCloudOneKey, startSimulator, type SimulatorHandle } from '@connectors/cloudone-simulator';
import { startFalconSimulator } from '@connectors/falcon-simulator';
import { KEY_FILE_NAME, resolveSecretKey, type ConnectorView, type HostFacade } from '@connectors/host';
import type { CliContext } from '../context';
import { EXIT, UsageError } from '../exit-codes';
import { RunProgressView, summaryLine } from '../output/run-progress';
import { formatDuration, formatTime, renderTable } from '../output/table';
import { bind, intOpt, optString, type ProgramState } from './shared';
import { printTestResult } from './test.command';

/** One vendor the demo can simulate: its simulator, plugin, demo connector and what its records are. */
interface VendorDemo {
  plugin: string;
  /** e.g. "Cloud One Workload Security", for the step titles. */
  product: string;
  defaultName: string;
  contentType: string;
  msgClass: string;
  /** What the simulator serves, e.g. "computers". */
  unit: string;
  /** Starts the simulator; `config` creates the connector, `reconnect` points an existing one at it. */
  start(count: number): Promise<{
    url: string;
    config: Record<string, unknown>;
    reconnect: Record<string, unknown>;
    stop(): Promise<void>;
  }>;
}

const VENDORS: Record<'trendmicro' | 'crowdstrike', VendorDemo> = {
  trendmicro: {
    plugin: 'trendmicro-cloudone',
    product: 'Cloud One Workload Security',
    defaultName: 'trendmicro-demo',
    contentType: 'computers',
    msgClass: 'trendmicro_cloudone_computers',
    unit: 'computers',
    async start(count) {
      const apiKey = generateCloudOneKey();
      const sim: SimulatorHandle = await startSimulator({ computers: count, apiKey, port: 0 });
      const at = { apiUrl: sim.baseUrl, apiKey };
      return {
        url: sim.baseUrl,
        config: { ...at, contentTypes: ['computers'], interval: 5 },
        reconnect: at,
        stop: () => sim.stop(),
      };
    },
  },
  crowdstrike: {
    plugin: 'crowdstrike-falcon',
    product: 'CrowdStrike Falcon',
    defaultName: 'falcon-demo',
    contentType: 'hosts',
    msgClass: 'crowdstrike_falcon_hosts',
    unit: 'hosts',
    async start(count) {
      const sim = await startFalconSimulator({ hosts: count, port: 0 });
      const at = { baseUrl: sim.baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret };
      return {
        url: sim.baseUrl,
        config: { ...at, contentTypes: ['hosts'], interval: 5 },
        reconnect: at,
        stop: () => sim.stop(),
      };
    },
  },
};

/**
 * The one-command demo: a simulated vendor fleet (Cloud One by default, CrowdStrike Falcon, or both), a
 * tenant and a connector pointed at it, a test, one collection through the queue into the lake, and what
 * landed there. Re-runnable: the demo connector is reused (pointed at the new simulator), so the same
 * objects keep the same ids.
 */
export function registerDemo(program: Command, state: ProgramState): void {
  program
    .command('demo')
    .description(
      'simulate a vendor (Cloud One by default), create a connector, test it, collect into the lake, show the result',
    )
    .option('--computers <n>', 'size of each simulated fleet', '3000')
    .option('--vendor <vendor>', 'trendmicro, crowdstrike or all', 'trendmicro')
    .option('--tenant <tenant>', 'tenant to use', 'demo')
    .option('--name <name>', 'name of the demo connector (one vendor only; default <vendor>-demo)')
    .action(
      bind(state, async (ctx, opts) => {
        const computers = intOpt(opts, 'computers') ?? 3000;
        if (computers < 1 || computers > 200_000)
          throw new UsageError('computers', `${computers} is out of bounds`, 'Use 1 to 200000.');
        const vendor = optString(opts, 'vendor') ?? 'trendmicro';
        if (vendor !== 'all' && !Object.hasOwn(VENDORS, vendor)) {
          throw new UsageError(
            'vendor',
            `"${vendor}" is not a demo vendor`,
            'Use trendmicro, crowdstrike or all.',
          );
        }
        const vendors =
          vendor === 'all'
            ? [VENDORS.trendmicro, VENDORS.crowdstrike]
            : [VENDORS[vendor as keyof typeof VENDORS]];
        const tenant = optString(opts, 'tenant') ?? 'demo';
        const givenName = optString(opts, 'name');
        if (givenName !== undefined && vendors.length > 1) {
          throw new UsageError(
            'name',
            'names one connector, but --vendor all creates two',
            'Leave out --name.',
          );
        }
        // The simulators speak plain http on loopback: the host allows that only in development mode.
        process.env.CONNECTORS_DEV = '1';
        const started = Date.now();
        const step = (n: number, text: string): void => ctx.print(`\n[${n}/6] ${text}`);
        // Redis mode wants CONNECTORS_SECRET_KEY on every host; the demo is one host, so without it the
        // demo falls back to the data directory's key file rather than stopping a first look.
        const demoKey =
          ctx.redisUrl && !process.env.CONNECTORS_SECRET_KEY
            ? resolveSecretKey({ dataDir: ctx.dataDir, allowKeyFile: true }).toString('base64')
            : undefined;
        // The demo is the only host of its data directory: its own run ingests into that lake, also
        // when the registry and queue are in Redis.
        const facade = await ctx.facade({ sharedLake: true, ...(demoKey ? { secretKey: demoKey } : {}) });
        const names: Array<{ name: string; vendor: VendorDemo }> = [];
        for (const v of vendors) {
          const name = givenName ?? v.defaultName;
          names.push({ name, vendor: v });
          const code = await demoVendor(ctx, facade, v, { computers, tenant, name, demoKey, step });
          if (code !== EXIT.ok) return code;
        }

        step(6, 'Explore further');
        const dd = ctx.dataDir === path.resolve(ctx.io.cwd, 'data') ? '' : ` --data-dir ${ctx.dataDir}`;
        const lines = [`npx connectors list --tenant ${tenant}${dd}`];
        for (const { name, vendor: v } of names) {
          lines.push(
            `npx connectors status ${name} --tenant ${tenant}${dd}`,
            `npx connectors search --tenant ${tenant} --where msg_class=${v.msgClass} --limit 5${dd}`,
          );
        }
        lines.push(
          `npx connectors search --tenant ${tenant} --where "host.os.full~Windows" --json --limit 1${dd}`,
          `npx connectors search --tenant ${tenant} --out hunt.ndjson${dd}    # every record, as NDJSON`,
          `npx connectors assets --tenant ${tenant}${dd}`,
        );
        if (names.some((n) => n.vendor === VENDORS.trendmicro)) {
          lines.push(
            `npx connectors filters create "no unactivated" --tenant ${tenant} --when "trendmicro_cloudone.agentVersion equals 0.0.0.0"${dd}`,
          );
        }
        const falcon = names.find((n) => n.vendor === VENDORS.crowdstrike);
        if (falcon) {
          lines.push(
            `npx connectors respond ${falcon.name} --tenant ${tenant} contain_host --target host=<hostname>${dd}    # Respond (the simulator is gone once the demo ends: run it against a live one)`,
          );
        }
        lines.push(
          `npx connectors start${dd}    # the daemon: scheduled pulls, ingestion, /metrics and /healthz`,
        );
        for (const line of lines) ctx.print(`      ${line}`);
        ctx.print(
          `\nDemo finished in ${formatDuration(Date.now() - started)}. Run it again any time: npm run demo`,
        );
        return EXIT.ok;
      }),
    );
}

interface DemoStep {
  computers: number;
  tenant: string;
  name: string;
  demoKey: string | undefined;
  step(n: number, text: string): void;
}

/** Steps 1 to 5 for one vendor: simulator, tenant and connector, test, one collection, the lake. */
async function demoVendor(
  ctx: CliContext,
  facade: HostFacade,
  v: VendorDemo,
  { computers, tenant, name, demoKey, step }: DemoStep,
): Promise<number> {
  step(1, `Starting the ${v.product} simulator with ${computers.toLocaleString('en-US')} ${v.unit}`);
  const sim = await v.start(computers);
  try {
    ctx.print(`      API URL ${sim.url}`);
    if (demoKey) {
      ctx.print(
        `      CONNECTORS_SECRET_KEY is not set: this demo encrypts secrets with ${path.join(ctx.dataDir, KEY_FILE_NAME)}; real hosts sharing Redis need CONNECTORS_SECRET_KEY`,
      );
    }
    if (!(await facade.listPlugins()).plugins.some((p) => p.id === v.plugin)) {
      throw new UsageError(
        'plugin',
        `the ${v.plugin} plugin was not found`,
        'Build the workspace first: npm run build',
      );
    }
    ctx.print(
      `      data directory ${ctx.dataDir} (${facade.info().registry} registry, ${ctx.redisUrl ? 'Redis' : 'in-process'} queue); lake ${facade.info().lake}`,
    );

    step(2, `Tenant "${tenant}" and the ${v.product} connector "${name}"`);
    const { created: tenantCreated } = await facade.createTenant({ id: tenant });
    ctx.print(`      tenant ${tenant}: ${tenantCreated ? 'created' : 'exists'}`);
    let def: ConnectorView | undefined = await facade.findConnector({ tenant, name });
    if (def && def.plugin !== v.plugin) {
      throw new UsageError(
        'name',
        `"${name}" in tenant ${tenant} is a ${def.plugin} connector`,
        'Pass --name with another name.',
      );
    }
    if (def) {
      def = await facade.editConnector({ tenant, name, set: sim.reconnect });
      ctx.print(`      connector ${name}: reused (pointed at this simulator; its records keep their ids)`);
    } else {
      def = await facade.createConnector({
        plugin: v.plugin,
        name,
        tenant,
        runOn: 'dp',
        profile: 'default',
        config: sim.config,
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

    step(4, `Collecting once: ${v.product} → normalize → queue → ingest → lake`);
    const progress = new RunProgressView(ctx.io, v.unit, true);
    const run = await facade.runConnector({ tenant, name }, undefined, {
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    ctx.print(`      ${summaryLine(run, v.unit)}`);
    if (!run.ok) {
      ctx.print(
        `      error: ${run.error?.summary}${run.error?.hint ? `\n      fix: ${run.error.hint}` : ''}`,
      );
      return EXIT.failed;
    }

    step(5, 'What landed in the lake');
    await printLake(ctx, facade, def, tenant, v.msgClass);
    return EXIT.ok;
  } finally {
    await sim.stop();
  }
}

async function printLake(
  ctx: CliContext,
  facade: HostFacade,
  def: ConnectorView,
  tenant: string,
  msgClass: string,
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
    `      Syslog index: ${records.toLocaleString('en-US')} records of this connector (msg_class ${msgClass})`,
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
