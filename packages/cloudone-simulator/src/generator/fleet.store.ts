import { hash32 } from './prng';

// The fleet is an ID space, not a list: base computer i (1..N) has ID 2i or 2i-1 (a seeded choice,
// so IDs have the gaps real managers show after deletions), computers added at run time get IDs above
// the largest, and deletions are a set. Memory is O(added + deleted), whatever N is.

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class FleetStore {
  private readonly added: number[] = [];
  private readonly deleted = new Set<number>();
  private nextAddedId: number;
  private readonly multiplier: number;
  private readonly offset: number;

  constructor(
    readonly baseCount: number,
    private readonly seed: number,
  ) {
    if (!Number.isInteger(baseCount) || baseCount < 0)
      throw new RangeError(`computers must be a non-negative integer`);
    this.nextAddedId = baseCount > 0 ? this.baseId(baseCount) + 1 : 1;
    // A stride near the golden ratio of N, coprime with N, scatters neighbours far apart.
    let m = Math.max(1, Math.floor(baseCount * 0.618));
    while (baseCount > 1 && gcd(m, baseCount) !== 1) m++;
    this.multiplier = m;
    this.offset = baseCount > 0 ? hash32(seed, 0x5eed) % baseCount : 0;
  }

  /** ID of base computer `i` (1-based). Strictly increasing in `i`. */
  baseId(i: number): number {
    return 2 * i - (hash32(this.seed, i, 0x1d) & 1);
  }

  private isBaseId(id: number): boolean {
    const i = Math.ceil(id / 2);
    return i >= 1 && i <= this.baseCount && this.baseId(i) === id;
  }

  has(id: number): boolean {
    if (!Number.isInteger(id) || id < 1 || this.deleted.has(id)) return false;
    return this.isBaseId(id) || this.addedIndex(id) >= 0;
  }

  /** Live computers now. */
  get size(): number {
    return this.baseCount + this.added.length - this.deleted.size;
  }

  /** The largest ID ever handed out (live or deleted); 0 for an empty fleet. */
  get maxId(): number {
    return this.nextAddedId - 1;
  }

  /** Adds `count` computers after the current largest ID, as a manager does; returns their IDs. */
  add(count: number): number[] {
    const ids: number[] = [];
    for (let k = 0; k < count; k++) {
      const id = this.nextAddedId;
      // Leave an occasional gap, as concurrent creation does.
      this.nextAddedId += 1 + (hash32(this.seed, id, 0xadd) % 3 === 0 ? 1 : 0);
      this.added.push(id);
      ids.push(id);
    }
    return ids;
  }

  /** Deletes the given computers; returns how many existed. */
  delete(ids: readonly number[]): number {
    let n = 0;
    for (const id of ids) {
      if (this.has(id)) {
        this.deleted.add(id);
        n++;
      }
    }
    return n;
  }

  /** Live IDs greater than `afterId`, ascending, lazily. */
  *idsAfter(afterId = 0): Generator<number> {
    if (this.baseCount > 0) {
      let i = Math.max(1, Math.floor(afterId / 2));
      while (i <= this.baseCount && this.baseId(i) <= afterId) i++;
      for (; i <= this.baseCount; i++) {
        const id = this.baseId(i);
        if (!this.deleted.has(id)) yield id;
      }
    }
    for (const id of this.added) if (id > afterId && !this.deleted.has(id)) yield id;
  }

  /**
   * Live IDs in the order the service uses when `sortByObjectID` is false: a fixed pseudo-random
   * permutation, so a client that assumes ID order without asking for it is caught.
   */
  *idsUnordered(): Generator<number> {
    const n = this.baseCount;
    for (let k = 0; k < n; k++) {
      const i = (this.multiplier * k + this.offset) % n;
      const id = this.baseId(i + 1);
      if (!this.deleted.has(id)) yield id;
    }
    for (const id of this.added) if (!this.deleted.has(id)) yield id;
  }

  private addedIndex(id: number): number {
    let lo = 0;
    let hi = this.added.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.added[mid] === id) return mid;
      if (this.added[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
