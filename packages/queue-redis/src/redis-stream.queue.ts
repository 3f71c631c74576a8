import Redis, { type RedisOptions } from 'ioredis';
import {
  abortReason,
  backoffDelay,
  ConnectorError,
  createSilentLogger,
  type Delivery,
  type Logger,
  type PublishOptions,
  type Queue,
  type QueueEntry,
  type QueueStats,
  type ReadOptions,
} from '@connectors/framework/engine';
import { decodeEntry, encodeEntry, rawFields } from './entry.codec';
import { isOom, isTransient, replyCode, unavailable } from './redis.errors';
import { ACK_SCRIPT, DEAD_LETTER_SCRIPT, FORGET_CONSUMERS_SCRIPT, TRIM_ACKED_SCRIPT } from './redis.scripts';
import { streamKeys } from './stream.keys';
import type {
  RedisDeadLetter,
  RedisQueueFigures,
  RedisServerCapabilities,
  RedisStreamQueueOptions,
  StreamKeys,
} from './types';

type StreamReply = Array<[string, Array<[string, string[] | null]>]> | null;
type ScriptRunner = Redis & {
  queueAck(stream: string, bytes: string, ...args: string[]): Promise<number>;
  queueDeadLetter(stream: string, bytes: string, dead: string, ...args: string[]): Promise<number>;
  queueTrimAcked(stream: string, bytes: string, ...args: string[]): Promise<number>;
  queueForgetConsumers(stream: string, ...args: string[]): Promise<number>;
};

interface ConsumerState {
  /** Still reading this consumer's own pending entries (from `cursor`) left by a previous run. */
  recovering: boolean;
  cursor: string;
  lastClaimAt: number;
  blocking?: Redis;
  blockingId?: number;
}

const RELEASED_IDLE_MS = 86_400_000;
const DEFAULT_CONSUMER_TTL_MS = 10 * 60_000;
const SIZE_MEMORY = 100_000;

