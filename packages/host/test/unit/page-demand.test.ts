import { expect } from 'chai';
import { concatMap, from, finalize, tap } from 'rxjs';
import { CancelledError, paginate, type PageResult } from '@connectors/framework/engine';
import { PageBudget, PageGate } from '../../src/pipeline/page-demand';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await tick();
}

/** Where a promise stands without waiting for it. */
/** A run's fetch of one page: it asks for demand, then emits the page, which it holds. */
async function fetchPage(gate: PageGate): Promise<void> {
  await gate.ready();
  gate.hold();
}

function track(p: Promise<unknown>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const t: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  p.then(
    () => (t.state = 'resolved'),
    (err) => {
      t.state = 'rejected';
      t.error = err;
    },
  );
  return t;
}

interface RunOptions {
  items: number;
  pageSize: number;
  /** Fails the fetch of this page (1-based). */
  failAt?: number;
  /** Publishing a page takes this many event-loop turns. */
  publishTurns?: number;
  onFetch?(): void;
}

/**
 * One collection run as the host's pipeline drives it: the first permit before subscribing, `hold()`
 * at emission, `release()` once "published", `close()` at the end whatever happened.
 */
async function collectRun(budget: PageBudget, o: RunOptions): Promise<{ items: number[]; gate: PageGate }> {
  const gate = new PageGate(2, budget);
  const items: number[] = [];
  const fetchPage = async (cursor: number): Promise<PageResult<number, number>> => {
    o.onFetch?.();
    await tick();
    if (o.failAt !== undefined && cursor / o.pageSize + 1 === o.failAt) throw new Error('vendor down');
    const n = Math.max(0, Math.min(o.pageSize, o.items - cursor));
    return { items: Array.from({ length: n }, (_, i) => cursor + i), next: n ? cursor + n : null };
  };
  try {
    await gate.ready();
    await new Promise<void>((resolve, reject) => {
      paginate({ contentType: 'x', initial: 0, demand: gate, fetchPage })
        .pipe(
          tap(() => gate.hold()),
          concatMap((page) =>
            from(
              (async () => {
                for (let i = 0; i < (o.publishTurns ?? 1); i++) await tick();
                items.push(...page.items);
              })(),
            ).pipe(finalize(() => gate.release())),
          ),
        )
        .subscribe({ error: reject, complete: resolve });
    });
  } finally {
    gate.close();
  }
  return { items, gate };
}

describe('PageBudget', () => {
  describe('#constructor', () => {
    it('should refuse a size that is not a whole number ≥ 1', () => {
      expect(() => new PageBudget(0)).to.throw(RangeError, /≥ 1, got 0/);
      expect(() => new PageBudget(1.5)).to.throw(RangeError, /got 1.5/);
    });
  });

  describe('#acquire', () => {
    it('should take a free permit at once', async () => {
      const budget = new PageBudget(2);
      await budget.acquire();
      expect(budget.inUse).to.equal(1);
      expect(budget.waiting).to.equal(0);
    });

    it('should wait while every permit is taken and serve waiters in arrival order', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      const order: string[] = [];
      const a = budget.acquire().then(() => order.push('a'));
      const b = budget.acquire().then(() => order.push('b'));
      await settle();
      expect(order).to.deep.equal([]);
      expect(budget.waiting).to.equal(2);
      budget.release();
      await a;
      expect(order).to.deep.equal(['a']);
      expect(budget.inUse).to.equal(1);
      budget.release();
      await b;
      expect(order).to.deep.equal(['a', 'b']);
    });

    it('should reject with the abort reason and take nothing when aborted while waiting', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      const controller = new AbortController();
      const aborted = track(budget.acquire(controller.signal));
      const next = track(budget.acquire());
      await settle();
      const reason = new CancelledError('the run was cancelled');
      controller.abort(reason);
      await settle();
      expect(aborted).to.deep.equal({ state: 'rejected', error: reason });
      expect(budget.waiting).to.equal(1);
      budget.release();
      await settle();
      expect(next.state, 'the permit goes to the waiter that stayed').to.equal('resolved');
      expect(budget.inUse).to.equal(1);
    });

    it('should reject at once when the signal is already aborted', async () => {
      const budget = new PageBudget(3);
      const reason = new Error('stopping');
      const controller = new AbortController();
      controller.abort(reason);
      await budget.acquire(controller.signal).then(
        () => expect.fail('should reject'),
        (err) => expect(err).to.equal(reason),
      );
      expect(budget.inUse).to.equal(0);
    });
  });

  describe('#tryAcquire', () => {
    it('should take a permit only while one is free', () => {
      const budget = new PageBudget(2);
      expect(budget.tryAcquire()).to.equal(true);
      expect(budget.tryAcquire()).to.equal(true);
      expect(budget.tryAcquire()).to.equal(false);
      expect(budget.inUse).to.equal(2);
    });
  });

  describe('#take', () => {
    it('should count a page above the size and keep waiters waiting until the budget is back under it', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      budget.take();
      expect(budget.inUse).to.equal(2);
      const waiter = track(budget.acquire());
      budget.release();
      await settle();
      expect(waiter.state).to.equal('pending');
      budget.release();
      await settle();
      expect(waiter.state).to.equal('resolved');
      expect(budget.inUse).to.equal(1);
    });
  });

  describe('#release', () => {
    it('should refuse a release without a permit taken', () => {
      expect(() => new PageBudget(1).release()).to.throw(RangeError, /without a permit/);
    });
  });
});

