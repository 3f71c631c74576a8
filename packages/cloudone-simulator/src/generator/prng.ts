// Deterministic, allocation-free randomness: every computer is derived from (seed, id, section) alone,
// so any page of a million-computer fleet can be produced on demand without holding the fleet.

/** Mixes 32-bit integers into one well-distributed 32-bit hash (murmur3 finalizer per step). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    let k = Math.imul(part | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // High bits of numbers above 2^32 (IDs never are, seeds might be) still count.
    const high = Math.floor(part / 0x100000000);
    if (high) h ^= Math.imul(high, 0x85ebca6b);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed given as a number or any string, reduced to 32 bits. */
export function seedOf(seed: number | string | undefined): number {
  if (seed === undefined) return 1;
  if (typeof seed === 'number') return hash32(Math.floor(seed));
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = hash32(h, seed.charCodeAt(i));
  return h;
}

/** mulberry32: small, fast and good enough for test data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 0x100000000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.float() * total;
    for (const [value, weight] of items) {
      r -= weight;
      if (r < 0) return value;
    }
    return items[items.length - 1][0];
  }

  hex(bytes: number, upper = false, sep = ''): string {
    const out: string[] = [];
    for (let i = 0; i < bytes; i++) out.push((this.next() & 0xff).toString(16).padStart(2, '0'));
    const s = out.join(sep);
    return upper ? s.toUpperCase() : s;
  }

  guid(upper: boolean): string {
    const h = this.hex(16, upper);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  alnum(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < length; i++) s += chars[this.next() % chars.length];
    return s;
  }
}
