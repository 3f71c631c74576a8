import { expect } from 'chai';
import { Writable } from 'node:stream';
import {
  createConnectorContainer,
  createHostContainer,
  createLogger,
  REDACT_PATHS,
  secretRedactPaths,
  TOKENS,
  type Logger,
} from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

describe('secretRedactPaths', () => {
  it("should name each of the manifest's secret fields at the top and nested", () => {
    expect(secretRedactPaths(validManifest())).to.deep.equal(['apiKey', '*.apiKey', '*.*.apiKey']);
  });
});

describe('createConnectorContainer', () => {
  it("should censor the plugin's own secret fields and every header in its logger, with no vendor names built in", () => {
    expect(REDACT_PATHS.join(' ')).to.not.match(/api-secret-key|trend/i);
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const host = createHostContainer({ logger: createLogger({ level: 'info', destination }) });
    const base = validManifest();
    const props = (base.configSchema.properties ?? {}) as Record<string, unknown>;
    const manifest = validManifest({
      configSchema: {
        ...base.configSchema,
        properties: { ...props, privateToken: { type: 'string', secret: true } },
      },
    });
    const scope = createConnectorContainer(host, {
      manifest,
      instance: { id: 'i1', name: 'edr', tenant: 't1', type: manifest.id },
    });
    scope
      .resolve<Logger>(TOKENS.Logger)
      .info(
        { config: { privateToken: 'pt-123' }, err: { headers: { 'x-vendor-key': 'vk-456' } } },
        'configured',
      );
    const text = lines.join('');
    expect(text).to.contain('configured');
    expect(text).to.not.contain('pt-123').and.not.contain('vk-456');
  });
});
