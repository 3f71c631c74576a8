import { expect } from 'chai';
import { EMPTY, type Observable } from 'rxjs';
import {
  AuthenticationError,
  Connector,
  createSilentLogger,
  implementsRespond,
  RespondNotSupportedError,
  runRespond,
  UnknownActionError,
  type CollectedPage,
  type NormalizedRecord,
  type RespondRequest,
  type RespondResult,
  type RunContext,
  type TestStep,
} from '../../src/engine';
import { validManifest } from '../helpers/manifest.fixture';

class StepsConnector extends Connector {
  constructor(private readonly steps: TestStep[]) {
    super();
  }
  protected testSteps(): TestStep[] {
    return this.steps;
  }
  collect(): Observable<CollectedPage> {
    return EMPTY;
  }
  normalize(_ct: string, raw: unknown): NormalizedRecord {
    return { key: String(raw), fields: {} };
  }
}

class RespondingConnector extends StepsConnector {
  override async respond(request: RespondRequest): Promise<RespondResult> {
    return { ok: true, action: request.action, summary: `did ${request.action}` };
  }
}

const ctx = (): RunContext => ({
  config: {},
  instance: { id: 'i1', name: 'edr', tenant: 't1', type: 'acme-edr' },
  logger: createSilentLogger(),
  signal: new AbortController().signal,
});

describe('Connector', () => {
  describe('#test', () => {
    it('should time the test and its steps on the injected clock', async () => {
      let now = 1_000_000;
      const clock = { now: () => (now += 250), sleep: async () => undefined };
      const c = new StepsConnector([{ id: 'connect', title: 'Connect', run: async () => 'ok' }])
        .bindManifest(validManifest())
        .bindClock(clock);
      const result = await c.test(ctx());
      expect(result.steps[0].durationMs).to.equal(250);
      expect(result.durationMs).to.equal(750);
    });

    it('should report each step to onStep as it finishes, before the next one starts', async () => {
      const seen: string[] = [];
      const c = new StepsConnector([
        { id: 'a', title: 'A', run: async () => void seen.push('run a') },
        { id: 'b', title: 'B', run: async () => void seen.push('run b') },
        {
          id: 'c',
          title: 'C',
          run: async () => {
            throw new AuthenticationError('bad key');
          },
        },
        { id: 'd', title: 'D', run: async () => 'never' },
      ]).bindManifest(validManifest());
      const result = await c.test(ctx(), (step) => seen.push(`${step.id} ${step.status}`));
      expect(seen).to.deep.equal(['run a', 'a passed', 'run b', 'b passed', 'c failed', 'd skipped']);
      expect(result.steps.map((s) => s.id)).to.deep.equal(['a', 'b', 'c', 'd']);
    });

    it('should pass when every step passes, in order, with details', async () => {
      const c = new StepsConnector([
        { id: 'connect', title: 'Connect', run: async () => 'reached api.acme.test' },
        { id: 'auth', title: 'Authenticate', run: async () => undefined },
      ]).bindManifest(validManifest());
      const result = await c.test(ctx());
      expect(result.ok).to.equal(true);
      expect(result.steps.map((s) => [s.id, s.status])).to.deep.equal([
        ['connect', 'passed'],
        ['auth', 'passed'],
      ]);
      expect(result.steps[0].detail).to.equal('reached api.acme.test');
    });

    it('should turn a thrown error into a failed result and skip the rest', async () => {
      const c = new StepsConnector([
        { id: 'connect', title: 'Connect', run: async () => undefined },
        {
          id: 'auth',
          title: 'Authenticate',
          run: async () => {
            throw new AuthenticationError('401 Invalid API Key', 'Check the API key.', {
              status: 401,
              vendorMessage: 'Invalid API Key',
            });
          },
        },
        { id: 'data', title: 'First page', run: async () => undefined },
      ]).bindManifest(validManifest());
      const result = await c.test(ctx());
      expect(result.ok).to.equal(false);
      expect(result.summary).to.contain('Authenticate').and.contain('401');
      expect(result.hint).to.equal('Check the API key.');
      expect(result.steps[1]).to.include({
        status: 'failed',
        httpStatus: 401,
        vendorMessage: 'Invalid API Key',
      });
      expect(result.steps[2].status).to.equal('skipped');
    });

    it('should never throw, even for non-Error throwables or a failing step list', async () => {
      const c = new StepsConnector([
        {
          id: 'x',
          title: 'X',
          run: () => {
            throw 'plain string';
          },
        },
      ]).bindManifest(validManifest());
      const result = await c.test(ctx());
      expect(result.ok).to.equal(false);
      expect(result.detail).to.equal('plain string');

      class Broken extends StepsConnector {
        protected override testSteps(): TestStep[] {
          throw new Error('no steps today');
        }
      }
      const broken = await new Broken([]).bindManifest(validManifest()).test(ctx());
      expect(broken.ok).to.equal(false);
      expect(broken.detail).to.equal('no steps today');
    });
  });

  describe('#configure', () => {
    it('should validate against the manifest schema before plugin normalization', () => {
      const c = new StepsConnector([]).bindManifest(validManifest());
      expect(() => c.configure({ apiUrl: 'https://x.test' })).to.throw(/apiKey: is required/);
    });
  });

  describe('#respond', () => {
    it('should answer for a connector without Respond with a typed error naming it', async () => {
      const c = new StepsConnector([]).bindManifest(validManifest());
      try {
        await runRespond(c, { action: 'isolate', target: { hostname: 'h1' } }, ctx());
        expect.fail('respond should be refused');
      } catch (err) {
        expect(err).to.be.instanceOf(RespondNotSupportedError);
        expect((err as Error).message).to.equal('respond is not supported by Acme EDR');
        expect((err as RespondNotSupportedError).code).to.equal('RESPOND_NOT_SUPPORTED');
      }
    });

    it('should run a declared action and refuse an unknown one or missing target fields', async () => {
      const manifest = validManifest({
        capabilities: { collect: true, respond: true, nativeAlertsMapped: false },
        responseActions: [
          { id: 'isolate', title: 'Isolate', revert: 'unisolate', targetFields: ['hostname'] },
          { id: 'unisolate', title: 'Unisolate', targetFields: ['hostname'] },
        ],
      });
      const c = new RespondingConnector([]).bindManifest(manifest);
      const ok = await runRespond(c, { action: 'isolate', target: { hostname: 'h1' } }, ctx());
      expect(ok).to.include({ ok: true, action: 'isolate' });
      await runRespond(c, { action: 'reboot', target: {} }, ctx()).then(
        () => expect.fail('unknown action accepted'),
        (err) => expect(err).to.be.instanceOf(UnknownActionError),
      );
      await runRespond(c, { action: 'isolate', target: {} }, ctx()).then(
        () => expect.fail('missing target accepted'),
        (err) => expect((err as Error).message).to.contain('hostname'),
      );
    });
  });
});

describe('implementsRespond', () => {
  it('should tell an override from the base, also for a class built on another framework copy', () => {
    expect(implementsRespond(StepsConnector)).to.equal(false);
    expect(implementsRespond(RespondingConnector)).to.equal(true);
    // A second copy of the framework: its base respond carries the same registry symbol.
    const otherBase = function respond(): Promise<never> {
      return Promise.reject(new Error('unsupported'));
    };
    (otherBase as unknown as Record<symbol, boolean>)[Symbol.for('connectors.respond.unsupported')] = true;
    expect(implementsRespond({ prototype: { respond: otherBase } })).to.equal(false);
    expect(implementsRespond({ prototype: {} })).to.equal(false);
  });
});
