// Connectors with one flaw each, for proving that the conformance suite catches it. `Sound` is the
// baseline: it passes every check. Each flaw overrides the smallest piece of it.
import { EMPTY, type Observable } from 'rxjs';
import {
  AuthenticationError,
  Connector,
  inject,
  injectable,
  parseJsonBody,
  paginate,
  TOKENS,
  wrapHttpError,
  type CollectContext,
  type CollectedPage,
  type HttpClientFactory,
  type Logger,
  type NormalizedRecord,
  type ResolvedConfig,
  type RespondRequest,
  type RespondResult,
  type RunContext,
  type Secret,
  type TestResult,
  type TestStep,
} from '@connectors/framework/engine';

export interface Item {
  id: string;
  name?: string;
}

interface Config extends ResolvedConfig {
  baseUrl: string;
  apiKey: Secret;
  pageSize: number;
}

interface ItemsPage {
  items: readonly Item[];
  next: number | null;
}

@injectable()
export class Sound extends Connector<Config, Item> {
  constructor(
    @inject(TOKENS.HttpClientFactory) protected readonly http: HttpClientFactory,
    @inject(TOKENS.Logger) protected readonly logger: Logger,
  ) {
    super();
  }

  protected testSteps(): TestStep<Config>[] {
    return [
      {
        id: 'auth',
        title: 'Authenticate',
        run: async (ctx) => `${(await this.fetch(ctx.config, 1, ctx.signal)).items.length} items`,
      },
      { id: 'data', title: 'First page', run: async () => 'ok' },
    ];
  }

  collect(ctx: CollectContext<Config>): Observable<CollectedPage<Item>> {
    if (!ctx.contentTypes.includes('items')) return EMPTY;
    return paginate({
      contentType: 'items',
      initial: 1,
      demand: ctx.demand,
      signal: ctx.signal,
      fetchPage: async (page, signal) => {
        const body = await this.fetch(ctx.config, page, signal);
        return { items: body.items, next: body.next };
      },
    });
  }

  normalize(_ct: string, raw: Item): NormalizedRecord {
    return { key: raw.id, fields: { name: raw.name, flawed: raw } };
  }

  protected async fetch(config: Config, page: number, signal?: AbortSignal): Promise<ItemsPage> {
    const client = this.http.create({
      baseURL: config.baseUrl,
      headers: { 'x-api-key': config.apiKey.reveal() },
    });
    const res = await client
      .get('/items', { params: { page, limit: config.pageSize }, signal })
      .catch((err) => {
        throw wrapHttpError(err, 'GET /items');
      });
    if (res.status === 401)
      throw new AuthenticationError('the key was refused (HTTP 401)', 'Check apiKey.', { status: 401 });
    return res.data as ItemsPage;
  }
}

/** Calls the API as soon as collect() is called, before anyone subscribes. */
@injectable()
export class Eager extends Sound {
  override collect(ctx: CollectContext<Config>): Observable<CollectedPage<Item>> {
    this.fetch(ctx.config, 1).catch(() => undefined);
    return super.collect(ctx);
  }
}

/** Ignores demand: fetches the next page right away. */
@injectable()
export class Greedy extends Sound {
  override collect(ctx: CollectContext<Config>): Observable<CollectedPage<Item>> {
    return super.collect({ ...ctx, demand: { ready: () => Promise.resolve() } });
  }
}

/** Does not pass the run's signal to HTTP: unsubscribing cannot cancel the request in flight. */
@injectable()
export class Deaf extends Sound {
  protected override fetch(config: Config, page: number): Promise<ItemsPage> {
    return super.fetch(config, page);
  }
}

/** Puts the collection time into the fields: the same data gets a new id every run. */
@injectable()
export class Unstable extends Sound {
  private runs = 0;
  override collect(ctx: CollectContext<Config>): Observable<CollectedPage<Item>> {
    this.runs++;
    return super.collect(ctx);
  }
  override normalize(ct: string, raw: Item): NormalizedRecord {
    const n = super.normalize(ct, raw);
    return { ...n, fields: { ...n.fields, seen: `${this.runs}-${process.hrtime.bigint()}` } };
  }
}

/** Changes its input while normalizing. */
@injectable()
export class Impure extends Sound {
  override normalize(ct: string, raw: Item): NormalizedRecord {
    raw.name = (raw.name ?? '') + '!';
    return super.normalize(ct, { ...raw });
  }
}

/** Overrides test() and lets a network failure escape. */
@injectable()
export class Throwing extends Sound {
  override async test(ctx: RunContext<Config>): Promise<TestResult> {
    await this.fetch(ctx.config, 1, ctx.signal);
    return super.test(ctx);
  }
}

/** Logs the API key in a message string (pino's key-path redaction cannot see inside it). */
@injectable()
export class Leaky extends Sound {
  protected override fetch(config: Config, page: number, signal?: AbortSignal): Promise<ItemsPage> {
    this.logger.debug(`fetching page ${page} with key ${config.apiKey.reveal()}`);
    return super.fetch(config, page, signal);
  }
}

/** Implements respond() although the manifest does not declare Respond. */
@injectable()
export class Undeclared extends Sound {
  override async respond(request: RespondRequest): Promise<RespondResult> {
    return { ok: true, action: request.action, summary: 'done' };
  }
}

/** Puts the vendor object under a key other than the manifest's origin source. */
@injectable()
export class Misfiled extends Sound {
  override normalize(_ct: string, raw: Item): NormalizedRecord {
    return { key: raw.id, fields: { name: raw.name, vendor: raw } };
  }
}

/** Fails authentication without saying how to fix it. */
@injectable()
export class Hintless extends Sound {
  protected override async fetch(config: Config, page: number, signal?: AbortSignal): Promise<ItemsPage> {
    try {
      return await super.fetch(config, page, signal);
    } catch (err) {
      throw new Error((err as Error).message);
    }
  }
}

/**
 * Changes its page objects after parsing them: a record built from a parsed page must not depend on
 * the page's text (the engine reuses it, ADR 0008), so changing an object is a flaw.
 */
@injectable()
export class Tampered extends Sound {
  protected override async fetch(config: Config, page: number, signal?: AbortSignal): Promise<ItemsPage> {
    const body = await super.fetch(config, page, signal);
    const parsed = parseJsonBody(JSON.stringify({ items: body.items })) as { items: Item[] };
    for (const item of parsed.items) item.name = `${item.name ?? ''} (seen)`;
    return { items: parsed.items, next: body.next };
  }
}
