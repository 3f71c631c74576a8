import { expect } from 'chai';
import { createCliSession, findPluginRoot, readFixture, type CliSession } from '@connectors/testkit';
import type { ExampleJsonApiEvent } from '../../src';
import { startExampleJsonApiFake, type ExampleJsonApiFake } from '../support/example-json-api.fake-api';

/** The plugin through the real `connectors` CLI: listed, created, tested; Respond refused by the framework. */
describe('connectors CLI with the example-json-api plugin', function () {
  this.timeout(60_000);
  let api: ExampleJsonApiFake;
  let cli: CliSession;

  before(async () => {
    api = await startExampleJsonApiFake(readFixture<ExampleJsonApiEvent[]>(__dirname, 'events', 'sample'));
    cli = await createCliSession({ cwd: findPluginRoot(__dirname) });
    await cli.run('tenants', 'create', 'acme');
    const created = await cli.run(
      'create',
      '--plugin',
      'example-json-api',
      '--name',
      'json-e2e',
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

  it('should pass `connectors test` step by step', async () => {
    const { code, stdout, stderr } = await cli.run('test', 'json-e2e', '--tenant', 'acme');
    expect(code, stdout + stderr).to.equal(0);
    expect(stdout)
      .to.contain('Reach the API, authenticate and read the first page')
      .and.contain('One record normalized and enveloped');
    expect(stdout).to.not.contain(api.apiKey);
  });

  it('should answer `connectors respond` with the framework "not supported" error and exit 2', async () => {
    const { code, stderr } = await cli.run(
      'respond',
      'json-e2e',
      '--tenant',
      'acme',
      'isolate-host',
      '--target',
      'hostname=web-1',
    );
    expect(code).to.equal(2);
    expect(stderr).to.contain('respond is not supported by Example JSON API');
  });
});
