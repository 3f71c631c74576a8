/** Store collections of the host (document names are part of the on-disk format: do not rename). */
export const COLLECTIONS = {
  tenants: 'tenants',
  sensors: 'sensors',
  profiles: 'profiles',
  filters: 'filters',
  connectors: 'connectors',
  /** `tenant/lower-cased name` → connector id (uniqueness of names within a tenant). */
  connectorNames: 'connector-names',
  status: 'status',
  schedule: 'schedule',
  /** connector id → the last runs (newest first, bounded). */
  runs: 'runs',
  /** connector id → the run in progress, recorded when it starts (see `ActiveRun`). */
  activeRuns: 'active-runs',
  /** host id → its last heartbeat (`HostRecord`). */
  hosts: 'hosts',
  /** Registry-wide facts, e.g. the secret key's check value. */
  meta: 'meta',
} as const;

/** The `meta` document holding the secret key's check value. */
export const KEY_CHECK_DOC = 'secret-key';

export const DEFAULT_PROFILE = 'default';
export const RUN_HISTORY_LIMIT = 50;

/** Lease names. */
export const runLeaseName = (connectorId: string): string => `run:${connectorId}`;
export const testLeaseName = (connectorId: string): string => `test:${connectorId}`;
