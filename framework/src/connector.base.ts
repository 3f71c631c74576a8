import type { Observable } from 'rxjs';
import { SystemClock } from './clock';
import { ConfigSchema } from './config/config.schema';
import { ConnectorError, RespondNotSupportedError, UnknownActionError, toConnectorError } from './errors';
import type {
  Clock,
  CollectContext,
  CollectedPage,
  ConnectorManifest,
  NormalizedRecord,
  RespondRequest,
  RespondResult,
  ResolvedConfig,
  RunContext,
  TestResult,
  TestStep,
  TestStepResult,
} from './types';

const schemaCache = new WeakMap<object, ConfigSchema>();

/** The compiled config schema of a manifest (compiled once per manifest object). */
export function configSchemaOf(manifest: ConnectorManifest): ConfigSchema {
  let schema = schemaCache.get(manifest.configSchema);
  if (!schema) {
    schema = new ConfigSchema(manifest.configSchema);
    schemaCache.set(manifest.configSchema, schema);
  }
  return schema;
}

/**
 * The connector lifecycle as a template: plugins override small hooks (`normalizeConfig`,
 * `testSteps`, `collect`, `normalize`, optionally `respond`); the framework owns the rest.
 */
export abstract class Connector<TConfig extends ResolvedConfig = ResolvedConfig, TRaw = unknown> {
  private boundManifest?: ConnectorManifest;
  private boundClock: Clock = new SystemClock();

  /** The plugin's manifest; bound by the framework when the connector is instantiated. */
  get manifest(): ConnectorManifest {
    if (!this.boundManifest)
      throw new ConnectorError('MANIFEST_NOT_BOUND', 'connector used before its manifest was bound');
    return this.boundManifest;
  }

  bindManifest(manifest: ConnectorManifest): this {
    this.boundManifest = manifest;
    return this;
  }

  /** Binds the host's injected `Clock` (a fake one in tests); bound by the framework with the manifest. */
  bindClock(clock: Clock): this {
    this.boundClock = clock;
    return this;
  }

  /** Now, epoch ms, on the injected clock: what `test()` times steps with and records are stamped with. */
  now(): number {
    return this.boundClock.now();
  }

  /**
   * Validates user input against the manifest's config schema (defaults applied, secrets wrapped),
   * then lets the plugin normalize what the schema cannot express. Throws ConfigurationError(s).
   */
  configure(input: Record<string, unknown>): TConfig {
    const resolved = configSchemaOf(this.manifest).resolve(input);
    return this.normalizeConfig(resolved);
  }

  /** Hook: plugin-specific validation and normalization (URL forms, header schemes…). */
  protected normalizeConfig(config: ResolvedConfig): TConfig {
    return config as TConfig;
  }

  /**
   * Runs the plugin's ordered test steps. Never throws: the first failing step ends the test with
   * its detail and hint; the remaining steps are reported as skipped. `onStep` gets each step's
   * result as soon as it is known (a console shows progress while the test runs).
   */
  async test(ctx: RunContext<TConfig>, onStep?: (step: TestStepResult) => void): Promise<TestResult> {
    const now = (): number => this.now();
    const started = now();
    const steps: TestStepResult[] = [];
    const record = (step: TestStepResult): void => {
      steps.push(step);
      onStep?.(step);
    };
    let definitions: TestStep<TConfig>[];
    try {
      definitions = this.testSteps(ctx);
    } catch (err) {
      return failedResult(now() - started, steps, toConnectorError(err), 'preparing the test');
    }
    for (let i = 0; i < definitions.length; i++) {
      const step = definitions[i];
      const t0 = now();
      try {
        const detail = await step.run(ctx);
        record({
          id: step.id,
          title: step.title,
          status: 'passed',
          durationMs: now() - t0,
          ...(detail ? { detail } : {}),
        });
      } catch (thrown) {
        const err = toConnectorError(thrown);
        const details = err.details ?? {};
        record({
          id: step.id,
          title: step.title,
          status: 'failed',
          durationMs: now() - t0,
          detail: err.message,
          ...(err.hint ? { hint: err.hint } : {}),
          ...(typeof details.status === 'number' ? { httpStatus: details.status } : {}),
          ...(typeof details.vendorMessage === 'string' ? { vendorMessage: details.vendorMessage } : {}),
        });
        for (const rest of definitions.slice(i + 1)) {
          record({ id: rest.id, title: rest.title, status: 'skipped', durationMs: 0 });
        }
        return failedResult(now() - started, steps, err, step.title);
      }
    }
    return {
      ok: true,
      summary: `${this.manifest.name}: all ${steps.length} checks passed`,
      durationMs: now() - started,
      steps,
    };
  }

