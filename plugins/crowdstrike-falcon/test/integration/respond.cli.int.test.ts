import { expect } from 'chai';
import { startFalconSimulator, type FalconSimulatorHandle } from '@connectors/falcon-simulator';
import { createCliSession, findPluginRoot, type CliSession } from '@connectors/testkit';

/** Respond end to end: the `connectors` CLI, the host, the framework's runRespond, this plugin, the simulator. */
describe('connectors respond (CLI) with the crowdstrike-falcon plugin', function () {
  this.timeout(60_000);
  let sim: FalconSimulatorHandle;
  let cli: CliSession;
  let webId: string;
  const outputs: string[] = [];
  const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const result = await cli.run(...args);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const respond = (...args: string[]): ReturnType<typeof run> =>
    run('respond', 'falcon-e2e', '--tenant', 'acme', ...args);

  before(async () => {
    sim = await startFalconSimulator({
      hosts: 20,
      containmentDelayMs: 0,
      clients: [{ clientId: 'reader', clientSecret: 'reader-secret-value', scopes: ['hosts:read'] }],
    });
    [webId] = sim.faults.addHosts(1, { hostname: 'web-1' });
    sim.faults.addHosts(2, { hostname: 'twin' });
    cli = await createCliSession({ cwd: findPluginRoot(__dirname) });
    expect((await run('tenants', 'create', 'acme')).code).to.equal(0);
    for (const [name, id, secret] of [
      ['falcon-e2e', sim.clientId, sim.clientSecret],
      ['falcon-reader', 'reader', 'reader-secret-value'],
    ]) {
      const created = await run(
        'create',
        '--plugin',
        'crowdstrike-falcon',
        '--name',
        name,
        '--tenant',
        'acme',
        '--run-on',
        'dp',
        '--set',
        `baseUrl=${sim.baseUrl}`,
        '--set',
        `clientId=${id}`,
        '--set',
        `clientSecret=${secret}`,
      );
      expect(created.code, created.stderr).to.equal(0);
    }
  });

  after(async () => {
    await cli?.close();
    await sim?.stop();
  });

  it('should list the plugin with Respond in `connectors plugins`', async () => {
    const { code, stdout } = await run('plugins', '--json');
    expect(code).to.equal(0);
    const plugin = (JSON.parse(stdout) as Array<{ id: string; capabilities: string[] }>).find(
      (p) => p.id === 'crowdstrike-falcon',
    );
    expect(plugin?.capabilities).to.include('respond');
  });

  it('should contain a host by hostname, report a repeat as already done, then lift containment', async () => {
    const contain = await respond('contain_host', '--target', 'host=web-1');
    expect(contain.code, contain.stderr).to.equal(0);
    expect(contain.stdout).to.contain('web-1 is now contained');
    expect(sim.device(webId)!.status).to.equal('contained');

    const again = await respond('contain_host', '--target', 'host=web-1', '--json');
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.include({ ok: true, summary: 'web-1 was already contained' });

    const lift = await respond('lift_containment', '--target', `host=${webId}`);
    expect(lift.code, lift.stderr).to.equal(0);
    expect(lift.stdout).to.contain('is now released from containment');
    expect(sim.device(webId)!.status).to.equal('normal');
  });

  it('should exit 2 and name the missing --target without calling the API', async () => {
    const before = sim.requests.length;
    const { code, stderr } = await respond('contain_host');
    expect(code).to.equal(2);
    expect(stderr).to.contain('needs target field(s): host').and.contain('--target host=');
    expect(sim.requests.length).to.equal(before);
  });

  it('should refuse an ambiguous hostname with the hint to use the device ID', async () => {
    const { code, stderr } = await respond('contain_host', '--target', 'host=twin');
    expect(code).to.not.equal(0);
    expect(stderr).to.contain('several hosts are named "twin"').and.contain('device ID');
  });

  it('should fail with the scope fix when the API client lacks Hosts: Write', async () => {
    const { code, stderr } = await run(
      'respond',
      'falcon-reader',
      '--tenant',
      'acme',
      'contain_host',
      '--target',
      'host=web-1',
    );
    expect(code).to.not.equal(0);
    expect(stderr).to.contain('Hosts: Write');
    expect(sim.device(webId)!.status).to.equal('normal');
  });

  it('should never print a client secret', () => {
    for (const output of outputs) {
      expect(output).to.not.contain(sim.clientSecret);
      expect(output).to.not.contain('reader-secret-value');
    }
  });
});
