import { cpuUsage, memoryUsage } from 'node:process';

/** Samples this process's RSS every `intervalMs` and reports the peak. */
export class PeakRss {
  private peak = memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 50) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, memoryUsage.rss());
    }, intervalMs);
    this.timer.unref();
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, memoryUsage.rss());
    return this.peak;
  }
}

export interface Measured<T> {
  result: T;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** Runs `fn` and reports wall time, CPU time (user+system) and the peak RSS of this process. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const rss = new PeakRss();
  const cpu0 = cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuUsage(cpu0);
  return {
    result,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: Math.round(rss.stop() / 1048576),
  };
}

/** The `p`th percentile (nearest rank) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
