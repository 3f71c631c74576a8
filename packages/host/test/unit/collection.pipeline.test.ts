import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LakeSink } from '@connectors/lake';
import {
  AxiosHttpClientFactory,
  globalContainer as container,
  createSilentLogger,
  Secret,
  TOKENS,
  type PublishOptions,
  type Queue,
  type QueueEntry,
  type QueueStats,
} from '@connectors/framework/engine';
import { PageBudget } from '../../src/pipeline/page-demand';
import { ExcludeFilters, parseCondition } from '../../src/filters/log-filter';
import { runCollection, type CollectionInput } from '../../src/pipeline/collection.pipeline';
import { FakeClock, waitFor } from '../helpers/fake-clock';
import { FAKE_MANIFEST, FakeConnector, fakeControls, type FakeConfig } from '../helpers/fake.connector';

/** A queue that records publishes and can hold them (a full queue pushing back). */
class RecordingQueue implements Queue {
  readonly kind = 'recording';
  published: QueueEntry[][] = [];
  hold?: Promise<void>;
  failAfter?: number;
  async publish(entries: readonly QueueEntry[]): Promise<void> {
    if (this.hold && entries.some((e) => e.kind === 'record')) await this.hold;
    if (this.failAfter !== undefined && this.published.length >= this.failAfter)
      throw new Error('queue unavailable');
    this.published.push([...entries]);
  }
  read = async () => [];
  ack = async () => undefined;
  deadLetter = async () => undefined;
  stats = async (): Promise<QueueStats> => ({
    length: 0,
    lag: 0,
    pending: 0,
    oldestPendingIdleMs: 0,
    deadLetters: 0,
  });
  close = async () => undefined;
  get records() {
    return this.published.flat().filter((e) => e.kind === 'record');
  }
  get markers() {
    return this.published.flat().flatMap((e) => (e.kind === 'snapshot' ? [e.marker] : []));
  }
}

function connector(config: Partial<FakeConfig> = {}): { c: FakeConnector; config: FakeConfig } {
  const child = container.createChildContainer();
  child.registerInstance(TOKENS.HttpClientFactory, new AxiosHttpClientFactory({ development: true }));
  const c = child.resolve(FakeConnector).bindManifest({ ...FAKE_MANIFEST, entry: 'x' }) as FakeConnector;
  const resolved = c.configure({ apiKey: 'key-1234', count: 12, pageSize: 5, ...config }) as FakeConfig;
  return { c, config: resolved };
}

function input(
  queue: Queue,
  config: Partial<FakeConfig> = {},
  extra: Partial<CollectionInput> = {},
): CollectionInput {
  const { c, config: resolved } = connector(config);
  return {
    connector: c,
    manifest: c.manifest,
    instance: { id: 'c-1', name: 'fake one', tenant: 'acme', type: 'fake-inventory' },
    config: resolved,
    contentTypes: ['hosts'],
    queue,
    filters: new ExcludeFilters([]),
    clock: new FakeClock(),
    logger: createSilentLogger(),
    signal: new AbortController().signal,
    runId: 'run-1',
    ...extra,
  };
}

