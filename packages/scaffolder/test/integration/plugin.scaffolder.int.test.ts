import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { ConnectorError, ConnectorManifest } from '@connectors/framework/engine';
import { scaffoldPlugin } from '../../src';
import { copyWorkspace, type WorkspaceCopy } from '../support/workspace.copy';

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const rel = path.join(prefix, entry.name);
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await listTree(dir, rel)));
  }
  return out.sort();
}

async function readAll(dir: string): Promise<string> {
  const files = (await listTree(dir)).filter((f) => /\.(ts|json|md)$/.test(f));
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

describe('scaffoldPlugin', () => {
  let ws: WorkspaceCopy;
  const json = async <T>(rel: string): Promise<T> =>
    JSON.parse(await readFile(path.join(ws.root, rel), 'utf8')) as T;

  beforeEach(async () => {
    ws = await copyWorkspace({ packages: false });
  });

  afterEach(() => ws.remove());

  describe('from the collector example', () => {
    it('should write plugins/<id> with renamed code, the manifest for the new names and a connector page', async () => {
      const result = await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Globex',
        product: 'Mail Gateway',
        category: 'email',
      });
      expect(result.id).to.equal('globex-mail-gateway');
      expect(result.dir).to.equal(path.join(ws.root, 'plugins', 'globex-mail-gateway'));
      expect(result.files).to.include.members([
        'plugins/globex-mail-gateway/connector.json',
        'plugins/globex-mail-gateway/README.md',
        'plugins/globex-mail-gateway/src/globex-mail-gateway.connector.ts',
        'plugins/globex-mail-gateway/test/integration/conformance.int.test.ts',
        'plugins/globex-mail-gateway/test/support/globex-mail-gateway.fake-api.ts',
        'tsconfig.json',
      ]);
      for (const file of result.files) expect(existsSync(path.join(ws.root, file)), file).to.equal(true);

      const manifest = await json<ConnectorManifest>('plugins/globex-mail-gateway/connector.json');
      expect(manifest).to.deep.include({
        id: 'globex-mail-gateway',
        name: 'Globex Mail Gateway',
        vendor: 'Globex',
        category: 'Email',
      });
      expect(manifest.origin).to.deep.equal({
        source: 'globex_mail_gateway',
        vendor: 'globex',
        category: 'email',
      });
      expect(manifest.contentTypes[0].msgClass).to.equal('globex_mail_gateway_events');
      expect(manifest.capabilities.respond).to.equal(false);
      expect((await json<{ name: string }>('plugins/globex-mail-gateway/package.json')).name).to.equal(
        '@connectors/plugin-globex-mail-gateway',
      );

      const text = await readAll(result.dir);
      for (const token of [
        'example-json-api',
        'example_json_api',
        'ExampleJsonApi',
        'exampleJsonApi',
        'Example JSON API',
      ]) {
        expect(text, `"${token}" left in the plugin`).to.not.contain(token);
      }
      expect(text).to.contain('class GlobexMailGatewayConnector');
      expect(await readdir(result.dir)).to.not.include('dist');

      const readme = await readFile(path.join(result.dir, 'README.md'), 'utf8');
      expect(readme)
        .to.contain('# Globex Mail Gateway')
        .and.contain('`msg_class: globex_mail_gateway_events`');
    });

    it('should add the plugin to package-lock.json the way npm does, so npm ci accepts the lock file', async () => {
      await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Globex',
        product: 'Mail Gateway',
        category: 'Email',
      });
      const lock = await json<{ packages: Record<string, Record<string, unknown>> }>('package-lock.json');
      const pkg = await json<Record<string, unknown>>('plugins/globex-mail-gateway/package.json');
      expect(lock.packages['plugins/globex-mail-gateway']).to.deep.equal({
        name: '@connectors/plugin-globex-mail-gateway',
        version: '0.1.0',
        license: pkg.license,
        dependencies: pkg.dependencies,
        devDependencies: pkg.devDependencies,
      });
      expect(lock.packages['node_modules/@connectors/plugin-globex-mail-gateway']).to.deep.equal({
        resolved: 'plugins/globex-mail-gateway',
        link: true,
      });
      // Every dependency of the new workspace is already locked (npm ci installs nothing new).
      for (const dep of Object.keys({ ...(pkg.dependencies as object), ...(pkg.devDependencies as object) }))
        expect(lock.packages, dep).to.have.property(`node_modules/${dep}`);
      const keys = Object.keys(lock.packages).slice(1);
      expect(keys).to.deep.equal([...keys].sort((a, b) => a.localeCompare(b, 'en')));
    });

    it('should leave no template type name in the plugin and a README that follows the manifest', async () => {
      const result = await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Globex',
        product: 'Mail Gateway',
        category: 'Email',
      });
      expect(await readAll(result.dir)).to.not.match(/\bExample[A-Z]\w*/);
      const manifest = await json<ConnectorManifest>('plugins/globex-mail-gateway/connector.json');
      const readme = await readFile(path.join(result.dir, 'README.md'), 'utf8');
      expect(readme)
        .to.contain(manifest.description!)
        .and.contain(`Create the API token (\`apiKey\`) in the Globex console`);
      for (const key of Object.keys(manifest.configSchema.properties as object))
        expect(readme).to.contain(`| \`${key}\``);
    });

    it('should add the plugin to the root tsconfig references once, after the last plugin', async () => {
      const existing = ['framework', 'plugins/trendmicro-cloudone', 'examples/example-edr', 'bench'].map(
        (p) => ({ path: p }),
      );
      await writeFile(
        path.join(ws.root, 'tsconfig.json'),
        JSON.stringify({ files: [], references: existing }, null, 2),
      );
      await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Globex',
        product: 'Mail Gateway',
        category: 'Email',
      });
      await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Initech',
        product: 'Firewall',
        category: 'Firewall',
      });
      const { references } = await json<{ references: Array<{ path: string }> }>('tsconfig.json');
      expect(references.map((r) => r.path)).to.deep.equal([
        'framework',
        'plugins/trendmicro-cloudone',
        'plugins/globex-mail-gateway',
        'plugins/initech-firewall',
        'examples/example-edr',
        'bench',
      ]);
    });
  });

  describe('from the Respond example', () => {
    it('should keep the response actions and the asset content type', async () => {
      const result = await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Acme',
        product: 'EDR',
        category: 'Endpoint Security',
        respond: true,
      });
      const manifest = await json<ConnectorManifest>('plugins/acme-edr/connector.json');
      expect(manifest.capabilities.respond).to.equal(true);
      expect(manifest.responseActions!.map((a) => [a.id, a.revert])).to.deep.equal([
        ['isolate-host', 'unisolate-host'],
        ['unisolate-host', 'isolate-host'],
        ['block-ip', 'unblock-ip'],
        ['unblock-ip', 'block-ip'],
      ]);
      expect(manifest.contentTypes[0]).to.deep.include({ msgClass: 'acme_edr_hosts', yieldsAssets: true });
      expect(result.files).to.include('plugins/acme-edr/test/integration/respond.int.test.ts');
      const text = await readAll(result.dir);
      for (const token of ['example-edr', 'example_edr', 'ExampleEdr', 'exampleEdr', 'Example EDR']) {
        expect(text, `"${token}" left in the plugin`).to.not.contain(token);
      }
    });
  });

  describe('with bad input', () => {
    const refuse = async (
      options: { vendor: string; product: string; category: string },
      code: string,
    ): Promise<ConnectorError> => {
      const before = await listTree(ws.root);
      const tsconfig = await readFile(path.join(ws.root, 'tsconfig.json'), 'utf8');
      const err = await rejection(scaffoldPlugin({ workspaceRoot: ws.root, ...options }));
      expect(err.code).to.equal(code);
      expect(err.hint, 'the error says how to fix it').to.be.a('string').and.not.equal('');
      expect(await listTree(ws.root), 'files changed').to.deep.equal(before);
      expect(await readFile(path.join(ws.root, 'tsconfig.json'), 'utf8')).to.equal(tsconfig);
      return err;
    };

    it('should refuse an id that exists and write nothing', async () => {
      await scaffoldPlugin({
        workspaceRoot: ws.root,
        vendor: 'Acme',
        product: 'EDR',
        category: 'Endpoint Security',
      });
      const err = await refuse(
        { vendor: 'ACME', product: 'edr', category: 'Endpoint Security' },
        'SCAFFOLD_ID_EXISTS',
      );
      expect(err.message).to.contain('"acme-edr"');
    });

    it('should refuse the id of an example', async () => {
      await refuse(
        { vendor: 'Example', product: 'EDR', category: 'Endpoint Security' },
        'SCAFFOLD_ID_EXISTS',
      );
    });

    it('should refuse an id that another plugin directory declares in its manifest', async () => {
      const manifest = await json<ConnectorManifest>('examples/example-json-api/connector.json');
      await mkdir(path.join(ws.root, 'plugins', 'legacy-zeta'));
      await writeFile(
        path.join(ws.root, 'plugins', 'legacy-zeta', 'connector.json'),
        JSON.stringify({ ...manifest, id: 'zeta-fw' }),
      );
      const err = await refuse({ vendor: 'Zeta', product: 'FW', category: 'Firewall' }, 'SCAFFOLD_ID_EXISTS');
      expect(err.message).to.contain(path.join('plugins', 'legacy-zeta', 'connector.json'));
    });

    it('should refuse names that make no valid id', async () => {
      await refuse({ vendor: '株式会社', product: '!!!', category: 'Other' }, 'SCAFFOLD_INVALID_NAME');
    });

    it('should refuse an unknown category', async () => {
      await refuse({ vendor: 'Acme', product: 'EDR', category: 'Antivirus' }, 'SCAFFOLD_UNKNOWN_CATEGORY');
    });
  });
});
