import { expect } from 'chai';
import sinon from 'sinon';
import { backoffDelay, parseRetryAfter, RateLimitError, withRetry, type Clock } from '../../src/engine';

describe('backoffDelay', () => {
  it('should grow exponentially and stay under the cap', () => {
    const max = () => 0.999999;
    expect(backoffDelay(0, { baseMs: 100, random: max })).to.be.closeTo(100, 1);
    expect(backoffDelay(3, { baseMs: 100, random: max })).to.be.closeTo(800, 1);
    expect(backoffDelay(20, { baseMs: 100, capMs: 60_000, random: max })).to.be.at.most(60_000);
  });
});

describe('parseRetryAfter', () => {
  it('should read seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).to.equal(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).to.equal(6000);
    expect(parseRetryAfter(undefined)).to.equal(undefined);
    expect(parseRetryAfter('soon')).to.equal(undefined);
  });
});

describe('withRetry', () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  function fakeClock(): Clock & { slept: number[] } {
    const slept: number[] = [];
    return { slept, now: () => 0, sleep: async (ms: number) => void slept.push(ms) };
  }

  it('should retry retryable failures and honour Retry-After', async () => {
    const clock = fakeClock();
    const fn = sandbox.stub();
    fn.onCall(0).rejects(new RateLimitError('429', 2500));
    fn.onCall(1).rejects(new RateLimitError('429'));
    fn.onCall(2).resolves('page');
    const result = await withRetry(fn, {
      clock,
      isRetryable: (e) => e instanceof RateLimitError,
      retryAfterMs: (e) => (e as RateLimitError).retryAfterMs,
      random: () => 0.5,
      baseMs: 100,
    });
    expect(result).to.equal('page');
    expect(clock.slept[0]).to.equal(2500);
    expect(clock.slept[1]).to.equal(100);
  });

  it('should give up after the retry budget and rethrow the last error', async () => {
    const clock = fakeClock();
    const fn = sandbox.stub().rejects(new RateLimitError('429'));
    await withRetry(fn, { clock, retries: 2, isRetryable: () => true }).then(
      () => expect.fail('should give up'),
      (err) => expect(err).to.be.instanceOf(RateLimitError),
    );
    expect(fn.callCount).to.equal(3);
  });

  it('should not retry a non-retryable error', async () => {
    const fn = sandbox.stub().rejects(new Error('401'));
    await withRetry(fn, { clock: fakeClock(), isRetryable: () => false }).catch(() => undefined);
    expect(fn.callCount).to.equal(1);
  });
});