describe('PageGate', () => {
  describe('#ready', () => {
    it('should be bound by its limit alone without a budget', async () => {
      const gate = new PageGate(1);
      await fetchPage(gate);
      const next = track(gate.ready());
      await settle();
      expect(next.state).to.equal('pending');
      gate.release();
      await settle();
      expect(next.state).to.equal('resolved');
    });

    it('should wait for a permit before the first fetch when none is free', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      const gate = new PageGate(2, budget);
      const first = track(gate.ready());
      await settle();
      expect(first.state).to.equal('pending');
      expect(budget.waiting).to.equal(1);
      budget.release();
      await settle();
      expect(first.state).to.equal('resolved');
      expect(gate.permits).to.equal(1);
    });

    it('should take a look-ahead permit while one is free', async () => {
      const budget = new PageBudget(4);
      const gate = new PageGate(2, budget);
      await fetchPage(gate);
      await gate.ready();
      expect(gate.permits).to.equal(2);
      expect(budget.inUse).to.equal(2);
    });

    it('should not queue for a look-ahead permit while holding a page, and fetch once its page is published', async () => {
      const budget = new PageBudget(2);
      const gate = new PageGate(2, budget);
      await fetchPage(gate);
      await budget.acquire(); // another run takes the last permit
      const other = track(budget.acquire()); // and a third waits for one
      const ahead = track(gate.ready());
      await settle();
      expect(ahead.state).to.equal('pending');
      expect(budget.waiting, 'only the other run is in the queue').to.equal(1);
      gate.release();
      await settle();
      expect(ahead.state, 'the published page passes its permit to the next fetch').to.equal('resolved');
      expect(other.state).to.equal('pending');
      expect(gate.permits).to.equal(1);
      expect(budget.inUse).to.equal(2);
    });

    it('should give a freed permit back to the budget when the run still holds a page', async () => {
      const budget = new PageBudget(3);
      const gate = new PageGate(2, budget);
      await fetchPage(gate);
      await gate.ready();
      gate.hold(); // two pages held: the limit
      await budget.acquire(); // the last permit goes elsewhere
      const waiter = track(budget.acquire()); // a run holding nothing waits
      const next = track(gate.ready());
      gate.release();
      await settle();
      expect(waiter.state, 'the run holding nothing gets the permit').to.equal('resolved');
      expect(next.state, 'this run waits for its other page').to.equal('pending');
      gate.release();
      await settle();
      expect(next.state).to.equal('resolved');
      expect(gate.permits).to.equal(1);
    });

    it('should reject with the abort reason and take nothing when aborted while waiting for a permit', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      const gate = new PageGate(2, budget);
      const controller = new AbortController();
      const first = track(gate.ready(controller.signal));
      await settle();
      const reason = new CancelledError('unsubscribed');
      controller.abort(reason);
      await settle();
      expect(first).to.deep.equal({ state: 'rejected', error: reason });
      expect(budget.waiting).to.equal(0);
      expect(gate.permits).to.equal(0);
      budget.release();
      expect(budget.inUse).to.equal(0);
    });

    it('should refuse once the gate is closed, and hand back a permit granted after it', async () => {
      const budget = new PageBudget(1);
      await budget.acquire();
      const gate = new PageGate(2, budget);
      const first = track(gate.ready());
      await settle();
      gate.close();
      budget.release(); // the permit reaches the closed gate's waiting ready()
      await settle();
      expect(first.state).to.equal('rejected');
      expect(first.error).to.be.instanceOf(CancelledError);
      expect(budget.inUse).to.equal(0);
      await gate.ready().then(
        () => expect.fail('should refuse'),
        (err) => expect(err).to.be.instanceOf(CancelledError),
      );
    });
  });

  describe('#hold', () => {
    it('should count a page fetched without asking against the budget', async () => {
      const budget = new PageBudget(1);
      const gate = new PageGate(2, budget);
      await fetchPage(gate);
      gate.hold(); // e.g. the first page of a second content type
      expect(budget.inUse).to.equal(2);
      gate.release();
      gate.release();
      expect(budget.inUse).to.equal(0);
    });
  });

  describe('#close', () => {
    it('should return the permit of a fetch that found no more data', async () => {
      const budget = new PageBudget(4);
      const { items, gate } = await collectRun(budget, { items: 25, pageSize: 10 });
      expect(items).to.have.length(25);
      expect(gate.permits).to.equal(0);
      expect(budget.inUse).to.equal(0);
    });

    it('should return the permits of a run whose fetch failed', async () => {
      const budget = new PageBudget(4);
      const err = await collectRun(budget, { items: 100, pageSize: 10, failAt: 3 }).catch((e: Error) => e);
      expect(err).to.have.property('message', 'vendor down');
      expect(budget.inUse).to.equal(0);
    });

    it('should return the permits of a cancelled run, pages held included', async () => {
      const budget = new PageBudget(4);
      const gate = new PageGate(2, budget);
      await gate.ready();
      const sub = paginate<number, number>({
        contentType: 'x',
        initial: 0,
        demand: gate,
        fetchPage: async (cursor) => ({ items: [cursor], next: cursor + 1 }),
      })
        .pipe(tap(() => gate.hold()))
        .subscribe(); // never published: two pages held, the gate at its limit
      await settle();
      expect(gate.held).to.equal(2);
      expect(budget.inUse).to.equal(2);
      sub.unsubscribe();
      gate.close();
      expect(budget.inUse).to.equal(0);
      gate.release(); // a late finalize must not return a permit twice
      gate.close();
      expect(budget.inUse).to.equal(0);
    });
  });

  describe('with runs sharing a budget', () => {
    it('should complete every run with every item when 8 runs share 3 permits, never above 3', async () => {
      const budget = new PageBudget(3);
      let peak = 0;
      const onFetch = (): void => {
        peak = Math.max(peak, budget.inUse);
      };
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          collectRun(budget, { items: 40 + i * 7, pageSize: 10, publishTurns: 1 + (i % 3), onFetch }),
        ),
      );
      runs.forEach((r, i) => expect(r.items, `run ${i}`).to.have.length(40 + i * 7));
      expect(peak).to.be.at.most(3);
      expect(budget.inUse).to.equal(0);
      expect(budget.waiting).to.equal(0);
    });

    it('should not deadlock with one permit for several runs', async () => {
      const budget = new PageBudget(1);
      const runs = await Promise.all(
        Array.from({ length: 5 }, () => collectRun(budget, { items: 30, pageSize: 7 })),
      );
      expect(runs.map((r) => r.items.length)).to.deep.equal([30, 30, 30, 30, 30]);
      expect(budget.inUse).to.equal(0);
    });

    it('should let runs that hold nothing start in arrival order', async () => {
      const budget = new PageBudget(1);
      const started: number[] = [];
      await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          collectRun(budget, {
            items: 12,
            pageSize: 5,
            onFetch: () => {
              if (!started.includes(i)) started.push(i);
            },
          }),
        ),
      );
      expect(started).to.deep.equal([0, 1, 2, 3]);
    });
  });
});

