import { expect } from 'chai';
import { EMPTY, type Observable } from 'rxjs';
import {
  Connector,
  createSilentLogger,
  normalizeOneStep,
  type CollectedPage,
  type NormalizedRecord,
  type RunContext,
  type TestStep,
} from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

interface Host {
  id: string;
  name: string;
}

class HostsConnector extends Connector<Record<string, unknown>, Host> {
  constructor(private readonly withAsset: boolean) {
    super();
  }
  protected testSteps(): TestStep[] {
    return [];
  }
  collect(): Observable<CollectedPage<Host>> {
    return EMPTY;
  }
  normalize(_ct: string, raw: Host): NormalizedRecord {
    return {
      key: raw.id,
      fields: { host: { name: raw.name } },
      ...(this.withAsset ? { asset: { identity: { hostId: raw.id }, hostname: raw.name } } : {}),
    };
  }
}

const ctx = (): RunContext => ({
  config: {},
  instance: { id: 'i1', name: 'edr', tenant: 't1', type: 'acme-edr' },
  logger: createSilentLogger(),
  signal: new AbortController().signal,
});

describe('normalizeOneStep', () => {
  const host = { id: 'h-1', name: 'web-1' };

  it('should normalize and envelope the sample, naming the record id and the asset key', async () => {
    const c = new HostsConnector(true).bindManifest(validManifest());
    const step = normalizeOneStep(c, { contentType: 'hosts', sample: () => host, describe: (h) => h.name });
    const detail = await step.run(ctx());
    expect(detail).to.match(/^web-1 → record [0-9a-f]{12}…, asset by hostId$/);
  });

  it('should fail naming what is missing when the content type yields assets and none came', async () => {
    const c = new HostsConnector(false).bindManifest(validManifest());
    const step = normalizeOneStep(c, { contentType: 'hosts', sample: () => host });
    try {
      await step.run(ctx());
      expect.fail('the step passed without an asset');
    } catch (err) {
      expect(err).to.have.property('code', 'NORMALIZE_CHECK_FAILED');
      expect((err as Error).message).to.match(/the first object .*no asset record/);
    }
  });

  it('should pass with a note when there is nothing to normalize', async () => {
    const c = new HostsConnector(true).bindManifest(validManifest());
    const step = normalizeOneStep(c, { contentType: 'hosts', sample: () => undefined });
    expect(await step.run(ctx())).to.match(/nothing to normalize/);
  });
});
