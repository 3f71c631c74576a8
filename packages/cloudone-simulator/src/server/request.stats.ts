import type { RequestLogEntry, RequestStats, RouteName } from '../types';

const LOG_LIMIT = 10_000;

export class RequestCounter implements RequestStats {
  total = 0;
  inFlight = 0;
  aborted = 0;
  private routes: Record<RouteName, number> = { list: 0, describe: 0, search: 0, other: 0 };
  private statuses = new Map<string, number>();
  private entries: RequestLogEntry[] = [];

  begin(entry: RequestLogEntry): RequestLogEntry {
    this.total++;
    this.inFlight++;
    this.routes[entry.route]++;
    this.entries.push(entry);
    if (this.entries.length > LOG_LIMIT) this.entries.splice(0, this.entries.length - LOG_LIMIT);
    return entry;
  }

  finish(entry: RequestLogEntry, status: number | undefined, aborted: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (aborted) {
      entry.aborted = true;
      this.aborted++;
    }
    if (status !== undefined) {
      entry.status = status;
      const key = `${entry.route} ${status}`;
      this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    }
  }

  count(route?: RouteName): number {
    return route ? this.routes[route] : this.total;
  }

  countStatus(status: number, route?: RouteName): number {
    let n = 0;
    for (const [key, v] of this.statuses) {
      const [r, s] = key.split(' ');
      if (Number(s) === status && (!route || r === route)) n += v;
    }
    return n;
  }

  byRoute(): Record<RouteName, number> {
    return { ...this.routes };
  }

  byStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, v] of this.statuses) {
      const s = key.split(' ')[1];
      out[s] = (out[s] ?? 0) + v;
    }
    return out;
  }

  get log(): readonly RequestLogEntry[] {
    return this.entries;
  }

  reset(): void {
    this.total = 0;
    this.aborted = 0;
    this.routes = { list: 0, describe: 0, search: 0, other: 0 };
    this.statuses.clear();
    this.entries = [];
  }
}
