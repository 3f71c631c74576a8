import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import {
  abortReason,
  buildEnvelope,
  ConfigurationError,
  ConfigurationErrors,
  configSchemaOf,
  ConnectorError,
  implementsRespond,
  isSecret,
  jsonOf,
  readPlugin,
  REDACTED,
  runRespond,
  stableStringify,
  type CollectedPage,
  type ConnectorManifest,
  type PageDemand,
  type TestResult,
} from '@connectors/framework/engine';
import {
  blankPaths,
  leakedSecrets,
  likelyPagingCause,
  renderings,
  stepShapeProblems,
  valueAt,
} from './conformance.checks';
import { findPluginRoot } from './package-root';
import { UnreachableHttpClientFactory } from './recording-http.factory';
import { createTestHost, loadPlugin } from './test-host';
import type {
  CollectedRecord,
  ConformanceEnvironment,
  ConformanceOptions,
  LoadedPlugin,
  TestConnector,
  TestHost,
  TestHostOptions,
} from './types';

const RECORD_ID = /^[0-9a-f]{32}$/;

/** Demand that never becomes ready: downstream has not taken the first page yet. */
const NEVER_READY: PageDemand = {
  ready: (signal) =>
    new Promise<void>((_resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
    }),
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

function errorFields(err: unknown): string[] {
  if (err instanceof ConfigurationErrors) return err.errors.map((e) => e.field);
  if (err instanceof ConfigurationError) return [err.field];
  return [];
}

/**
 * The conformance suite every plugin runs from its own tests (one `it` per rule, so a failure names
 * the broken rule). `plugin` is the plugin directory or any directory inside it (`__dirname`).
 *
 * Checked: the manifest is valid and the entry loads; declared capabilities match the entry; the
 * config schema rejects bad configs naming the field and redacts secrets; `test()` never throws and
 * reports ordered steps; `collect()` is lazy, bounded by demand, cancellable, and honours the run
 * signal; every record gets a valid envelope (msg_class and msg_origin from the manifest, ids stable
 * across runs, no blank values); Respond is either fully working or the framework's "not supported";
 * no secret value reaches logs, results or errors.
 */
export function describeConnectorConformance(plugin: string, options: ConformanceOptions): void {
  const dir = findPluginRoot(plugin);
  // Read synchronously: which checks apply (content types, Respond) depends on the manifest.
  let manifest: ConnectorManifest | undefined;
  let manifestError: unknown;
  try {
    manifest = readPlugin(dir)?.manifest;
  } catch (err) {
    manifestError = err;
  }

  describe(`${manifest?.id ?? dir}: connector conformance`, function () {
    this.timeout(options.timeoutMs ?? 20_000);

    it('should have a valid manifest', () => {
      if (manifestError) throw manifestError;
      expect(manifest, `${dir} has no connector.json or package.json#connector`).to.not.equal(undefined);
    });
    if (!manifest) return;
    const m: ConnectorManifest = manifest;
    const settleMs = options.settleMs ?? 50;
    const maxPages = options.maxPages ?? 200;
    const contentTypeIds = m.contentTypes.map((c) => c.id);

    let loaded: LoadedPlugin | undefined;
    let loadError: unknown;
    let env: ConformanceEnvironment;
    const hosts: TestHost[] = [];
    const secrets = new Map<string, string>();
    /** Every result and error the suite saw; none may contain a secret value. */
    const outputs: unknown[] = [];

    before(async () => {
      try {
        loaded = await loadPlugin(dir);
      } catch (err) {
        loadError = err;
      }
      env = await options.setup();
      for (const field of options.secretFields) {
        const value = valueAt(env.config, field);
        if (typeof value === 'string' && value) secrets.set(field, value);
      }
    });

    after(async () => {
      await env?.teardown?.();
    });

    const plugin_ = (): LoadedPlugin => {
      if (!loaded) throw loadError ?? new Error('the plugin did not load');
      return loaded;
    };
    const host = (hostOptions: TestHostOptions = {}): TestHost => {
      const h = createTestHost(hostOptions);
      hosts.push(h);
      return h;
    };
    const instantiate = (h: TestHost, config = env.config): TestConnector => h.instantiate(plugin_(), config);
    const expectNoSecrets = (value: unknown, where: string): void => {
      const leaked = leakedSecrets(renderings(value), secrets);
      expect(leaked, `${where} shows the value of secret field(s) ${leaked.join(', ')}`).to.deep.equal([]);
    };

    let firstRun: Promise<CollectedRecord[]> | undefined;
    const pagesByType = new Map<string, CollectedPage[]>();
    const requestsByType = new Map<string, number>();
    const causeFor = (contentType: string): string =>
      likelyPagingCause({
        contentType,
        pages: pagesByType.get(contentType)?.length ?? 0,
        requests: requestsByType.get(contentType) ?? 0,
      });
    const collectAll = async (): Promise<CollectedRecord[]> => {
      const tc = instantiate(host());
      const records = await tc.collectRecords({ maxPages: maxPages + 1 });
      const pages = new Set(records.map((r) => `${r.contentType}#${r.page}`));
      expect(pages.size, `one run yielded more than ${maxPages} pages`).to.be.at.most(maxPages);
      return records;
    };
    const pagesOf = async (contentType: string): Promise<CollectedPage[]> => {
      let pages = pagesByType.get(contentType);
      if (!pages) {
        const h = host();
        pages = await instantiate(h).collectPages({
          contentTypes: [contentType],
          maxPages: maxPages + 1,
        });
        pagesByType.set(contentType, pages);
        requestsByType.set(contentType, h.http.started);
      }
      return pages;
    };
    /** A content type the environment serves in two pages or more: paging checks need one. */
    const multiPageType = async (): Promise<string> => {
      for (const ct of contentTypeIds) if ((await pagesOf(ct)).length >= 2) return ct;
      throw new Error(
        'no content type yields two pages or more, so the suite cannot check that paging waits for demand and ' +
          `stops on unsubscribe. Likely cause: ${contentTypeIds.map(causeFor).join('; ')}`,
      );
    };

    describe('manifest and entry', () => {
      it('should load the entry named by the manifest', async () => {
        const p = plugin_();
        expect(p.connectorClass).to.be.a('function');
        expect(p.connectorClass.prototype.collect, 'collect()').to.be.a('function');
        expect(p.connectorClass.prototype.normalize, 'normalize()').to.be.a('function');
      });

      it('should declare the capabilities the entry implements', () => {
        const implemented = implementsRespond(plugin_().connectorClass);
        expect(
          implemented,
          `capabilities.respond is ${m.capabilities.respond} but the entry ${implemented ? 'implements' : 'does not implement'} respond()`,
        ).to.equal(m.capabilities.respond);
        expect(m.capabilities.collect, 'a plugin without Collect cannot be checked by this suite').to.equal(
          true,
        );
      });
    });

    describe('config schema', () => {
      it('should accept the valid config', () => {
        const tc = instantiate(host());
        expect(tc.config).to.be.an('object');
      });

      it('should mark exactly the expected secret fields', () => {
        const marked = configSchemaOf(m)
          .secretPaths.map((p) => p.join('.'))
          .sort();
        expect(marked).to.deep.equal([...options.secretFields].sort());
      });

      it('should keep secrets out of JSON.stringify, util.inspect and String()', () => {
        expect(secrets.size, 'the valid config must give a value for every secret field').to.equal(
          options.secretFields.length,
        );
        const tc = instantiate(host());
        for (const field of secrets.keys()) {
          const value = valueAt(tc.config, field);
          expect(isSecret(value), `${field} must resolve to a Secret`).to.equal(true);
          expect(String(value)).to.equal(REDACTED);
          expect(`${value}`).to.equal(REDACTED);
        }
        expectNoSecrets(tc.config, 'the resolved config');
        expect(JSON.stringify(tc.config)).to.contain(REDACTED);
        expectNoSecrets(configSchemaOf(m).redact(env.config), 'the redacted raw config');
      });

      it('should refuse a config missing each required field, naming it', () => {
        const schema = m.configSchema as {
          required?: string[];
          properties?: Record<string, { default?: unknown }>;
        };
        const required = (schema.required ?? []).filter((f) => schema.properties?.[f]?.default === undefined);
        for (const field of required) {
          const config = { ...env.config };
          delete config[field];
          const connector = host().create(plugin_());
          let thrown: unknown;
          try {
            connector.configure(config);
          } catch (err) {
            thrown = err;
          }
          expect(thrown, `configure() accepted a config without ${field}`).to.not.equal(undefined);
          expect(errorFields(thrown), `the error for a missing ${field}`).to.include(field);
          expectNoSecrets(thrown, `the error for a missing ${field}`);
          outputs.push(thrown);
        }
      });

      it('should refuse an unknown setting, naming it (additionalProperties: false)', () => {
        const connector = host().create(plugin_());
        const field = 'notARealSetting';
        expect(
          () => connector.configure({ ...env.config, [field]: 'x' }),
          'configure() accepted an unknown setting',
        )
          .to.throw(ConnectorError)
          .that.satisfies((err: unknown) => errorFields(err).includes(field));
      });

      for (const bad of options.invalidConfigs ?? []) {
        it(`should refuse an invalid config naming "${bad.field}": ${bad.title}`, () => {
          const config = typeof bad.config === 'function' ? bad.config({ ...env.config }) : bad.config;
          const connector = host().create(plugin_());
          let thrown: unknown;
          try {
            connector.configure(config);
          } catch (err) {
            thrown = err;
          }
          expect(thrown, 'configure() accepted it').to.not.equal(undefined);
          expect(thrown, 'configure() must throw a ConfigurationError').to.be.instanceOf(ConnectorError);
          expect(errorFields(thrown)).to.include(bad.field);
          expect((thrown as Error).message).to.contain(bad.field);
          expectNoSecrets(thrown, 'the configuration error');
          outputs.push(thrown);
        });
      }
    });

    describe('#test()', () => {
      let passing: TestResult | undefined;

      it('should pass every step, in order, against the working API', async () => {
        const h = host();
        const result = await instantiate(h).test();
        outputs.push(result);
        expect(result.ok, `test() failed: ${result.summary}`).to.equal(true);
        expect(result.steps.length, 'test() reported no steps').to.be.greaterThan(0);
        expect(result.steps.map((s) => s.status)).to.deep.equal(result.steps.map(() => 'passed'));
        expect(new Set(result.steps.map((s) => s.id)).size, 'step ids must be unique').to.equal(
          result.steps.length,
        );
        for (const step of result.steps) {
          expect(step.title, `step ${step.id} title`).to.be.a('string').and.not.equal('');
          expect(step.durationMs, `step ${step.id} duration`).to.be.a('number').and.at.least(0);
        }
        expect(
          h.http.started,
          'test() made no request through the injected HttpClientFactory',
        ).to.be.greaterThan(0);
        passing = result;
      });

      it('should report an unreachable API as a failed step, never a throw', async () => {
        const tc = instantiate(host({ httpClientFactory: new UnreachableHttpClientFactory() }));
        let result: TestResult;
        try {
          result = await tc.test();
        } catch (err) {
          throw new Error(`test() threw instead of returning a failed result: ${(err as Error).message}`);
        }
        outputs.push(result);
        expect(result.ok).to.equal(false);
        expect(stepShapeProblems(result)).to.deep.equal([]);
        if (passing) {
          expect(
            result.steps.map((s) => s.id),
            'a failed test must report the same ordered steps',
          ).to.deep.equal(passing.steps.map((s) => s.id));
        }
      });
    });

    describe('#test() with failing configs', () => {
      // The failing configs come from setup, which runs after mocha has collected the tests.
      it('should fail each failing config at one step with a hint, never throw', async () => {
        expect(
          env.failingConfigs?.length ?? 0,
          'setup must return failingConfigs (at least a wrong API key)',
        ).to.be.greaterThan(0);
        for (const failing of env.failingConfigs ?? []) {
          let result: TestResult;
          try {
            result = await instantiate(host(), failing.config).test();
          } catch (err) {
            throw new Error(`${failing.title}: test() threw: ${(err as Error).message}`);
          }
          outputs.push(result);
          expect(result.ok, `${failing.title}: test() passed`).to.equal(false);
          expect(stepShapeProblems(result), failing.title).to.deep.equal([]);
          const failed = result.steps.find((s) => s.status === 'failed')!;
          expect(
            failed.hint,
            `${failing.title}: the failed step "${failed.id}" says nothing about how to fix it`,
          )
            .to.be.a('string')
            .and.not.equal('');
          expectNoSecrets(result, `${failing.title}: the test() result`);
        }
      });
    });

    describe('#collect()', () => {
      it('should not touch the network before subscription', async () => {
        const h = host();
        const tc = instantiate(h);
        const before = env.requestCount?.();
        const stream = tc.connector.collect(tc.collectContext());
        await sleep(settleMs);
        expect(h.http.started, 'collect() made HTTP requests before anyone subscribed').to.equal(0);
        if (before !== undefined)
          expect(env.requestCount!() - before, 'the fake API was called before subscription').to.equal(0);
        const sub = stream.subscribe({ error: () => undefined });
        await waitFor(
          () => h.http.started > 0,
          options.timeoutMs ?? 10_000,
          'a request after subscription',
        ).catch(() => undefined);
        sub.unsubscribe();
        expect(
          h.http.started,
          'collect() made no request through the injected HttpClientFactory',
        ).to.be.greaterThan(0);
      });

      for (const ct of contentTypeIds) {
        it(`should yield "${ct}" in numbered, non-empty pages of that content type only`, async () => {
          const pages = await pagesOf(ct);
          expect(pages.length, `no "${ct}" page. Likely cause: ${causeFor(ct)}`).to.be.greaterThan(0);
          expect(pages.length, `more than ${maxPages} pages`).to.be.at.most(maxPages);
          pages.forEach((p, i) => {
            expect(p.contentType).to.equal(ct);
            expect(p.page, 'pages are numbered from 1 without gaps').to.equal(i + 1);
            expect(p.items.length, `page ${p.page} is empty`).to.be.greaterThan(0);
          });
        });
      }

      it('should fetch only one page while downstream demand is not ready', async () => {
        const ct = await multiPageType();
        const h = host();
        const tc = instantiate(h);
        const pages: CollectedPage[] = [];
        let startedAtFirstPage = -1;
        let ended = false;
        const sub = tc.connector
          .collect(tc.collectContext({ contentTypes: [ct], demand: NEVER_READY }))
          .subscribe({
            next: (p) => {
              pages.push(p);
              if (pages.length === 1) startedAtFirstPage = h.http.started;
            },
            error: () => (ended = true),
            complete: () => (ended = true),
          });
        try {
          await waitFor(() => pages.length > 0 || ended, options.timeoutMs ?? 10_000, 'the first page');
          await sleep(settleMs);
          expect(pages.length, 'pages emitted while demand was not ready').to.equal(1);
          expect(h.http.started, 'requests started after the first page while demand was not ready').to.equal(
            startedAtFirstPage,
          );
          expect(ended, 'the stream ended although more pages exist').to.equal(false);
        } finally {
          sub.unsubscribe();
        }
      });

      it('should cancel the request in flight and stop paging on unsubscribe', async () => {
        const ct = await multiPageType();
        const h = host();
        const tc = instantiate(h);
        let pages = 0;
        let ended = false;
        let sub: Subscription | undefined;
        let cancelledSeq = 0;
        const off = h.http.onRequest((request) => {
          // The next page's request, caught before it is sent: unsubscribing now must cancel it.
          if (pages >= 1 && !cancelledSeq) {
            cancelledSeq = request.seq;
            sub?.unsubscribe();
          }
        });
        try {
          sub = tc.connector.collect(tc.collectContext({ contentTypes: [ct] })).subscribe({
            next: () => pages++,
            error: () => (ended = true),
            complete: () => (ended = true),
          });
          await waitFor(
            () => cancelledSeq > 0 || ended,
            options.timeoutMs ?? 10_000,
            'the request for page 2',
          );
          expect(cancelledSeq, 'the stream ended before page 2 was requested').to.be.greaterThan(0);
          await sleep(settleMs);
          const request = h.http.requests[cancelledSeq - 1];
          expect(
            request.outcome,
            `${request.method} ${request.url} was not cancelled by unsubscribe (pass the run's signal to the HTTP call)`,
          ).to.equal('cancelled');
          expect(h.http.started, 'requests started after unsubscribe').to.equal(cancelledSeq);
          expect(pages, 'pages emitted after unsubscribe').to.equal(1);
        } finally {
          off();
          sub?.unsubscribe();
        }
      });

      it('should stop when the run signal aborts', async () => {
        const ct = await multiPageType();
        const h = host();
        const tc = instantiate(h);
        const controller = new AbortController();
        let pages = 0;
        let startedAtAbort = -1;
        let outcome: 'complete' | 'error' | undefined;
        let error: unknown;
        const sub = tc.connector
          .collect(tc.collectContext({ contentTypes: [ct], signal: controller.signal }))
          .subscribe({
            next: () => {
              if (++pages === 1) {
                startedAtAbort = h.http.started;
                controller.abort();
              }
            },
            error: (err) => ((outcome = 'error'), (error = err)),
            complete: () => (outcome = 'complete'),
          });
        try {
          await waitFor(
            () => outcome !== undefined,
            options.timeoutMs ?? 10_000,
            'the stream to end after abort',
          );
          await sleep(settleMs);
          if (outcome === 'error') {
            expect(
              (error as ConnectorError).code,
              `collect() failed with ${(error as Error).message} instead of ending as cancelled`,
            ).to.equal('CANCELLED');
          }
          expect(pages, 'pages emitted after abort').to.equal(1);
          expect(h.http.started, 'requests started after abort').to.equal(startedAtAbort);
        } finally {
          sub.unsubscribe();
        }
      });
    });

    describe('records', () => {
      const records = (): Promise<CollectedRecord[]> => (firstRun ??= collectAll());

      it('should wrap every record in a valid envelope with msg_class and msg_origin from the manifest', async () => {
        const all = await records();
        expect(all.length, 'the environment served no data').to.be.greaterThan(0);
        for (const ct of contentTypeIds) {
          expect(
            all.some((r) => r.contentType === ct),
            `no "${ct}" record was collected`,
          ).to.equal(true);
        }
        for (const { contentType, entry } of all) {
          const spec = m.contentTypes.find((c) => c.id === contentType)!;
          const record = entry.record;
          expect(record.id, 'record id').to.match(RECORD_ID);
          expect(record.msg_class).to.equal(spec.msgClass);
          expect(record.msg_origin).to.deep.equal({
            ...m.origin,
            processor: { name: m.origin.source, type: 'log_collector' },
          });
          expect(record.connector.type).to.equal(m.id);
          expect(record.tenant_id).to.be.a('string').and.not.equal('');
          expect(record.timestamp).to.be.a('number');
          const vendor = record[m.origin.source];
          expect(vendor, `the vendor object must sit under "${m.origin.source}"`)
            .to.be.an('object')
            .and.not.an('array');
        }
      });

      it('should carry no blank values in records or assets', async () => {
        for (const { entry } of await records()) {
          expect(blankPaths(entry.record), `blank values in record ${entry.record.id}`).to.deep.equal([]);
          if (entry.asset)
            expect(blankPaths(entry.asset), `blank values in asset ${entry.asset.id}`).to.deep.equal([]);
        }
      });

      it('should give the same data the same record ids across runs, and different objects different ids', async () => {
        const first = (await records()).map((r) => r.entry.record.id);
        const second = (await collectAll()).map((r) => r.entry.record.id);
        expect(
          new Set(first).size,
          'two records of one run share an id: the normalized key does not tell objects apart',
        ).to.equal(first.length);
        expect([...second].sort(), 'record ids changed between two runs over the same data').to.deep.equal(
          [...first].sort(),
        );
      });

      it('should build from the collected objects the records of the whole parsed objects', async () => {
        // The engine may mark a parsed page's objects with their text for the record (ADR 0008); a
        // record built from a marked object must equal the one built from an unmarked copy.
        const tc = instantiate(host());
        const built = (contentType: string, raw: unknown): unknown[] => {
          const { entry } = buildEnvelope({
            manifest: m,
            instance: tc.instance,
            contentType,
            normalized: tc.connector.normalize(contentType, raw),
            now: 1,
          });
          return [entry.record.id, jsonOf(entry.record), entry.asset && jsonOf(entry.asset)];
        };
        let compared = 0;
        for (const ct of contentTypeIds) {
          for (const { items } of await pagesOf(ct)) {
            let i = 0;
            for (const raw of items) {
              const whole = JSON.parse(JSON.stringify(raw)) as unknown;
              expect(built(ct, raw), `"${ct}" object ${i}`).to.deep.equal(built(ct, whole));
              i++;
              compared++;
            }
          }
        }
        expect(compared, 'the environment served no data').to.be.greaterThan(0);
      });

      it('should normalize purely: the same output twice, the input untouched', async () => {
        const connector = host().create(plugin_());
        for (const { contentType, raw } of await records()) {
          const before = stableStringify(raw);
          const a = stableStringify(connector.normalize(contentType, raw));
          const b = stableStringify(connector.normalize(contentType, raw));
          expect(b, 'normalize() returned different output for the same input').to.equal(a);
          expect(stableStringify(raw), 'normalize() modified its input').to.equal(before);
        }
      });

      if (m.contentTypes.some((c) => c.yieldsAssets)) {
        it('should build an asset keyed by a declared identity key for every record of an asset content type', async () => {
          const all = await records();
          for (const { contentType, entry } of all) {
            const spec = m.contentTypes.find((c) => c.id === contentType)!;
            if (!spec.yieldsAssets) continue;
            expect(entry.asset, `record ${entry.record.id} of "${contentType}" has no asset`).to.not.equal(
              undefined,
            );
            expect(spec.assetIdentityKeys).to.include(entry.asset!.primaryKey.key);
            expect(entry.asset!.id).to.match(RECORD_ID);
          }
          const again = (await collectAll()).filter((r) => r.entry.asset).map((r) => r.entry.asset!.id);
          expect(again.sort(), 'asset ids changed between two runs').to.deep.equal(
            all
              .filter((r) => r.entry.asset)
              .map((r) => r.entry.asset!.id)
              .sort(),
          );
        });
      }
    });

    describe('#respond()', () => {
      if (!m.capabilities.respond) {
        it('should answer with the framework "not supported" error', async () => {
          const tc = instantiate(host());
          const request = { action: 'isolate', target: { hostname: 'h1' } };
          for (const attempt of [
            () => runRespond(tc.connector, request, tc.runContext()),
            () => tc.connector.respond(request, tc.runContext()),
          ]) {
            let thrown: unknown;
            await attempt().catch((err: unknown) => (thrown = err));
            expect((thrown as ConnectorError)?.code).to.equal('RESPOND_NOT_SUPPORTED');
          }
        });
        return;
      }
      const actions = m.responseActions ?? [];

      for (const action of actions) {
        it(`should run "${action.id}" on its target fields (${action.targetFields.join(', ') || 'none'})`, async () => {
          const target = options.respondTargets?.[action.id];
          expect(target, `give options.respondTargets["${action.id}"] so the suite can run it`).to.be.an(
            'object',
          );
          const result = await instantiate(host()).respond(action.id, target!);
          outputs.push(result);
          expect(result.ok, result.summary).to.equal(true);
          expect(result.action).to.equal(action.id);
          expect(result.summary).to.be.a('string').and.not.equal('');
          expectNoSecrets(result, `the result of ${action.id}`);
        });
      }

      it('should declare a revert that exists for every reversible action', () => {
        const ids = new Set(actions.map((a) => a.id));
        for (const action of actions)
          if (action.revert) expect(ids.has(action.revert), `${action.id}.revert`).to.equal(true);
      });

      it('should refuse an unknown action and missing target fields before calling the vendor', async () => {
        const h = host();
        const tc = instantiate(h);
        let thrown: unknown;
        await tc.respond('no-such-action', {}).catch((err: unknown) => (thrown = err));
        expect((thrown as ConnectorError)?.code).to.equal('RESPOND_UNKNOWN_ACTION');
        for (const action of actions.filter((a) => a.targetFields.length)) {
          thrown = undefined;
          await tc.respond(action.id, {}).catch((err: unknown) => (thrown = err));
          expect((thrown as ConnectorError)?.code, action.id).to.equal('RESPOND_TARGET_MISSING');
        }
        expect(h.http.started, 'refused requests reached the vendor').to.equal(0);
      });
    });

    describe('secrets', () => {
      it('should keep secret values out of test() and respond() results and configuration errors', () => {
        expect(outputs.length, 'no result was collected').to.be.greaterThan(0);
        for (const output of outputs) expectNoSecrets(output, 'a result or configuration error');
      });

      it('should keep secret values out of every log line', () => {
        for (const h of hosts) {
          const leaked = leakedSecrets(h.logs.text(), secrets);
          expect(leaked, `the logs show secret field(s) ${leaked.join(', ')}`).to.deep.equal([]);
        }
      });
    });
  });
}
