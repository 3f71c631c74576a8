import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverPlugins, PluginLoadError } from '../../src/engine';
import { connectorSource, validManifest, writePlugin } from '../helpers/manifest.fixture';

describe('discoverPlugins', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'connectors-ws-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('when the workspace holds good and broken plugins', () => {
    it('should load the good ones and refuse the broken one with its file and field', () => {
      writePlugin(root, { folder: 'plugins', name: 'good-a', manifest: validManifest({ id: 'good-a' }) });
      writePlugin(root, { folder: 'examples', name: 'good-b', manifest: validManifest({ id: 'good-b' }) });
      const badDir = writePlugin(root, {
        folder: 'plugins',
        name: 'broken',
        manifest: { ...validManifest({ id: 'broken' }), category: 'Toasters' },
      });
      writePlugin(root, {
        folder: 'plugins',
        name: 'not-a-plugin',
        inPackageJson: true,
        manifest: undefined,
      });

      const { plugins, errors } = discoverPlugins({ workspaceRoot: root });

      expect(plugins.map((p) => p.manifest.id)).to.deep.equal(['good-a', 'good-b']);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.be.instanceOf(PluginLoadError);
      expect(errors[0].file).to.equal(path.join(badDir, 'connector.json'));
      expect(errors[0].field).to.equal('category');
    });
  });

  it('should read a manifest from package.json#connector and name that key in errors', () => {
    writePlugin(root, {
      folder: 'plugins',
      name: 'pkg-ok',
      inPackageJson: true,
      manifest: validManifest({ id: 'pkg-ok' }),
    });
    const bad = validManifest({ id: 'pkg-bad' }) as unknown as Record<string, unknown>;
    delete bad.origin;
    writePlugin(root, { folder: 'plugins', name: 'pkg-bad', inPackageJson: true, manifest: bad });

    const { plugins, errors } = discoverPlugins({ workspaceRoot: root });

    expect(plugins.map((p) => p.manifest.id)).to.deep.equal(['pkg-ok']);
    expect(errors[0].field).to.equal('connector.origin');
    expect(errors[0].file).to.match(/pkg-bad[/\\]package\.json$/);
  });

  it('should find plugins installed in node_modules by their manifest', () => {
    writePlugin(root, {
      folder: 'node_modules',
      name: 'connector-from-npm',
      manifest: validManifest({ id: 'from-npm' }),
    });
    const { plugins } = discoverPlugins({ workspaceRoot: root });
    expect(plugins.map((p) => p.manifest.id)).to.deep.equal(['from-npm']);
  });

  it('should refuse a second plugin with the same id and keep the first', () => {
    writePlugin(root, { folder: 'examples', name: 'one', manifest: validManifest({ id: 'same' }) });
    writePlugin(root, { folder: 'plugins', name: 'two', manifest: validManifest({ id: 'same' }) });
    const { plugins, errors } = discoverPlugins({ workspaceRoot: root });
    expect(plugins).to.have.length(1);
    expect(errors[0].code).to.equal('PLUGIN_DUPLICATE_ID');
    expect(errors[0].field).to.equal('id');
    expect(errors[0].message).to.contain('already used by');
  });

  it('should refuse a plugin whose entry file is missing', () => {
    writePlugin(root, {
      folder: 'plugins',
      name: 'no-entry',
      manifest: validManifest({ id: 'no-entry' }),
      entrySource: null,
    });
    const { errors } = discoverPlugins({ workspaceRoot: root });
    expect(errors[0].code).to.equal('PLUGIN_ENTRY_MISSING');
    expect(errors[0].field).to.equal('entry');
    expect(errors[0].hint).to.contain('npm run build');
  });

  describe('when the entry resolves outside the plugin folder', () => {
    const cases: Array<[string, (dir: string) => string]> = [
      ['an absolute path', () => '/etc/passwd'],
      ["another plugin's code", () => '../victim/index.js'],
      [
        'a symlink inside the folder that points out of it',
        (dir) => {
          symlinkSync(path.join(dir, '..', 'victim', 'index.js'), path.join(dir, 'link.js'));
          return 'link.js';
        },
      ],
      ['the folder itself', () => '.'],
    ];
    for (const [what, entryOf] of cases) {
      it(`should refuse ${what} at discovery, naming the entry field`, () => {
        writePlugin(root, { folder: 'plugins', name: 'victim', manifest: validManifest({ id: 'victim' }) });
        const dir = writePlugin(root, {
          folder: 'plugins',
          name: 'escaper',
          manifest: validManifest({ id: 'escaper' }),
        });
        const manifest = { ...validManifest({ id: 'escaper' }), entry: entryOf(dir) };
        writeFileSync(path.join(dir, 'connector.json'), JSON.stringify(manifest));
        const { plugins, errors } = discoverPlugins({ workspaceRoot: root });
        expect(plugins.map((p) => p.manifest.id)).to.deep.equal(['victim']);
        expect(errors).to.have.length(1);
        expect(errors[0].code).to.equal('PLUGIN_ENTRY_OUTSIDE');
        expect(errors[0].message).to.match(
          /connector\.json \(entry\): entry .* resolves outside the plugin folder/,
        );
      });
    }

    it('should accept an entry reached through a symlink that stays inside the folder', () => {
      const dir = writePlugin(root, {
        folder: 'plugins',
        name: 'linked',
        manifest: validManifest({ id: 'linked' }),
      });
      symlinkSync(path.join(dir, 'index.js'), path.join(dir, 'link.js'));
      writeFileSync(
        path.join(dir, 'connector.json'),
        JSON.stringify({ ...validManifest({ id: 'linked' }), entry: 'link.js' }),
      );
      const { plugins, errors } = discoverPlugins({ workspaceRoot: root });
      expect(errors).to.deep.equal([]);
      expect(plugins[0].entryFile).to.equal(path.join(realpathSync(dir), 'index.js'));
    });
  });

  it('should refuse a manifest that is not JSON, naming the file', () => {
    writePlugin(root, { folder: 'plugins', name: 'garbled', rawManifest: '{ "id": ' });
    const { errors } = discoverPlugins({ workspaceRoot: root });
    expect(errors[0].code).to.equal('MANIFEST_NOT_JSON');
    expect(errors[0].file).to.match(/garbled[/\\]connector\.json$/);
  });

  describe('lazy loading', () => {
    it('should not import the entry during discovery, only on load()', async () => {
      const marker = `__loaded_${Date.now()}`;
      writePlugin(root, {
        folder: 'plugins',
        name: 'lazy',
        manifest: validManifest({ id: 'lazy' }),
        entrySource: connectorSource({ marker }),
      });
      const g = globalThis as Record<string, unknown>;

      const { plugins } = discoverPlugins({ workspaceRoot: root });
      expect(g[marker]).to.equal(undefined);

      const cls = await plugins[0].load();
      expect(g[marker]).to.equal(1);
      expect(cls.name).to.equal('FixtureConnector');
    });

    it('should refuse on load a plugin that declares respond but does not implement it', async () => {
      const manifest = validManifest({
        id: 'liar',
        capabilities: { collect: true, respond: true, nativeAlertsMapped: false },
        responseActions: [{ id: 'isolate', title: 'Isolate host', targetFields: ['hostname'] }],
      });
      writePlugin(root, {
        folder: 'plugins',
        name: 'liar',
        manifest,
        entrySource: connectorSource({ respond: false }),
      });
      const { plugins } = discoverPlugins({ workspaceRoot: root });
      try {
        await plugins[0].load();
        expect.fail('load should have been refused');
      } catch (err) {
        expect(err).to.be.instanceOf(PluginLoadError);
        expect((err as PluginLoadError).field).to.equal('capabilities.respond');
      }
    });

    it('should refuse on load an entry without the named export', async () => {
      writePlugin(root, {
        folder: 'plugins',
        name: 'wrong-export',
        manifest: validManifest({ id: 'wrong-export' }),
        entrySource: connectorSource({ exportName: 'somethingElse' }),
      });
      const { plugins } = discoverPlugins({ workspaceRoot: root });
      try {
        await plugins[0].load();
        expect.fail('load should have been refused');
      } catch (err) {
        expect((err as PluginLoadError).code).to.equal('PLUGIN_EXPORT_INVALID');
        expect((err as PluginLoadError).field).to.equal('exportName');
      }
    });

    it('should refuse on load a plugin whose dependency is not installed, naming the plugin, the module and the fix', async () => {
      const dir = writePlugin(root, {
        folder: 'plugins',
        name: 'needs-dep',
        manifest: validManifest({ id: 'needs-dep' }),
        entrySource: `require('vendor-sdk-not-installed');\n${connectorSource()}`,
      });
      const { plugins } = discoverPlugins({ workspaceRoot: root });
      try {
        await plugins[0].load();
        expect.fail('load should have been refused');
      } catch (err) {
        expect(err).to.be.instanceOf(PluginLoadError);
        const e = err as PluginLoadError;
        expect(e.code).to.equal('PLUGIN_DEPENDENCY_MISSING');
        expect(e.pluginId).to.equal('needs-dep');
        expect(e.message).to.contain('plugin needs-dep').and.contain('"vendor-sdk-not-installed"');
        expect(e.hint).to.contain(`npm install --omit=dev in ${realpathSync(dir)}`);
        expect(e.message).to.not.contain('Require stack');
      }
    });
  });
});
