import { DeviceGenerator } from './device.generator';
import type { ContainmentStatus, FalconDevice } from './types';

interface Containment {
  status: ContainmentStatus;
  /** When the pending state settles (epoch ms). */
  settlesAt?: number;
}

const SETTLED: Record<ContainmentStatus, ContainmentStatus> = {
  normal: 'normal',
  contained: 'contained',
  containment_pending: 'contained',
  lift_containment_pending: 'normal',
};

/** The fleet: indices 0..size-1 minus the removed ones; only changes (removals, names, containment) are held. */
export class Fleet {
  private removed = new Set<number>();
  private names = new Map<number, string>();
  private containment = new Map<number, Containment>();

  constructor(
    readonly generator: DeviceGenerator,
    public size: number,
    private readonly delayMs: number,
  ) {}

  get count(): number {
    return this.size - this.removed.size;
  }

  has(index: number): boolean {
    return index >= 0 && index < this.size && !this.removed.has(index);
  }

  indexOf(deviceId: string): number | undefined {
    const index = this.generator.indexOf(deviceId);
    return index !== undefined && this.has(index) ? index : undefined;
  }

  device(index: number, now: number): FalconDevice {
    return this.generator.device(index, this.statusOf(index, now), this.names.get(index));
  }

  statusOf(index: number, now: number): ContainmentStatus {
    const c = this.containment.get(index);
    if (!c) return 'normal';
    if (c.settlesAt !== undefined && now >= c.settlesAt) {
      c.status = SETTLED[c.status];
      c.settlesAt = undefined;
    }
    return c.status;
  }

  /** contain / lift_containment: pending now, settled after the delay; a host already there stays. */
  act(index: number, action: 'contain' | 'lift_containment', now: number): void {
    const current = this.statusOf(index, now);
    const target = action === 'contain' ? 'contained' : 'normal';
    if (SETTLED[current] === target) return;
    const pending = action === 'contain' ? 'containment_pending' : 'lift_containment_pending';
    this.containment.set(index, { status: pending, settlesAt: now + this.delayMs });
  }

  add(count: number, hostname?: string): number[] {
    const added: number[] = [];
    for (let i = 0; i < count; i++) {
      if (hostname) this.names.set(this.size, hostname);
      added.push(this.size++);
    }
    return added;
  }

  remove(index: number): boolean {
    if (!this.has(index)) return false;
    this.removed.add(index);
    return true;
  }
}
