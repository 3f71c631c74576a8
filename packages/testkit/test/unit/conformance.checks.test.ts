import { expect } from 'chai';
import { Secret, type TestResult } from '@connectors/framework/engine';
import { blankPaths, leakedSecrets, renderings, stepShapeProblems, valueAt } from '../../src';
import { likelyPagingCause } from '../../src/conformance.checks';

describe('conformance checks', () => {
  describe('blankPaths', () => {
    it('should name every blank value by its path', () => {
      const record = { a: 1, b: '', c: { d: null, e: [] as unknown[], f: ['x', ' '] }, g: {} };
      expect(blankPaths(record)).to.deep.equal(['b', 'c.d', 'c.e', 'c.f[1]', 'g']);
    });

    it('should accept zero and false as values', () => {
      expect(blankPaths({ n: 0, ok: false })).to.deep.equal([]);
    });
  });

  describe('valueAt', () => {
    it('should read a dot path and give undefined for a missing one', () => {
      expect(valueAt({ auth: { apiKey: 'k' } }, 'auth.apiKey')).to.equal('k');
      expect(valueAt({ auth: 'x' }, 'auth.apiKey')).to.equal(undefined);
    });
  });

  describe('leakedSecrets', () => {
    it('should name the fields whose values appear, never the values', () => {
      const secrets = new Map([
        ['apiKey', 'sk-live-123456'],
        ['password', 'hunter2-long'],
      ]);
      expect(leakedSecrets('key sk-live-123456 in a URL', secrets)).to.deep.equal(['apiKey']);
    });
  });

  describe('renderings', () => {
    it('should render through JSON, inspect and String, and keep a Secret redacted', () => {
      const text = renderings({ apiKey: new Secret('sk-live-123456'), nested: { n: 1 } });
      expect(text).to.contain('"nested":{"n":1}').and.contain('[REDACTED]');
      expect(text).to.not.contain('sk-live-123456');
    });

    it('should include an error hint', () => {
      const err = Object.assign(new Error('boom'), { hint: 'use sk-live-123456' });
      expect(renderings(err)).to.contain('use sk-live-123456');
    });
  });

  describe('stepShapeProblems', () => {
    const result = (statuses: Array<'passed' | 'failed' | 'skipped'>, detail = 'why'): TestResult => ({
      ok: false,
      summary: 'failed',
      durationMs: 1,
      steps: statuses.map((status, i) => ({
        id: `s${i}`,
        title: `S${i}`,
        status,
        durationMs: 0,
        ...(status === 'failed' ? { detail } : {}),
      })),
    });

    it('should accept passed steps, one failed, then skipped ones', () => {
      expect(stepShapeProblems(result(['passed', 'failed', 'skipped']))).to.deep.equal([]);
    });

    it('should report steps out of order and a failure without detail', () => {
      expect(stepShapeProblems(result(['skipped', 'failed', 'passed'], ''))).to.deep.equal([
        'a step before the failed one did not pass',
        'a step after the failed one was not skipped',
        'the failed step "s1" has no detail',
      ]);
      expect(stepShapeProblems(result(['passed', 'passed']))).to.deep.equal(['no step has status "failed"']);
    });
  });

  describe('likelyPagingCause', () => {
    it('should point a run that fetched and emitted nothing at the items path and the first cursor, not the page size', () => {
      const cause = likelyPagingCause({ contentType: 'events', pages: 0, requests: 1 });
      expect(cause)
        .to.match(/first cursor of null/)
        .and.match(/items path/);
      expect(cause).to.not.match(/page size/);
    });

    it('should name the next cursor and the page size for a single page, and the factory for no request', () => {
      expect(likelyPagingCause({ contentType: 'events', pages: 1, requests: 1 }))
        .to.match(/next: null/)
        .and.match(/page size/);
      expect(likelyPagingCause({ contentType: 'events', pages: 0, requests: 0 })).to.match(
        /HttpClientFactory/,
      );
    });
  });
});
