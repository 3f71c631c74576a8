// Figures of any process on this machine, read from Linux /proc: the kernel's own peak RSS (VmHWM,
// exact, no sampling gaps) and CPU time (utime + stime). Used for the host child, the simulator child
// and redis-server alike, so every process is measured the same way.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcStats {
  pid: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakRssMb: number;
  /** Resident set size now (VmRSS), MB. */
  rssMb: number;
}

let ticks: number | undefined;

function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

function kbField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function cpuTicksOf(statText: string): number {
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/**
 * CPU seconds of the calling thread (user + system), from `/proc/thread-self`: read synchronously, so on
 * the thread that calls it (the main thread, or a worker thread measuring itself).
 */
export function threadSelfCpuSeconds(): number {
  return cpuTicksOf(readFileSync('/proc/thread-self/stat', 'utf8')) / clockTicks();
}

/** Stats of `pid` (default this process); undefined once the process is gone. */
export function procStats(pid: number | 'self' = 'self'): ProcStats | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const cpuTicks = cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return {
      pid: pid === 'self' ? process.pid : pid,
      cpuSeconds: round(cpuTicks / clockTicks(), 2),
      peakRssMb: Math.round(kbField(status, 'VmHWM') / 1024),
      rssMb: Math.round(kbField(status, 'VmRSS') / 1024),
    };
  } catch {
    return undefined;
  }
}

/** Bytes this process has passed to write calls so far (`wchar` of /proc/self/io; page-cache writes included). */
export function bytesWrittenSelf(): number {
  const m = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** CPU seconds and peak RSS of a process over an interval: CPU as a difference, peak as of the end. */
export function procDelta(
  before: ProcStats | undefined,
  after: ProcStats | undefined,
): ProcStats | undefined {
  if (!after) return undefined;
  return { ...after, cpuSeconds: round(after.cpuSeconds - (before?.cpuSeconds ?? 0), 2) };
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** CPU seconds per 10,000 records. */
export function cpuPer10k(cpuSeconds: number, records: number): number {
  return records > 0 ? round((cpuSeconds * 10_000) / records, 2) : 0;
}