  /** Hook: the ordered live checks (address and TLS, authentication, permission, data, envelope). */
  protected abstract testSteps(ctx: RunContext<TConfig>): TestStep<TConfig>[];

  /** Pages of raw vendor objects for the requested content types; lazy, pull-style, cancellable. */
  abstract collect(ctx: CollectContext<TConfig>): Observable<CollectedPage<TRaw>>;

  /** Pure and synchronous: one raw object to normalized fields (and an asset where the type yields one). */
  abstract normalize(contentType: string, raw: TRaw): NormalizedRecord;

  /**
   * Runs a response action. Plugins with Respond override this; the framework answers for those
   * without it, so no plugin writes its own "not supported".
   */
  respond(_request: RespondRequest, _ctx: RunContext<TConfig>): Promise<RespondResult> {
    return Promise.reject(new RespondNotSupportedError(this.manifest.name));
  }
}

function failedResult(
  durationMs: number,
  steps: TestStepResult[],
  err: ConnectorError,
  stepTitle: string,
): TestResult {
  return {
    ok: false,
    summary: `failed at "${stepTitle}": ${err.message}`,
    detail: err.message,
    ...(err.hint ? { hint: err.hint } : {}),
    durationMs,
    steps,
  };
}

/**
 * Marks the base class's `respond`. A registry symbol rather than identity, so that a plugin compiled
 * against another copy of the framework is still recognized as not implementing Respond.
 */
const RESPOND_UNSUPPORTED = Symbol.for('connectors.respond.unsupported');
(Connector.prototype.respond as unknown as Record<symbol, boolean>)[RESPOND_UNSUPPORTED] = true;

/** Whether a connector class overrides `respond` (what the manifest's capabilities.respond promises). */
export function implementsRespond(cls: { prototype: unknown }): boolean {
  const respond = (cls.prototype as Partial<Connector>).respond as unknown as
    Record<symbol, boolean> | undefined;
  return typeof respond === 'function' && respond[RESPOND_UNSUPPORTED] !== true;
}

/**
 * The framework's respond entry point: checks the capability and the action before the plugin sees
 * the request, so an unsupported connector or an unknown action gets the same clear error everywhere.
 */
export async function runRespond<TConfig extends ResolvedConfig>(
  connector: Connector<TConfig>,
  request: RespondRequest,
  ctx: RunContext<TConfig>,
): Promise<RespondResult> {
  const manifest = connector.manifest;
  if (!manifest.capabilities.respond || !implementsRespond(connector.constructor as { prototype: unknown })) {
    throw new RespondNotSupportedError(manifest.name);
  }
  const actions = manifest.responseActions ?? [];
  const action = actions.find((a) => a.id === request.action);
  if (!action)
    throw new UnknownActionError(
      manifest.name,
      request.action,
      actions.map((a) => a.id),
    );
  const missing = action.targetFields.filter((f) => !request.target[f]);
  if (missing.length) {
    throw new ConnectorError(
      'RESPOND_TARGET_MISSING',
      `action "${action.id}" needs target field(s): ${missing.join(', ')}`,
      {
        hint: `Pass ${missing.map((f) => `--target ${f}=VALUE`).join(' ')}.`,
      },
    );
  }
  return connector.respond(request, ctx);
}
