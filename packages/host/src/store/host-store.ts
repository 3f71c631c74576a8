/** A lease on a named resource (a connector's run, a connector's test), with a fencing token. */
export interface Lease {
  name: string;
  owner: string;
  /** Strictly increasing per name: a write carrying an older token is refused. */
  token: number;
}

export interface LeaseInfo extends Lease {
  /** Milliseconds left, as the store sees it. */
  ttlMs: number;
}

export interface DocWrite {
  collection: string;
  key: string;
  /** `undefined` deletes the document. */
  value: unknown;
}

/**
 * The host's durable state: JSON documents by collection and key, and leases with fencing tokens.
 * Embedded (SQLite in the data directory) by default; Redis hashes when several hosts share state.
 */
export interface HostStore {
  readonly kind: 'sqlite' | 'redis';
  get<T>(collection: string, key: string): Promise<T | undefined>;
  list<T>(collection: string): Promise<Array<{ key: string; value: T }>>;
  put(collection: string, key: string, value: unknown): Promise<void>;
  /** Writes only when the key is free; false when it already exists. */
  putIfAbsent(collection: string, key: string, value: unknown): Promise<boolean>;
  delete(collection: string, key: string): Promise<boolean>;
  /** Applies every write or none. */
  writeAll(writes: readonly DocWrite[]): Promise<void>;
  /** Read-modify-write of one document, atomic against other writers of the same document. */
  update<T>(
    collection: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined>;

  /** Takes the lease when nobody holds it (or it expired); undefined when it is held. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held by this owner and token; false when it was lost. */
  extendLease(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Releases a lease still held by this owner and token. */
  releaseLease(lease: Lease): Promise<boolean>;
  getLease(name: string): Promise<LeaseInfo | undefined>;
  /** Applies the writes only while `lease` is still held (fencing); false when it was lost. */
  writeIfLeaseHeld(lease: Lease, writes: readonly DocWrite[], releaseAfter?: boolean): Promise<boolean>;

  close(): Promise<void>;
}
