import { expect } from 'chai';
import { FirstRunPacer } from '../../src/scheduler/first-run.pacer';
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
    it('should make a lone connector due at once and a burst due spacingMs apart', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { spacingMs: 10 * SECOND });
      const now = t.clock.now();
      const slots = [];
      for (const id of ['a', 'b', 'c']) slots.push(await pacer.firstRunAt(id, 5 * MINUTE));
      expect(slots).to.deep.equal([now, now + 10 * SECOND, now + 20 * SECOND]);
      // Once the burst's slots have passed, the next connector alone is due at once again.
      await t.clock.advance(30 * SECOND);
      expect(await pacer.firstRunAt('d', 5 * MINUTE)).to.equal(t.clock.now());
    });

    it('should never make a first pull wait longer than the window or the interval', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, {
        spacingMs: 2 * MINUTE,
        windowMs: 10 * MINUTE,
      });
      const now = t.clock.now();
      // The interval (5 min) is shorter than the window: three paced slots fit in it (0, 2, 4 min).
      const paced = [];
      for (const id of ['a', 'b', 'c']) paced.push(await pacer.firstRunAt(id, 5 * MINUTE));
      expect(paced).to.deep.equal([now, now + 2 * MINUTE, now + 4 * MINUTE]);
      const overflow = [];
      for (let i = 0; i < 20; i++) overflow.push((await pacer.firstRunAt(`over-${i}`, 5 * MINUTE)) - now);
      for (const offset of overflow) expect(offset).to.be.within(0, 5 * MINUTE - 1);
      // Spread over the window from the ids, not piled up at its end.
      expect(new Set(overflow).size).to.be.above(15);
      // The cursor did not move past the window: the overflow is placed by id, the same id the same place.
      expect(await pacer.firstRunAt('over-3', 5 * MINUTE)).to.equal(now + overflow[3]);
    });

    it('should make every first pull due at once when spacing is 0', async () => {
      t = await openTestHost();
      const pacer = new FirstRunPacer(t.host.store, t.clock, { spacingMs: 0 });
      for (const id of ['a', 'b', 'c'])
        expect(await pacer.firstRunAt(id, 5 * MINUTE)).to.equal(t.clock.now());
    });

    it('should share the cursor between hosts on one store', async () => {
      t = await openTestHost();
      const a = new FirstRunPacer(t.host.store, t.clock);
      const b = new FirstRunPacer(t.host.store, t.clock);
      const now = t.clock.now();
      expect(await a.firstRunAt('x', 5 * MINUTE)).to.equal(now);
      expect(await b.firstRunAt('y', 5 * MINUTE)).to.equal(now + a.spacingMs);
    });
  });
});

describe('ConnectorRegistry (first pulls paced)', () => {
  let t: TestHostContext | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('#create', () => {
    it('should pace the first pulls of connectors created together and show them in status', async () => {
      t = await openTestHost({ firstRunPacing: { spacingMs: 5 * SECOND } });
      const now = t.clock.now();
      const defs = [];
      for (const name of ['one', 'two', 'three']) defs.push(await createFakeConnector(t.host, { name }));
      const due = await Promise.all(
        defs.map(async (d) => (await t!.host.store.get<ScheduleState>('schedule', d.id))!.nextRunAt),
      );
      expect(due).to.deep.equal([now, now + 5 * SECOND, now + 10 * SECOND]);
      const status = await t.host.statusOf('acme');
      expect(status.map((s) => [s.name, s.state, s.nextRunAt])).to.deep.equal([
        ['one', 'pending', now],
        ['three', 'pending', now + 10 * SECOND],
        ['two', 'pending', now + 5 * SECOND],
      ]);
    });
  });

  describe('#addToProfile', () => {
    it('should pace connectors that join a profile together', async () => {
      t = await openTestHost({ firstRunPacing: { spacingMs: 5 * SECOND } });
      const now = t.clock.now();
      const a = await createFakeConnector(t.host, { name: 'a', profile: null });
      const b = await createFakeConnector(t.host, { name: 'b', profile: null });
      await t.host.connectors.addToProfile('default', 'acme', 'a');
      await t.host.connectors.addToProfile('default', 'acme', 'b');
      expect((await t.host.store.get<ScheduleState>('schedule', a.id))!.nextRunAt).to.equal(now);
      expect((await t.host.store.get<ScheduleState>('schedule', b.id))!.nextRunAt).to.equal(now + 5 * SECOND);
    });
  });
});

describe('ConnectorHost (first pulls paced)', () => {
  let t: TestHostContext | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('#run', () => {
    it('should run a paced connector at once when the user asks, and then not pull again until its interval', async () => {
      t = await openTestHost({ firstRunPacing: { spacingMs: 30 * SECOND } });
      await createFakeConnector(t.host, { name: 'first' });
      const def = await createFakeConnector(t.host, { name: 'second' });
      expect((await t.host.store.get<ScheduleState>('schedule', def.id))!.nextRunAt).to.equal(
        t.clock.now() + 30 * SECOND,
      );
      const run = await t.host.run('acme', 'second');
      expect(run).to.include({ ok: true, trigger: 'manual', startedAt: def.createdAt });
      // The manual run was the first pull: the paced one is not kept.
      expect((await t.host.store.get<ScheduleState>('schedule', def.id))!.nextRunAt).to.equal(
        run.startedAt + 5 * MINUTE,
      );
    });
  });
});
