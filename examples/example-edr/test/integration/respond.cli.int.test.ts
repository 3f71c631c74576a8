import { expect } from 'chai';
import { createCliSession, findPluginRoot, readFixture, type CliSession } from '@connectors/testkit';
import type { EdrHost } from '../../src/internal-types';
import { startExampleEdrFake, type ExampleEdrFake } from '../support/example-edr.fake-api';

/** Respond end to end: the `connectors` CLI, the host, the framework's runRespond, this plugin, the fake EDR. */
describe('connectors respond (CLI) with the example-edr plugin', function () {
  this.timeout(60_000);
  let api: ExampleEdrFake;
  let cli: CliSession;
  const outputs: string[] = [];
  const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const result = await cli.run(...args);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const respond = (...args: string[]): ReturnType<typeof run> =>
    run('respond', 'edr-e2e', '--tenant', 'acme', ...args);

  before(async () => {
    api = await startExampleEdrFake(readFixture<EdrHost[]>(__dirname, 'hosts', 'fleet'));
    cli = await createCliSession({ cwd: findPluginRoot(__dirname) });
    expect((await run('tenants', 'create', 'acme')).code).to.equal(0);
    const created = await run(
      'create',
      '--plugin',
      'example-edr',
      '--name',
      'edr-e2e',
      '--tenant',
      'acme',
      '--run-on',
      'dp',
      '--set',
      `baseUrl=${api.baseUrl}`,
      '--set',
      `apiKey=${api.apiKey}`,
    );
    expect(created.code, created.stderr).to.equal(0);
  });

  after(async () => {
    await cli?.close();
    await api?.stop();
  });

  it('should list the plugin with Respond in `connectors plugins`', async () => {
    const { code, stdout } = await run('plugins', '--json');
    expect(code).to.equal(0);
    const plugin = (JSON.parse(stdout) as Array<{ id: string; capabilities: string[] }>).find(
      (p) => p.id === 'example-edr',
    );
    expect(plugin?.capabilities).to.include('respond');
  });

  it('should isolate a host, then release it with the revert action', async () => {
    const isolate = await respond('isolate-host', '--target', 'hostname=web-1');
    expect(isolate.code, isolate.stderr).to.equal(0);
    expect(isolate.stdout).to.contain('web-1 is now isolated');
    expect(api.hosts.find((h) => h.hostname === 'web-1')!.isolation).to.equal('isolated');

    const release = await respond('unisolate-host', '--target', 'hostname=web-1');
    expect(release.code, release.stderr).to.equal(0);
    expect(release.stdout).to.contain('web-1 is no longer isolated');
    expect(api.hosts.find((h) => h.hostname === 'web-1')!.isolation).to.equal('none');
  });

  it('should block and unblock an IP, printing the result as JSON with --json', async () => {
    const block = await respond('block-ip', '--target', 'ip=203.0.113.7', '--json');
    expect(block.code, block.stderr).to.equal(0);
    expect(JSON.parse(block.stdout)).to.deep.include({
      ok: true,
      action: 'block-ip',
      summary: '203.0.113.7 is now blocked',
    });
    expect(api.blocked.has('203.0.113.7')).to.equal(true);
    expect((await respond('unblock-ip', '--target', 'ip=203.0.113.7')).code).to.equal(0);
    expect(api.blocked.size).to.equal(0);
  });

  it('should exit 2 and say which --target is missing, without calling the API', async () => {
    const before = api.requests.length;
    const { code, stderr } = await respond('block-ip');
    expect(code).to.equal(2);
    expect(stderr).to.contain('needs target field(s): ip').and.contain('--target ip=');
    expect(api.requests.length).to.equal(before);
  });

  it('should exit 2 for an unknown action and list the known ones', async () => {
    const { code, stderr } = await respond('quarantine-file', '--target', 'hostname=web-1');
    expect(code).to.equal(2);
    expect(stderr).to.contain('isolate-host, unisolate-host, block-ip, unblock-ip');
  });

  it('should fail with the plugin hint when the host does not exist', async () => {
    const { code, stderr } = await respond('isolate-host', '--target', 'hostname=no-such-host');
    expect(code).to.not.equal(0);
    expect(stderr).to.contain('no host named "no-such-host"').and.contain('host.name');
  });

  it('should never print the API key', () => {
    for (const output of outputs) expect(output).to.not.contain(api.apiKey);
  });
});