function pagesOf(total: number, size: number) {
  const calls: number[] = [];
  const fetchPage = async (cursor: number): Promise<PageResult<number, number>> => {
    calls.push(cursor);
    const items = Array.from(
      { length: Math.max(0, Math.min(size, total - cursor)) },
      (_, i) => cursor + i + 1,
    );
    return { items, next: items.length ? cursor + items.length : null };
  };
  return { calls, fetchPage };
}

describe('PageGate with paginate', () => {
  it('should request the next page only when downstream has taken the previous one', async () => {
    const src = pagesOf(100, 10);
    const gate = new PageGate();
    const seen: number[] = [];
    const sub = paginate({ contentType: 'x', initial: 0, demand: gate, fetchPage: src.fetchPage }).subscribe(
      (p) => {
        gate.hold();
        seen.push(p.page);
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).to.deep.equal([1]);
    expect(src.calls).to.have.length(1);
    gate.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).to.deep.equal([1, 2]);
    sub.unsubscribe();
  });

  it('should fetch one page ahead with a gate limit of 2, and no further', async () => {
    const src = pagesOf(100, 10);
    const gate = new PageGate(2);
    const seen: number[] = [];
    const sub = paginate({ contentType: 'x', initial: 0, demand: gate, fetchPage: src.fetchPage }).subscribe(
      (p) => {
        gate.hold();
        seen.push(p.page);
      },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).to.deep.equal([1, 2]);
    expect(src.calls).to.have.length(2);
    gate.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(gate.held).to.equal(2);
    sub.unsubscribe();
  });

  it('should refuse a gate limit below 1', () => {
    expect(() => new PageGate(0)).to.throw(RangeError, /≥ 1/);
  });
});
