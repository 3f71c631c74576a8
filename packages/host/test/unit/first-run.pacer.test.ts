import { expect } from 'chai';
import { FirstRunPacer, vanDerCorput } from '../../src/scheduler/first-run.pacer';
import type { ScheduleState } from '../../src/types';
import { createFakeConnector, openTestHost, type TestHostContext } from '../helpers/test-host';

const SECOND = 1_000;
const MINUTE = 60_000;

describe('FirstRunPacer', () => {
  let t: TestHostContext | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('#firstRunAt', () => {
    it('should make a lone connector due at once and spread a burst over the window', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { windowMs: MINUTE });
      const now = t.clock.now();
      const slots = [];
      for (let i = 0; i < 4; i++) slots.push((await pacer.firstRunAt(5 * MINUTE)) - now);
      expect(slots).to.deep.equal([0, 30 * SECOND, 15 * SECOND, 45 * SECOND]);
      // After a pause, the next connector alone is due at once again.
      await t.clock.advance(2 * SECOND);
      expect(await pacer.firstRunAt(5 * MINUTE)).to.equal(t.clock.now());
    });

    it('should spread any number nearly evenly: gaps at most twice window / count', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { windowMs: MINUTE });
      const now = t.clock.now();
      const offsets: number[] = [];
      for (let i = 0; i < 500; i++) offsets.push((await pacer.firstRunAt(5 * MINUTE)) - now);
      offsets.sort((a, b) => a - b);
      expect(new Set(offsets).size).to.equal(500);
      expect(offsets[0]).to.equal(0);
      expect(offsets[499]).to.be.below(MINUTE);
      const gaps = offsets.slice(1).map((o, i) => o - offsets[i]);
      expect(Math.max(...gaps, MINUTE - offsets[499])).to.be.at.most((2 * MINUTE) / 500);
    });

    it('should keep a burst while activations come less than burstGapMs apart, within the interval', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { windowMs: 10 * MINUTE, burstGapMs: SECOND });
      const start = t.clock.now();
      expect(await pacer.firstRunAt(20 * SECOND)).to.equal(start);
      await t.clock.advance(500);
      // Same burst (500 ms after the last), window capped by the 20 s interval: its middle.
      expect(await pacer.firstRunAt(20 * SECOND)).to.equal(start + 10 * SECOND);
    });

    it('should make every first pull due at once when the window is 0', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { windowMs: 0 });
      for (let i = 0; i < 3; i++) expect(await pacer.firstRunAt(5 * MINUTE)).to.equal(t.clock.now());
    });

    it('should share the burst between hosts on one store', async () => {
      t = await openTestHost();
      const a = new FirstRunPacer(t.host.store, t.clock);
      const b = new FirstRunPacer(t.host.store, t.clock);
      const now = t.clock.now();
      expect(await a.firstRunAt(5 * MINUTE)).to.equal(now);
      expect(await b.firstRunAt(5 * MINUTE)).to.equal(now + 30 * SECOND);
    });
  });
});

describe('vanDerCorput', () => {
  it('should reverse the bits of k after the point', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(vanDerCorput)).to.deep.equal([
      0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875,
    ]);
  });
});

describe('ConnectorRegistry (first pulls spread)', () => {
  let t: TestHostContext | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('#create', () => {
    it('should pace the first pulls of connectors created together and show them in status', async () => {
      t = await openTestHost({ firstRunPacing: { windowMs: 20 * SECOND } });
      const now = t.clock.now();
      const defs = [];
      for (const name of ['one', 'two', 'three']) defs.push(await createFakeConnector(t.host, { name }));
      const due = await Promise.all(
        defs.map(async (d) => (await t!.host.store.get<ScheduleState>('schedule', d.id))!.nextRunAt),
      );
      expect(due).to.deep.equal([now, now + 10 * SECOND, now + 5 * SECOND]);
      const status = await t.host.statusOf('acme');
      expect(status.map((s) => [s.name, s.state, s.nextRunAt])).to.deep.equal([
        ['one', 'pending', now],
        ['three', 'pending', now + 5 * SECOND],
        ['two', 'pending', now + 10 * SECOND],
      ]);
    });
  });

  describe('#addToProfile', () => {
    it('should pace connectors that join a profile together', async () => {
      t = await openTestHost({ firstRunPacing: { windowMs: 20 * SECOND } });
      const now = t.clock.now();
      const a = await createFakeConnector(t.host, { name: 'a', profile: null });
      const b = await createFakeConnector(t.host, { name: 'b', profile: null });
      await t.host.connectors.addToProfile('default', 'acme', 'a');
      await t.host.connectors.addToProfile('default', 'acme', 'b');
      expect((await t.host.store.get<ScheduleState>('schedule', a.id))!.nextRunAt).to.equal(now);
      expect((await t.host.store.get<ScheduleState>('schedule', b.id))!.nextRunAt).to.equal(
        now + 10 * SECOND,
      );
    });
  });
});

describe('ConnectorHost (first pulls spread)', () => {
  let t: TestHostContext | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('#run', () => {
    it('should run a connector whose first pull is spread at once when the user asks, and then not pull again until its interval', async () => {
      t = await openTestHost();
      await createFakeConnector(t.host, { name: 'first' });
      const def = await createFakeConnector(t.host, { name: 'second' });
      expect((await t.host.store.get<ScheduleState>('schedule', def.id))!.nextRunAt).to.equal(
        t.clock.now() + 30 * SECOND,
      );
      const run = await t.host.run('acme', 'second');
      expect(run).to.include({ ok: true, trigger: 'manual', startedAt: def.createdAt });
      // The manual run was the first pull: the spread one is not kept.
      expect((await t.host.store.get<ScheduleState>('schedule', def.id))!.nextRunAt).to.equal(
        run.startedAt + 5 * MINUTE,
      );
    });
  });
});
