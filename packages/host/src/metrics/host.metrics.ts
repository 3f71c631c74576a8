import type { PageBudget } from '../pipeline/page-demand';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorStatus, RunSummary } from '../types';

export interface HostMetricsOptions {
  /** Node's process metrics under `connectors_process_` (default true). */
  defaultMetrics?: boolean;
  /** The host's pages-in-flight budget, read at each scrape. */
  pageBudget?: PageBudget;
}

/** Prometheus metrics of one host process (its own registry, never prom-client's global one). */
export class HostMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'plugin' | 'tenant' | 'connector' | 'trigger' | 'result'>;
  private readonly records: Counter<'plugin' | 'tenant' | 'connector'>;
  private readonly filtered: Counter<'plugin' | 'tenant' | 'connector'>;
  private readonly truncated: Counter<'plugin' | 'tenant' | 'connector'>;
  private readonly invalid: Counter<'plugin' | 'tenant' | 'connector'>;
  private readonly pages: Counter<'plugin' | 'tenant' | 'connector'>;
  private readonly duration: Histogram<'plugin'>;
  private readonly backlog: Gauge;
  private readonly state: Gauge<'tenant' | 'connector' | 'state'>;
  private readonly lastSuccess: Gauge<'tenant' | 'connector'>;

  constructor(options: HostMetricsOptions = {}) {
    const registers = [this.registry];
    const labels = ['plugin', 'tenant', 'connector'] as const;
    this.runs = new Counter({
      name: 'connectors_runs_total',
      help: 'Collection runs finished by this host',
      labelNames: [...labels, 'trigger', 'result'],
      registers,
    });
    this.records = new Counter({
      name: 'connectors_records_published_total',
      help: 'Records published to the queue',
      labelNames: labels,
      registers,
    });
    this.filtered = new Counter({
      name: 'connectors_records_filtered_total',
      help: 'Records excluded by log filters',
      labelNames: labels,
      registers,
    });
    this.truncated = new Counter({
      name: 'connectors_records_truncated_total',
      help: 'Records truncated to the size limit',
      labelNames: labels,
      registers,
    });
    this.invalid = new Counter({
      name: 'connectors_objects_invalid_total',
      help: 'Vendor objects that could not be normalized',
      labelNames: labels,
      registers,
    });
    this.pages = new Counter({
      name: 'connectors_pages_total',
      help: 'Vendor pages collected',
      labelNames: labels,
      registers,
    });
    this.duration = new Histogram({
      name: 'connectors_run_duration_seconds',
      help: 'Duration of collection runs',
      labelNames: ['plugin'],
      buckets: [0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.backlog = new Gauge({
      name: 'connectors_queue_backlog',
      help: 'Queue entries not yet ingested',
      registers,
    });
    this.state = new Gauge({
      name: 'connectors_connector_state',
      help: 'Connector state (1 for the current state)',
      labelNames: ['tenant', 'connector', 'state'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'connectors_last_success_timestamp_seconds',
      help: 'Time of the last successful run',
      labelNames: ['tenant', 'connector'],
      registers,
    });
    const budget = options.pageBudget;
    if (budget) {
      const gauges: Array<[name: string, help: string, read: (b: PageBudget) => number]> = [
        [
          'connectors_page_budget_permits',
          'Pages in flight the host allows across its runs (HostOptions.pagesInFlight)',
          (b) => b.size,
        ],
        [
          'connectors_page_budget_in_use',
          'Page permits taken: pages being fetched or held until published',
          (b) => b.inUse,
        ],
        [
          'connectors_page_budget_waiting_runs',
          'Runs holding no page that wait for a page permit',
          (b) => b.waiting,
        ],
      ];
      for (const [name, help, read] of gauges) {
        new Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read(budget));
          },
        });
      }
    }
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'connectors_process_' });
  }

  observeRun(plugin: string, run: RunSummary): void {
    const l = { plugin, tenant: run.tenant, connector: run.name };
    this.runs.inc({ ...l, trigger: run.trigger, result: run.ok ? 'ok' : 'failed' });
    this.records.inc(l, run.records);
    this.filtered.inc(l, run.filtered);
    this.truncated.inc(l, run.truncated);
    this.invalid.inc(l, run.invalid);
    this.pages.inc(l, run.pages);
    this.duration.observe({ plugin }, run.durationMs / 1000);
  }

  observeStatus(statuses: readonly ConnectorStatus[], backlog?: number): void {
    this.state.reset();
    for (const s of statuses) {
      this.state.set({ tenant: s.tenant, connector: s.name, state: s.state }, 1);
      if (s.lastSuccessAt)
        this.lastSuccess.set({ tenant: s.tenant, connector: s.name }, s.lastSuccessAt / 1000);
    }
    if (backlog !== undefined) this.backlog.set(backlog);
  }

  setBacklog(backlog: number): void {
    this.backlog.set(backlog);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