describe('runCollection', () => {
  afterEach(() => fakeControls.reset());

  it('should publish one batch per page, bracketed by snapshot markers with the count', async () => {
    const queue = new RecordingQueue();
    const result = await runCollection(input(queue));
    expect(result).to.include({ pages: 3, records: 12, filtered: 0, invalid: 0, assets: 12, complete: true });
    expect(queue.published.map((b) => b.length)).to.deep.equal([1, 5, 5, 2, 1]);
    expect(queue.markers.map((m) => [m.phase, m.complete, m.count])).to.deep.equal([
      ['start', undefined, undefined],
      ['end', true, 12],
    ]);
    const first = queue.records[0];
    expect(first.kind === 'record' && first.snapshotId).to.equal('run-1:hosts');
    expect(first.kind === 'record' && first.record).to.include({
      tenant_id: 'acme',
      msg_class: 'fake_hosts',
    });
  });

  it('should count an object a shifting page repeats once, so the lake finalizes the snapshot', async () => {
    fakeControls.pageOverlap = 1;
    const queue = new RecordingQueue();
    const result = await runCollection(input(queue));
    expect(result).to.include({ pages: 3, records: 12, complete: true });
    expect(queue.markers.find((m) => m.phase === 'end')).to.include({ count: 12 });
    const dir = mkdtempSync(path.join(tmpdir(), 'pipeline-lake-'));
    const sink = new LakeSink(dir);
    try {
      await sink.write(queue.published.flat());
      expect(sink.lake.snapshots()[0]).to.include({ state: 'finalized', seen: 12, expected: 12 });
    } finally {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should not bracket content types that yield no assets', async () => {
    const queue = new RecordingQueue();
    await runCollection(input(queue, {}, { contentTypes: ['events'] }));
    expect(queue.markers).to.have.length(0);
    expect(queue.records).to.have.length(12);
  });

  it('should fetch at most one page ahead while a page waits for the queue', async () => {
    const queue = new RecordingQueue();
    let open!: () => void;
    queue.hold = new Promise((r) => (open = r));
    const done = runCollection(input(queue));
    await waitFor(() => fakeControls.pagesFetched === 2, 2_000, 'the page ahead');
    await new Promise((r) => setTimeout(r, 30));
    expect(fakeControls.pagesFetched).to.equal(2);
    open();
    queue.hold = undefined;
    await done;
    expect(fakeControls.pagesFetched).to.equal(3);
  });

  it('should let the plugin fetch its look-ahead page before it builds the page emitted', async () => {
    const queue = new RecordingQueue();
    const fetchedAtBuild: number[] = [];
    fakeControls.onNormalize = (raw) => {
      if (raw.id % 5 === 0) fetchedAtBuild.push(fakeControls.pagesFetched);
    };
    await runCollection(input(queue));
    // Page 1 is built once page 2 was fetched, page 2 once page 3 was: the fetch overlaps the build.
    expect(fetchedAtBuild).to.deep.equal([2, 3, 3]);
  });

  it('should not fetch the next page before the previous one was published with pagesInFlight 1', async () => {
    const queue = new RecordingQueue();
    let open!: () => void;
    queue.hold = new Promise((r) => (open = r));
    const done = runCollection(input(queue, {}, { pagesInFlight: 1 }));
    await waitFor(() => fakeControls.pagesFetched === 1, 2_000, 'the first page');
    await new Promise((r) => setTimeout(r, 30));
    expect(fakeControls.pagesFetched).to.equal(1);
    open();
    queue.hold = undefined;
    await done;
    expect(fakeControls.pagesFetched).to.equal(3);
  });

  it('should drop what the exclude filters match before the queue and count it', async () => {
    const queue = new RecordingQueue();
    const filters = new ExcludeFilters([
      { name: 'windows', conditions: [parseCondition('host.os.full contains windows')] },
    ]);
    const result = await runCollection(input(queue, {}, { filters }));
    expect(result).to.include({ records: 6, filtered: 6 });
    expect(result.byContentType.hosts).to.deep.equal({ pages: 3, records: 6, filtered: 6 });
    expect(
      queue.records.every(
        (e) =>
          e.kind === 'record' &&
          !String((e.record.host as { os: { full: string } }).os.full).includes('Windows'),
      ),
    ).to.equal(true);
    expect(queue.markers[1]).to.include({ count: 6, complete: true });
  });

  it('should count objects that cannot be normalized and mark the snapshot incomplete', async () => {
    const queue = new RecordingQueue();
    const result = await runCollection(input(queue, { invalidEvery: 4 }));
    expect(result).to.include({ invalid: 3, records: 9, complete: false });
    expect(queue.markers[1]).to.include({ complete: false, count: 9 });
  });

  it('should end an interrupted snapshot as incomplete and rethrow the fault', async () => {
    const queue = new RecordingQueue();
    fakeControls.failCollect = true;
    let thrown: unknown;
    await runCollection(input(queue)).catch((e) => (thrown = e));
    expect(thrown).to.have.property('code', 'AUTHENTICATION_FAILED');
    expect(queue.markers.map((m) => [m.phase, m.complete])).to.deep.equal([
      ['start', undefined],
      ['end', false],
    ]);
  });

  it('should stop paging when the run is cancelled', async () => {
    const queue = new RecordingQueue();
    let open!: () => void;
    fakeControls.pageGate = new Promise((r) => (open = r));
    const controller = new AbortController();
    const done = runCollection(input(queue, {}, { signal: controller.signal })).catch((e) => e);
    await waitFor(() => fakeControls.collectsStarted === 1);
    controller.abort();
    open();
    const err = await done;
    expect(err).to.have.property('code', 'CANCELLED');
    expect(fakeControls.pagesFetched).to.equal(0);
  });

  it('should give up the end marker of a cancelled run after settleMs while the queue does not take it', async () => {
    // A queue that is down or full: a publish waits until its signal is aborted, or forever without one.
    const queue = new RecordingQueue();
    let hung = 0;
    queue.publish = async (entries: readonly QueueEntry[], options?: PublishOptions) => {
      if (entries.some((e: QueueEntry) => e.kind === 'snapshot' && e.marker.phase === 'end')) {
        hung++;
        await new Promise((_, reject) =>
          options?.signal?.addEventListener('abort', () => reject(new Error('gave up')), { once: true }),
        );
      }
    };
    let open!: () => void;
    fakeControls.pageGate = new Promise((r) => (open = r));
    const controller = new AbortController();
    const done = runCollection(input(queue, {}, { signal: controller.signal, settleMs: 50 })).catch((e) => e);
    await waitFor(() => fakeControls.collectsStarted === 1);
    controller.abort();
    open();
    const err = await Promise.race([done, new Promise((r) => setTimeout(() => r('still waiting'), 2_000))]);
    expect(err).to.have.property('code', 'CANCELLED');
    expect(hung).to.equal(1);
  });

  describe('with a page budget', () => {
    it('should wait for a permit before fetching the first page', async () => {
      const queue = new RecordingQueue();
      const budget = new PageBudget(1);
      await budget.acquire(); // another run holds the only permit
      const done = runCollection(input(queue, {}, { pageBudget: budget }));
      await waitFor(() => budget.waiting === 1, 2_000, 'the run to wait for a permit');
      await new Promise((r) => setTimeout(r, 30));
      expect(fakeControls.collectsStarted).to.equal(0);
      expect(fakeControls.pagesFetched).to.equal(0);
      budget.release();
      const result = await done;
      expect(result).to.include({ pages: 3, records: 12, complete: true });
      expect(budget.inUse).to.equal(0);
    });

    it('should not fetch ahead while the page held has the only permit', async () => {
      const queue = new RecordingQueue();
      let open!: () => void;
      queue.hold = new Promise((r) => (open = r));
      const budget = new PageBudget(1);
      const done = runCollection(input(queue, {}, { pageBudget: budget }));
      await waitFor(() => fakeControls.pagesFetched === 1, 2_000, 'the first page');
      await new Promise((r) => setTimeout(r, 30));
      expect(fakeControls.pagesFetched).to.equal(1);
      expect(budget.inUse).to.equal(1);
      open();
      queue.hold = undefined;
      await done;
      expect(fakeControls.pagesFetched).to.equal(3);
      expect(budget.inUse).to.equal(0);
    });

    it('should return the permit taken for a fetch that found no data', async () => {
      const queue = new RecordingQueue();
      const budget = new PageBudget(4);
      const result = await runCollection(input(queue, { count: 0 }, { pageBudget: budget }));
      expect(result).to.include({ pages: 0, records: 0, complete: true });
      expect(fakeControls.pagesFetched).to.equal(1);
      expect(budget.inUse).to.equal(0);
    });

    it('should return every permit of a failed run', async () => {
      const queue = new RecordingQueue();
      const budget = new PageBudget(4);
      fakeControls.failCollect = true;
      const err = await runCollection(input(queue, {}, { pageBudget: budget })).catch((e) => e);
      expect(err).to.have.property('code', 'AUTHENTICATION_FAILED');
      expect(budget.inUse).to.equal(0);
    });

    it('should return every permit of a run cancelled while pages are held', async () => {
      const queue = new RecordingQueue();
      queue.hold = new Promise(() => undefined); // the queue never takes the page
      const budget = new PageBudget(4);
      const controller = new AbortController();
      const done = runCollection(input(queue, {}, { pageBudget: budget, signal: controller.signal })).catch(
        (e) => e,
      );
      await waitFor(() => fakeControls.pagesFetched === 2, 2_000, 'a page held and one ahead');
      expect(budget.inUse).to.equal(2);
      controller.abort();
      expect(await done).to.have.property('code', 'CANCELLED');
      expect(budget.inUse).to.equal(0);
    });

    it('should cancel a run waiting for its first permit without taking one', async () => {
      const queue = new RecordingQueue();
      const budget = new PageBudget(1);
      await budget.acquire();
      const controller = new AbortController();
      const done = runCollection(input(queue, {}, { pageBudget: budget, signal: controller.signal })).catch(
        (e) => e,
      );
      await waitFor(() => budget.waiting === 1, 2_000, 'the run to wait for a permit');
      controller.abort();
      expect(await done).to.have.property('code', 'CANCELLED');
      expect(budget.waiting).to.equal(0);
      expect(budget.inUse).to.equal(1);
      expect(fakeControls.collectsStarted).to.equal(0);
      expect(queue.markers.map((m) => [m.phase, m.complete])).to.deep.equal([
        ['start', undefined],
        ['end', false],
      ]);
    });
  });

  it('should keep secrets out of published records', async () => {
    const queue = new RecordingQueue();
    await runCollection(input(queue));
    expect(JSON.stringify(queue.published)).not.to.contain('key-1234');
    expect(new Secret('x').toJSON()).to.equal('[REDACTED]');
  });
});
