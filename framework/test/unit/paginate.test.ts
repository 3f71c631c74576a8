import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { paginate, type PageDemand, type PageResult } from '../../src/engine';

const IMMEDIATE_DEMAND: PageDemand = { ready: () => Promise.resolve() };

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

describe('paginate', () => {
  describe('when the first cursor is null or missing (a cursor API)', () => {
    const cursorApi = () => {
      const calls: Array<string | null> = [];
      const pages: Record<string, { items: string[]; next: string | null }> = {
        first: { items: ['a', 'b'], next: 'c2' },
        c2: { items: ['c'], next: null },
      };
      const fetchPage = async (cursor: string | null): Promise<PageResult<string, string | null>> => {
        calls.push(cursor);
        return pages[cursor ?? 'first'];
      };
      return { calls, fetchPage };
    };
    const taken = { ready: async (): Promise<void> => undefined };

    it('should fetch the first page with a null cursor and follow next until null', async () => {
      for (const initial of [null, undefined]) {
        const api = cursorApi();
        const pages = await lastValueFrom(
          paginate({ contentType: 'x', initial, demand: taken, fetchPage: api.fetchPage }).pipe(toArray()),
        );
        expect(
          pages.map((p) => [...p.items]),
          String(initial),
        ).to.deep.equal([['a', 'b'], ['c']]);
        expect(api.calls).to.deep.equal([null, 'c2']);
      }
    });
  });

  it('should fetch nothing before subscription', async () => {
    const src = pagesOf(10, 3);
    paginate({ contentType: 'x', initial: 0, demand: IMMEDIATE_DEMAND, fetchPage: src.fetchPage });
    await new Promise((r) => setImmediate(r));
    expect(src.calls).to.deep.equal([]);
  });

  it('should emit every page in order and end on an empty page', async () => {
    const src = pagesOf(10, 3);
    const pages = await lastValueFrom(
      paginate({ contentType: 'x', initial: 0, demand: IMMEDIATE_DEMAND, fetchPage: src.fetchPage }).pipe(
        toArray(),
      ),
    );
    expect(pages.map((p) => p.items.length)).to.deep.equal([3, 3, 3, 1]);
    expect(pages.map((p) => p.page)).to.deep.equal([1, 2, 3, 4]);
    expect(src.calls).to.deep.equal([0, 3, 6, 9, 10]);
  });

  it('should abort the request in flight on unsubscribe', async () => {
    let aborted = false;
    const sub = paginate<number, number>({
      contentType: 'x',
      initial: 0,
      demand: IMMEDIATE_DEMAND,
      fetchPage: (_c, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    }).subscribe({ error: () => expect.fail('a cancelled stream must not error') });
    await new Promise((r) => setImmediate(r));
    sub.unsubscribe();
    expect(aborted).to.equal(true);
  });

  it('should propagate a fetch failure as a stream error', async () => {
    const stream = paginate<number, number>({
      contentType: 'x',
      initial: 0,
      demand: IMMEDIATE_DEMAND,
      fetchPage: async () => {
        throw new Error('vendor down');
      },
    });
    await lastValueFrom(stream).then(
      () => expect.fail('should error'),
      (err) => expect((err as Error).message).to.equal('vendor down'),
    );
  });
});