const DEFAULTS = {
  url: 'redis://127.0.0.1:6379',
  group: 'ingest',
  maxEntries: 100_000,
  maxBytes: 256 * 1024 * 1024,
  claimIdleMs: 60_000,
  maxDeliveries: 5,
  backpressurePollMs: 100,
  reconnectCapMs: 2_000,
  connectTimeoutMs: 10_000,
  waitAofTimeoutMs: 2_000,
  blockTimeoutGraceMs: 5_000,
  housekeepingMs: 60_000,
};

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function closedError(): ConnectorError {
  return new ConnectorError('QUEUE_CLOSED', 'the redis queue is closed', {
    hint: 'The host is shutting down; entries not yet published were not accepted.',
  });
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * The framework's queue contract on a Redis Stream with a consumer group.
 *
 * Producer: `publish` sends one pipelined `MULTI` of `XADD`s plus the byte-counter increment, after
 * checking the backlog (entries and payload bytes) against its bounds; at the bound, or when Redis
 * answers `-OOM`, it waits. Nothing is ever trimmed to make room. Consumers: `XREADGROUP … BLOCK`
 * on a connection per consumer; own pending entries re-read on the first read; a janitor
 * (`XAUTOCLAIM`) takes over entries idle past `claimIdleMs`; `ack` runs `XACK` + `XDEL` atomically;
 * entries delivered more than `maxDeliveries` times go to the dead-letter stream with a reason.
 *
 * ioredis is configured so nothing is buffered or resent behind our back: no offline queue (a
 * command while disconnected fails at once and `publish` keeps holding its one batch until Redis is
 * back) and no automatic resend of unanswered commands (`publish` re-sends the whole batch itself; a
 * batch whose reply was lost may then be stored twice, which idempotent record ids absorb).
 */
export class RedisStreamQueue implements Queue {
  readonly kind = 'redis';
  readonly keys: StreamKeys;
  readonly group: string;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly claimIdleMs: number;
  readonly claimIntervalMs: number;
  readonly maxDeliveries: number;
  capabilities: RedisServerCapabilities = { version: 'unknown', waitAof: false, xackdel: false };

  private readonly cmd: ScriptRunner;
  private readonly options: RedisStreamQueueOptions;
  private readonly logger: Logger;
  private readonly consumers = new Map<string, ConsumerState>();
  private claimCursor = '0-0';
  private closed = false;
  private readonly closing = new AbortController();
  private warnedWaitAof = false;
  private known?: { length: number; bytes: number };
  private readonly sizes = new Map<string, number>();
  private readonly housekeepingMs: number;
  private readonly consumerTtlMs: number;
  /** 0: the first read of a process does the housekeeping, so consumers of crashed workers go soon. */
  private lastHousekeeping = 0;
  private readonly counters: RedisQueueFigures = {
    published: 0,
    publishRetries: 0,
    backpressureWaits: 0,
    oomWaits: 0,
    waitedMs: 0,
    claimed: 0,
    deadLettered: 0,
    maxInFlightEntries: 0,
    inFlightEntries: 0,
  };

  private constructor(options: RedisStreamQueueOptions) {
    this.options = options;
    this.keys = streamKeys(options.stream);
    this.group = options.group ?? DEFAULTS.group;
    this.maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
    this.maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
    this.claimIdleMs = options.claimIdleMs ?? DEFAULTS.claimIdleMs;
    this.claimIntervalMs = options.claimIntervalMs ?? Math.min(Math.ceil(this.claimIdleMs / 2), 5_000);
    this.maxDeliveries = options.maxDeliveries ?? DEFAULTS.maxDeliveries;
    this.housekeepingMs = options.housekeepingMs ?? DEFAULTS.housekeepingMs;
    // Removing a live consumer that holds nothing is harmless (its next read recreates it).
    this.consumerTtlMs = options.consumerTtlMs ?? Math.max(DEFAULT_CONSUMER_TTL_MS, 2 * this.claimIdleMs);
    this.logger = (options.logger ?? createSilentLogger()).child({
      component: 'queue-redis',
      stream: this.keys.stream,
    });
    for (const [name, value] of Object.entries({
      maxEntries: this.maxEntries,
      maxBytes: this.maxBytes,
      claimIdleMs: this.claimIdleMs,
      maxDeliveries: this.maxDeliveries,
    })) {
      if (!Number.isFinite(value) || value <= 0) {
        throw new ConnectorError('QUEUE_OPTION_INVALID', `${name} must be a positive number, got ${value}`);
      }
    }
    this.cmd = new Redis(options.url ?? DEFAULTS.url, this.connectionOptions('cmd')) as ScriptRunner;
    this.cmd.defineCommand('queueAck', { numberOfKeys: 2, lua: ACK_SCRIPT });
    this.cmd.defineCommand('queueDeadLetter', { numberOfKeys: 3, lua: DEAD_LETTER_SCRIPT });
    this.cmd.defineCommand('queueTrimAcked', { numberOfKeys: 2, lua: TRIM_ACKED_SCRIPT });
    this.cmd.defineCommand('queueForgetConsumers', { numberOfKeys: 1, lua: FORGET_CONSUMERS_SCRIPT });
    this.cmd.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'redis connection error'));
  }

  /** Connects, checks the server (Redis 7.0 or newer) and creates the consumer group if needed. */
  static async connect(options: RedisStreamQueueOptions): Promise<RedisStreamQueue> {
    const queue = new RedisStreamQueue(options);
    try {
      await queue.cmd.connect().catch(() => undefined);
      await queue.waitReady(queue.cmd, undefined, options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs);
      await queue.detectServer();
      await queue.ensureGroup();
      return queue;
    } catch (err) {
      await queue.close();
      throw err;
    }
  }

  get figures(): RedisQueueFigures {
    return { ...this.counters };
  }

  private connectionOptions(role: 'cmd' | 'blocking'): RedisOptions {
    const cap = this.options.reconnectCapMs ?? DEFAULTS.reconnectCapMs;
    return {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      enableReadyCheck: true,
      connectionName: `connectors-queue-${role}`,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), cap),
      // A blocked XREADGROUP may legitimately wait longer than any command timeout.
      commandTimeout: role === 'cmd' ? 30_000 : undefined,
      ...this.options.redis,
    };
  }

  private async detectServer(): Promise<void> {
    const info = (await this.cmd.info('server')) as string;
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '0.0.0';
    if (!versionAtLeast(version, 7, 0)) {
      throw new ConnectorError('QUEUE_REDIS_TOO_OLD', `Redis ${version} is too old for the stream queue`, {
        hint: 'Use Redis 7.0 or newer (XAUTOCLAIM with deleted-entry cleanup and Lua script flags).',
      });
    }
    const has = async (command: string): Promise<boolean> => {
      const reply = (await this.cmd.call('COMMAND', 'INFO', command)) as unknown[];
      return Array.isArray(reply) && reply[0] !== null && reply[0] !== undefined;
    };
    this.capabilities = { version, waitAof: await has('waitaof'), xackdel: await has('xackdel') };
    this.logger.debug({ capabilities: this.capabilities }, 'redis server detected');
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From id 0, so entries published before the group existed are not skipped.
      await this.cmd.xgroup('CREATE', this.keys.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (replyCode(err) !== 'BUSYGROUP') throw err;
    }
  }

  /** Resolves once `conn` is connected and ready (AOF loaded), or rejects on abort, close or timeout. */
  private async waitReady(conn: Redis, signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    const started = Date.now();
    while (conn.status !== 'ready') {
      if (this.closed) throw closedError();
      if (signal?.aborted) throw abortReason(signal);
      if (conn.status === 'end' || conn.status === 'wait') conn.connect().catch(() => undefined);
      if (timeoutMs !== undefined && Date.now() - started >= timeoutMs) {
        throw new ConnectorError('QUEUE_UNAVAILABLE', `Redis did not become ready within ${timeoutMs} ms`, {
          hint: `Check that Redis runs at ${this.options.url ?? DEFAULTS.url} and accepts connections.`,
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 50);
        function done(): void {
          clearTimeout(timer);
          conn.removeListener('ready', done);
          resolve();
        }
        conn.once('ready', done);
      });
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Producer

  async publish(entries: readonly QueueEntry[], options: PublishOptions = {}): Promise<void> {
    if (entries.length === 0) return;
    if (this.closed) throw closedError();
    const encoded = entries.map(encodeEntry);
    let bytes = 0;
    for (const e of encoded) bytes += e.bytes;
    const payloads = encoded.map((e) => e.fields);
    this.counters.inFlightEntries += payloads.length;
    this.counters.maxInFlightEntries = Math.max(
      this.counters.maxInFlightEntries,
      this.counters.inFlightEntries,
    );
    const signal = this.combine(options.signal);
    try {
      let failures = 0;
      let waits = 0;
      for (;;) {
        if (this.closed) throw closedError();
        try {
          await this.waitReady(this.cmd, signal);
          if (!this.roomKnown(payloads.length, bytes) && !(await this.hasRoom(payloads.length, bytes))) {
            this.counters.backpressureWaits++;
            await this.waitForRoom(waits++, signal);
            continue;
          }
          const multi = this.cmd.multi();
          for (const fields of payloads) multi.xadd(this.keys.stream, '*', ...fields);
          multi.incrby(this.keys.bytes, bytes);
          multi.xlen(this.keys.stream);
          const results = await multi.exec();
          const failed = results?.find(([err]) => err);
          if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
          // The backlog right after our adds (everyone's entries included), read in the same transaction.
          this.known = {
            length: Number(results[results.length - 1][1]),
            bytes: Number(results[results.length - 2][1]),
          };
          this.counters.published += payloads.length;
          await this.maybeWaitAof();
          return;
        } catch (err) {
          if (signal.aborted) throw this.closed ? closedError() : abortReason(signal);
          if (isOom(err)) {
            // Redis is full (maxmemory, noeviction): nothing was written; wait for ingestion to free memory.
            this.counters.oomWaits++;
            this.logger.debug('redis answered OOM; publish waits');
            await this.waitForRoom(waits++, signal);
            continue;
          }
          if (!isTransient(err)) throw err;
          // The connection failed: the batch may or may not be stored. Send it again once Redis is back;
          // a duplicate carries the same record ids, which the sinks absorb.
          this.counters.publishRetries++;
          this.logger.debug({ err: (err as Error).message }, 'publish failed; retrying');
          await sleep(
            backoffDelay(failures++, {
              baseMs: 50,
              capMs: this.options.reconnectCapMs ?? DEFAULTS.reconnectCapMs,
            }),
            signal,
          );
        }
      }
    } finally {
      this.counters.inFlightEntries -= payloads.length;
    }
  }

  /**
   * Whether the backlog seen right after this producer's previous publish leaves room for this batch,
   * which saves the check's round trip. Ingestion only shrinks the backlog; other producers may have
   * grown it since, so a producer can overshoot the bound by at most this one batch before its next
   * publish sees the fresh figures — the same overshoot the check-then-write race already allows.
   */
  private roomKnown(count: number, bytes: number): boolean {
    const known = this.known;
    this.known = undefined;
    return (
      known !== undefined && known.length + count <= this.maxEntries && known.bytes + bytes <= this.maxBytes
    );
  }

  private async hasRoom(count: number, bytes: number): Promise<boolean> {
    const replies = await this.cmd.pipeline().xlen(this.keys.stream).get(this.keys.bytes).exec();
    const [[lenErr, len], [bytesErr, used]] = replies ?? [[new Error('no reply')], [null]];
    if (lenErr || bytesErr) throw lenErr ?? bytesErr;
    const length = Number(len);
    if (length === 0) return true;
    return length + count <= this.maxEntries && Number(used ?? 0) + bytes <= this.maxBytes;
  }

  private async waitForRoom(attempt: number, signal: AbortSignal): Promise<void> {
    const ms = Math.min(
      5 * 2 ** Math.min(attempt, 10),
      this.options.backpressurePollMs ?? DEFAULTS.backpressurePollMs,
    );
    const started = Date.now();
    await sleep(ms, signal);
    this.counters.waitedMs += Date.now() - started;
  }

  private async maybeWaitAof(): Promise<void> {
    if (!this.options.waitAof) return;
    if (!this.capabilities.waitAof) {
      if (!this.warnedWaitAof) {
        this.warnedWaitAof = true;
        this.logger.warn(
          { version: this.capabilities.version },
          'WAITAOF needs Redis 7.2+; relying on appendfsync',
        );
      }
      return;
    }
    const timeout = this.options.waitAofTimeoutMs ?? DEFAULTS.waitAofTimeoutMs;
    const [local] = (await this.cmd.call('WAITAOF', '1', '0', String(timeout))) as number[];
    if (local < 1) this.logger.warn({ timeout }, 'the AOF was not fsynced within the WAITAOF timeout');
  }

  /** One signal that fires on the caller's abort or on close. */
  private combine(signal?: AbortSignal): AbortSignal {
    return signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
  }

  // ------------------------------------------------------------------------------------------------
  // Consumers

  async read(options: ReadOptions): Promise<Delivery[]> {
    if (this.closed) throw closedError();
    const { consumer } = options;
    const count = Math.max(1, options.count);
    const signal = this.combine(options.signal);
    let state = this.consumers.get(consumer);
    if (!state) {
      state = { recovering: true, cursor: '0-0', lastClaimAt: 0 };
      this.consumers.set(consumer, state);
    }
    try {
      await this.waitReady(this.cmd, signal);
      while (state.recovering) {
        // Entries this consumer was given before a restart and never acknowledged: they come first.
        const reply = (await this.cmd.xreadgroup(
          'GROUP',
          this.group,
          consumer,
          'COUNT',
          count,
          'STREAMS',
          this.keys.stream,
          state.cursor,
        )) as StreamReply;
        const rows = reply?.[0]?.[1] ?? [];
        if (rows.length === 0) {
          state.recovering = false;
          break;
        }
        state.cursor = rows[rows.length - 1][0];
        const out = await this.deliveries(rows, consumer, true);
        if (out.length > 0) return out;
      }
      if (Date.now() - state.lastClaimAt >= this.claimIntervalMs) {
        state.lastClaimAt = Date.now();
        const claimed = await this.claimIdle(consumer, count);
        if (claimed.length > 0) return claimed;
      }
      if (this.housekeepingMs > 0 && Date.now() - this.lastHousekeeping >= this.housekeepingMs) {
        this.lastHousekeeping = Date.now();
        await this.housekeeping().catch((err: unknown) =>
          this.logger.debug({ err: (err as Error).message }, 'housekeeping failed'),
        );
      }
      const blocking = await this.blockingConnection(state, signal);
      const onAbort = (): void => void this.unblock(state!);
      signal.addEventListener('abort', onAbort, { once: true });
      // The blocking connection has no command timeout (a block may be long); this one is the block's own.
      const blockState = state;
      const limitMs =
        Math.max(1, options.blockMs) + (this.options.blockTimeoutGraceMs ?? DEFAULTS.blockTimeoutGraceMs);
      let expired = false;
      const watchdog = setTimeout(() => {
        expired = true;
        blockState.blocking = undefined;
        blockState.blockingId = undefined;
        blocking.disconnect();
      }, limitMs);
      let reply: StreamReply;
      try {
        reply = (await blocking.xreadgroup(
          'GROUP',
          this.group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          Math.max(1, options.blockMs),
          'STREAMS',
          this.keys.stream,
          '>',
        )) as StreamReply;
      } catch (err) {
        if (expired) throw new Error(`no answer to a blocked read within ${limitMs} ms; reconnecting`);
        throw err;
      } finally {
        clearTimeout(watchdog);
        signal.removeEventListener('abort', onAbort);
      }
      const rows = reply?.[0]?.[1] ?? [];
      if (rows.length === 0 && signal.aborted) throw abortReason(signal);
      return await this.deliveries(rows, consumer, false);
    } catch (err) {
      if (signal.aborted) throw this.closed ? closedError() : abortReason(signal);
      if (replyCode(err) === 'NOGROUP') {
        // The stream or group vanished (Redis restarted without persistence, or the key was deleted).
        this.logger.warn('consumer group missing; recreating it');
        await this.ensureGroup().catch(() => undefined);
        return [];
      }
      if (isTransient(err)) throw unavailable(err, 'reading from the queue failed');
      throw err;
    }
  }

  private async blockingConnection(state: ConsumerState, signal: AbortSignal): Promise<Redis> {
    if (!state.blocking) {
      const conn = this.cmd.duplicate(this.connectionOptions('blocking'));
      conn.on('error', (err: Error) =>
        this.logger.debug({ err: err.message }, 'redis blocking connection error'),
      );
      // The id changes with every reconnect; it is what CLIENT UNBLOCK needs to interrupt a read.
      conn.on('ready', () => {
        state.blockingId = undefined;
        conn.client('ID').then(
          (id) => (state.blockingId = Number(id)),
          () => undefined,
        );
      });
      state.blocking = conn;
      conn.connect().catch(() => undefined);
    }
    await this.waitReady(state.blocking, signal);
    if (state.blockingId === undefined) state.blockingId = Number(await state.blocking.client('ID'));
    return state.blocking;
  }

  /** Ends a blocked XREADGROUP at once (as a timeout: nothing is delivered). */
  private async unblock(state: ConsumerState): Promise<void> {
    if (state.blockingId === undefined) return;
    try {
      await this.cmd.client('UNBLOCK', state.blockingId, 'TIMEOUT');
    } catch {
      state.blocking?.disconnect();
    }
  }

  /**
   * Turns stream rows into deliveries: rows of entries deleted meanwhile are just acknowledged,
   * unreadable payloads and entries past `maxDeliveries` go to the dead letters.
   */
  private async deliveries(
    rows: Array<[string, string[] | null]>,
    consumer: string,
    redelivered: boolean,
  ): Promise<Delivery[]> {
    const counts = redelivered ? await this.deliveryCounts(rows.map((r) => r[0])) : undefined;
    const out: Delivery[] = [];
    const gone: string[] = [];
    for (const [id, fields] of rows) {
      if (!fields) {
        gone.push(id);
        continue;
      }
      const deliveries = counts?.get(id) ?? (redelivered ? 2 : 1);
      let entry: QueueEntry;
      try {
        entry = decodeEntry(fields);
      } catch (err) {
        await this.deadLetterRaw(
          id,
          rawFields(fields),
          `unreadable entry: ${(err as Error).message}`,
          deliveries,
          consumer,
        );
        continue;
      }
      if (deliveries > this.maxDeliveries) {
        await this.deadLetterRaw(
          id,
          rawFields(fields),
          `delivered ${deliveries - 1} times without acknowledgement (maxDeliveries ${this.maxDeliveries})`,
          deliveries - 1,
          consumer,
        );
        continue;
      }
      out.push({ deliveryId: id, entry, deliveries });
      this.rememberSize(id, fields);
    }
    if (gone.length > 0) await this.cmd.xack(this.keys.stream, this.group, ...gone);
    return out;
  }

  /** The payload bytes of a delivered entry, so acknowledging it needs no read of the entry in Redis. */
  private rememberSize(id: string, fields: string[]): void {
    let bytes = 0;
    for (let i = 1; i < fields.length; i += 2) bytes += Buffer.byteLength(fields[i]);
    this.sizes.set(id, bytes);
    // Entries handed out and never acknowledged here (their worker died, another took them) must not
    // pile up: past the cap the oldest are forgotten, and measured by the script if acknowledged later.
    if (this.sizes.size > SIZE_MEMORY) this.sizes.delete(this.sizes.keys().next().value as string);
  }

  private async deliveryCounts(ids: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const [id, { deliveries }] of await this.pendingOf(ids)) counts.set(id, deliveries);
    return counts;
  }

  /**
   * Owner and delivery count of each pending id, one `XPENDING id id 1` each in one pipeline: exact
   * whatever else is pending between them (a range read could stop short of the last ids).
   */
  private async pendingOf(
    ids: readonly string[],
  ): Promise<Map<string, { owner: string; deliveries: number }>> {
    const out = new Map<string, { owner: string; deliveries: number }>();
    if (ids.length === 0) return out;
    const pipeline = this.cmd.pipeline();
    for (const id of ids) pipeline.xpending(this.keys.stream, this.group, id, id, 1);
    const replies = (await pipeline.exec()) ?? [];
    for (const [err, rows] of replies) {
      if (err) throw err;
      const row = (rows as Array<[string, string, number, number]>)[0];
      if (row) out.set(row[0], { owner: row[1], deliveries: Number(row[3]) });
    }
    return out;
  }

  /** The janitor: takes over entries left idle past `claimIdleMs` (by any consumer, dead or released). */
  async claimIdle(consumer: string, count: number): Promise<Delivery[]> {
    for (let pass = 0; pass < 2; pass++) {
      const reply = (await this.cmd.call(
        'XAUTOCLAIM',
        this.keys.stream,
        this.group,
        consumer,
        String(this.claimIdleMs),
        this.claimCursor,
        'COUNT',
        String(count),
      )) as [string, Array<[string, string[] | null]>, string[]?];
      const [next, rows] = reply;
      const wrapped = this.claimCursor !== '0-0' && next === '0-0';
      this.claimCursor = next;
      const live = rows.filter((r) => r && r[1]);
      if (live.length > 0) {
        this.counters.claimed += live.length;
        this.logger.info({ consumer, entries: live.length }, 'reclaimed idle entries');
        return this.deliveries(live, consumer, true);
      }
      // The scan restarted mid-way: look once more from the start so nothing idle is skipped.
      if (!wrapped) break;
    }
    return [];
  }

  async ack(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    const args: string[] = [this.group];
    for (const id of deliveryIds) {
      args.push(id, String(this.sizes.get(id) ?? -1));
      this.sizes.delete(id);
    }
    try {
      await this.cmd.queueAck(this.keys.stream, this.keys.bytes, ...args);
    } catch (err) {
      if (isTransient(err)) throw unavailable(err, 'acknowledging entries failed');
      throw err;
    }
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    this.sizes.delete(delivery.deliveryId);
    await this.deadLetterRaw(
      delivery.deliveryId,
      JSON.stringify(delivery.entry),
      reason,
      delivery.deliveries,
      '',
    );
  }

  private async deadLetterRaw(
    id: string,
    payload: string,
    reason: string,
    deliveries: number,
    consumer: string,
  ): Promise<void> {
    const moved = await this.cmd.queueDeadLetter(
      this.keys.stream,
      this.keys.bytes,
      this.keys.dead,
      this.group,
      id,
      reason,
      String(deliveries),
      payload,
      consumer,
      String(Date.now()),
    );
    if (moved) {
      this.counters.deadLettered++;
      this.logger.warn({ id, reason, deliveries }, 'entry moved to the dead-letter stream');
    }
  }

  /**
   * Makes entries claimable at once by any consumer, whatever its claim timeout: their idle time is
   * set to a day (so `oldestPendingIdleMs` shows a day until a janitor takes them, within one claim
   * interval of any live consumer). The delivery count is not raised.
   */
  async release(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    // Each id is claimed in the name of its own owner, so an id another consumer took meanwhile stays its.
    const byOwner = new Map<string, string[]>();
    for (const [id, { owner }] of await this.pendingOf(deliveryIds)) {
      const list = byOwner.get(owner) ?? [];
      list.push(id);
      byOwner.set(owner, list);
    }
    for (const id of deliveryIds) this.sizes.delete(id);
    const idle = Math.max(this.claimIdleMs + 1, RELEASED_IDLE_MS);
    for (const [owner, ids] of byOwner) {
      await this.cmd.call(
        'XCLAIM',
        this.keys.stream,
        this.group,
        owner,
        '0',
        ...ids,
        'IDLE',
        String(idle),
        'JUSTID',
      );
    }
    // Every consumer of this process looks for claimable entries on its next read.
    for (const state of this.consumers.values()) state.lastClaimAt = 0;
  }

  /** Resets the idle time of entries `consumer` still works on, without counting a delivery. */
  async touch(consumer: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.cmd.call('XCLAIM', this.keys.stream, this.group, consumer, '0', ...deliveryIds, 'JUSTID');
  }

  /**
   * Deletes entries that every group has acknowledged but that are still in the stream (left by a
   * client that acknowledged without deleting). The cut-off is below the oldest pending entry and
   * below the oldest undelivered one of every group, so an unacknowledged entry is never deleted.
   */
  async trimAcknowledged(limit = 10_000): Promise<number> {
    const groups = (await this.cmd.xinfo('GROUPS', this.keys.stream)) as unknown[][];
    let cut: string | undefined;
    for (const raw of groups) {
      const info = new Map<string, unknown>();
      for (let i = 0; i < raw.length; i += 2) info.set(String(raw[i]), raw[i + 1]);
      const name = String(info.get('name'));
      const lastDelivered = String(info.get('last-delivered-id'));
      const summary = (await this.cmd.xpending(this.keys.stream, name)) as [
        number,
        string | null,
        string | null,
      ];
      // Below the oldest pending entry, and at most through the last delivered one (exclusive bound +1).
      const bound = summary[0] > 0 && summary[1] ? summary[1] : nextId(lastDelivered);
      if (cut === undefined || compareIds(bound, cut) < 0) cut = bound;
    }
    if (cut === undefined || cut === '0-0') return 0;
    return Number(await this.cmd.queueTrimAcked(this.keys.stream, this.keys.bytes, cut, String(limit)));
  }

  /**
   * Low-frequency upkeep run by a reading consumer: deletes entries acknowledged without deletion
   * (`trimAcknowledged`) and forgets consumers that hold nothing and were idle past `consumerTtlMs`
   * (names of workers that are gone), so the group does not grow without bound.
   */
  async housekeeping(): Promise<{ trimmed: number; consumersRemoved: number }> {
    const trimmed = await this.trimAcknowledged();
    const consumersRemoved = Number(
      await this.cmd.queueForgetConsumers(this.keys.stream, this.group, String(this.consumerTtlMs)),
    );
    if (trimmed || consumersRemoved) this.logger.info({ trimmed, consumersRemoved }, 'queue housekeeping');
    return { trimmed, consumersRemoved };
  }

  async stats(): Promise<QueueStats> {
    const replies = await this.cmd
      .pipeline()
      .xlen(this.keys.stream)
      .xpending(this.keys.stream, this.group)
      .xpending(this.keys.stream, this.group, '-', '+', 1)
      .xlen(this.keys.dead)
      .get(this.keys.bytes)
      .exec();
    const err = replies?.find(([e]) => e)?.[0];
    if (!replies || err) {
      if (replyCode(err) === 'NOGROUP') {
        await this.ensureGroup();
        return this.stats();
      }
      throw err && isTransient(err)
        ? unavailable(err, 'reading queue figures failed')
        : (err ?? new Error('no reply'));
    }
    const length = Number(replies[0][1]);
    const pending = Number((replies[1][1] as [number])[0]);
    const oldest = (replies[2][1] as Array<[string, string, number, number]>)[0];
    return {
      length,
      // Acknowledged entries are deleted at once, so everything held is either pending or not yet read.
      lag: Math.max(0, length - pending),
      pending,
      oldestPendingIdleMs: oldest ? Number(oldest[2]) : 0,
      deadLetters: Number(replies[3][1]),
      bytes: Number(replies[4][1] ?? 0),
    };
  }

  /** Dead letters, oldest first. */
  async listDeadLetters(count = 100): Promise<RedisDeadLetter[]> {
    const rows = (await this.cmd.xrange(this.keys.dead, '-', '+', 'COUNT', count)) as Array<
      [string, string[]]
    >;
    return rows.map(([id, fields]) => {
      let entry: QueueEntry | string;
      try {
        entry = decodeEntry(fields);
      } catch {
        // Kept as text: it was dead-lettered for not being an entry.
        entry = fieldValue(fields, 'e') ?? rawFields(fields.slice(0, fields.indexOf('reason')));
      }
      return {
        id,
        sourceId: fieldValue(fields, 'source_id') ?? '',
        entry,
        reason: fieldValue(fields, 'reason') ?? '',
        deliveries: Number(fieldValue(fields, 'deliveries') ?? 0),
        consumer: fieldValue(fields, 'consumer') ?? '',
        at: Number(fieldValue(fields, 'at') ?? 0),
      };
    });
  }

  /** Deletes the stream, its dead letters and counter (tests, or a tenant being removed). */
  async destroy(): Promise<void> {
    await this.cmd.del(this.keys.stream, this.keys.dead, this.keys.bytes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(closedError());
    for (const state of this.consumers.values()) state.blocking?.disconnect();
    this.consumers.clear();
    if (this.cmd.status === 'ready') await this.cmd.quit().catch(() => undefined);
    this.cmd.disconnect();
  }
}

function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function parseId(id: string): [bigint, bigint] {
  const [ms, seq] = id.split('-');
  return [BigInt(ms), BigInt(seq ?? '0')];
}

export function compareIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function nextId(id: string): string {
  const [ms, seq] = parseId(id);
  return `${ms}-${seq + 1n}`;
}
