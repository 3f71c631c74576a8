import { expect } from 'chai';
import sinon from 'sinon';
import {
  CancelledError,
  createSilentLogger,
  type PageDemand,
  type CollectedPage,
} from '@connectors/framework/engine';
import { lastValueFrom, toArray } from 'rxjs';
import { acceptPage, computersStream, PagingError, type CloudOneClient, type SearchRequest } from '../../src';
import type { ComputerDto } from '../../src/internal-types';

const computers = (...ids: number[]): ComputerDto[] => ids.map((ID) => ({ ID }));
const page = (...ids: number[]): ComputerDto[] => computers(...ids);

/** One page at a time: ready once the page before was released (the host's PageGate with limit 1). */
class PageGate implements PageDemand {
  private held = 0;
  private readonly waiting: Array<() => void> = [];
  hold(): void {
    this.held++;
  }
  release(): void {
    this.held--;
    this.waiting.shift()?.();
  }
  ready(): Promise<void> {
    return this.held === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

describe('acceptPage', () => {
  it('should keep IDs above the cursor once each and advance the cursor to the largest', () => {
    const r = acceptPage(10, page(11, 12, 15), 3);
    expect([...r.items]).to.deep.equal(computers(11, 12, 15));
    expect([r.next, r.dropped]).to.deep.equal([15, 0]);
  });

  it('should drop repeats within a page and IDs at or below the cursor (the previous page)', () => {
    const r = acceptPage(10, page(9, 10, 11, 11, 12), 5);
    expect([...r.items]).to.deep.equal(computers(11, 12));
    expect([r.next, r.dropped]).to.deep.equal([12, 3]);
  });

  it('should stop a loop when a non-empty page has nothing new', () => {
    expect(() => acceptPage(10, page(3, 4, 10), 100))
      .to.throw(PagingError, /none with an ID above 10/)
      .with.property('code', 'COLLECT_NO_PROGRESS');
  });

  it('should refuse a full page out of ID order but accept a short one', () => {
    expect(() => acceptPage(0, page(5, 2, 9), 3))
      .to.throw(PagingError)
      .with.property('code', 'COLLECT_UNORDERED_PAGE');
    expect(acceptPage(0, page(5, 2, 9), 10).next).to.equal(9);
  });
});

describe('computersStream', () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  function fakeClient(pages: ComputerDto[][]): {
    client: CloudOneClient;
    calls: SearchRequest[];
  } {
    const calls: SearchRequest[] = [];
    const searchComputers = sandbox.stub().callsFake(async (req: SearchRequest) => {
      calls.push(req);
      return pages[calls.length - 1] ?? page();
    });
    return { client: { searchComputers } as unknown as CloudOneClient, calls };
  }

  it('should request nothing before subscription, then page by the last ID until an empty page', async () => {
    const { client, calls } = fakeClient([page(1, 2), page(4, 7), page(9)]);
    const stream = computersStream({
      client,
      pageSize: 2,
      expand: ['none'],
      demand: new PageGate(),
      logger: createSilentLogger(),
    });
    expect(calls).to.have.length(0);
    const pages = await lastValueFrom(stream.pipe(toArray()));
    expect(pages.map((p) => [p.page, p.contentType, [...p.items].map((c) => c.ID)])).to.deep.equal([
      [1, 'computers', [1, 2]],
      [2, 'computers', [4, 7]],
      [3, 'computers', [9]],
    ]);
    expect(calls.map((c) => [c.afterId, c.maxItems])).to.deep.equal([
      [0, 2],
      [2, 2],
      [7, 2],
      [9, 2],
    ]);
  });

  it('should fetch the next page only after downstream released the previous one', async () => {
    const { client, calls } = fakeClient([page(1), page(2), page(3)]);
    const gate = new PageGate();
    const seen: CollectedPage<ComputerDto>[] = [];
    const sub = computersStream({
      client,
      pageSize: 1,
      expand: ['none'],
      demand: gate,
      logger: createSilentLogger(),
    }).subscribe((p) => {
      gate.hold();
      seen.push(p);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect([seen.length, calls.length]).to.deep.equal([1, 1]);
    gate.release();
    await new Promise((r) => setTimeout(r, 20));
    expect([seen.length, calls.length]).to.deep.equal([2, 2]);
    sub.unsubscribe();
  });

  it('should abort the request in flight on unsubscribe and request nothing more', async () => {
    let signal: AbortSignal | undefined;
    const searchComputers = sandbox.stub().callsFake(
      (req: SearchRequest) =>
        new Promise((_, reject) => {
          signal = req.signal;
          req.signal?.addEventListener('abort', () => reject(new CancelledError()));
        }),
    );
    const client = { searchComputers } as unknown as CloudOneClient;
    const sub = computersStream({
      client,
      pageSize: 5,
      expand: ['none'],
      demand: new PageGate(),
      logger: createSilentLogger(),
    }).subscribe();
    await new Promise((r) => setTimeout(r, 10));
    expect(signal?.aborted).to.equal(false);
    sub.unsubscribe();
    expect(signal?.aborted).to.equal(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(searchComputers.callCount).to.equal(1);
  });

  it('should fail the stream on a page that makes no progress', async () => {
    const { client } = fakeClient([page(1, 2), page(1, 2)]);
    const stream = computersStream({
      client,
      pageSize: 2,
      expand: ['none'],
      demand: new PageGate(),
      logger: createSilentLogger(),
    });
    const err = await lastValueFrom(stream.pipe(toArray())).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(PagingError);
  });
});
