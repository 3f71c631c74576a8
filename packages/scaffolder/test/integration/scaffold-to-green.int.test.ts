import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createCliSession, type CliSession } from '@connectors/testkit';
import { scaffoldPlugin } from '../../src';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace.copy';

const run = promisify(execFile);

interface MochaReport {
  stats: { passes: number; failures: number; pending: number };
  passes: Array<{ fullTitle: string }>;
  failures: Array<{ fullTitle: string; err: { message?: string } }>;
}

/** The promise of the issue: scaffold, then build and test with no manual edit. */
describe('a scaffolded plugin', function () {
  this.timeout(180_000);
  let ws: WorkspaceCopy;
  let cli: CliSession;
  let created: { code: number; stdout: string; stderr: string };
  let build: { ok: boolean; output: string };
  let report: MochaReport;

  before(async () => {
    ws = await copyWorkspace();
    cli = await createCliSession({ cwd: ws.root });
    // One through the CLI command a plugin author types, one through the API the CLI calls.
    created = await cli.run(
      'new',
      'plugin',
      '--vendor',
      'Acme',
      '--product',
      'EDR',
      '--category',
      'Endpoint Security',
      '--respond',
    );
    await scaffoldPlugin({
      workspaceRoot: ws.root,
      vendor: 'Globex',
      product: 'Mail Gateway',
      category: 'Email',
    });
    const tsc = require.resolve('typescript/bin/tsc');
    build = await run(process.execPath, [tsc, '-b'], { cwd: ws.root }).then(
      (r) => ({ ok: true, output: r.stdout + r.stderr }),
      (err: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${err.stdout ?? ''}${err.stderr ?? ''}`,
      }),
    );
    if (!build.ok) return;
    const out = path.join(ws.root, 'report.json');
    const mocha = require.resolve('mocha/bin/mocha.js');
    await run(
      process.execPath,
      [
        mocha,
        '--no-config',
        '--require',
        'source-map-support/register',
        '--timeout',
        '20000',
        '--exit',
        '--reporter',
        'json',
        '--reporter-option',
        `output=${out}`,
        'plugins/*/dist/test/**/*.test.js',
      ],
      { cwd: ws.root },
    ).catch(() => undefined); // failures are read from the report
    report = JSON.parse(await readFile(out, 'utf8')) as MochaReport;
  });

  after(async () => {
    await cli?.close();
    await ws?.remove();
  });

  it('should be created by `connectors new plugin`', () => {
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain('acme-edr');
  });

  it('should build with tsc -b from the root, with no manual edit', () => {
    expect(build.ok, build.output).to.equal(true);
  });

  it('should pass its own tests, the conformance suite included', () => {
    expect(report.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).to.deep.equal([]);
    for (const id of ['acme-edr', 'globex-mail-gateway']) {
      const conformance = report.passes.filter((p) => p.fullTitle.startsWith(`${id}: connector conformance`));
      expect(conformance.length, `${id} conformance checks`).to.be.greaterThan(20);
    }
    expect(report.passes.some((p) => p.fullTitle.startsWith('AcmeEdrConnector#respond over HTTP'))).to.equal(
      true,
    );
    expect(report.stats.pending).to.equal(0);
  });

  it('should be discovered and loaded by the framework loader with the capabilities it declares', async () => {
    // Loaded in a process of the copy, so the plugins and the loader share the copy's framework.
    const script = `
      const { discoverPlugins, implementsRespond } = require('@connectors/framework/engine');
      (async () => {
        const { plugins, errors } = discoverPlugins({ workspaceRoot: process.cwd() });
        const loaded = {};
        for (const p of plugins) {
          if (!p.dir.includes('/plugins/')) continue;
          loaded[p.manifest.id] = { respond: p.manifest.capabilities.respond, implements: implementsRespond(await p.load()) };
        }
        console.log(JSON.stringify({ loaded, errors: errors.map((e) => e.message).filter((m) => m.includes('/plugins/')) }));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: ws.root });
    expect(JSON.parse(stdout)).to.deep.equal({
      loaded: {
        'acme-edr': { respond: true, implements: true },
        'globex-mail-gateway': { respond: false, implements: false },
      },
      errors: [],
    });
  });

  it('should appear in `connectors plugins`', async () => {
    const { code, stdout, stderr } = await cli.run('plugins', '--json');
    expect(code, stderr).to.equal(0);
    const ids = (JSON.parse(stdout) as Array<{ id: string }>).map((p) => p.id);
    expect(ids).to.include.members(['acme-edr', 'globex-mail-gateway']);
  });
});
