import type { Pool, PoolClient } from 'pg';
import { isTransientPgError } from './pg.errors';

/**
 * Runs `body` in one transaction on a pooled connection: COMMIT before it resolves, ROLLBACK when it
 * throws. A connection that failed is discarded (the pool opens a new one next time), and its `error`
 * event, which a server shutdown emits besides failing the query, is absorbed here.
 */
export async function inTransaction<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const absorb = (): void => undefined;
  client.on('error', absorb);
  let failed: unknown;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(failed !== undefined && isTransientPgError(failed) ? (failed as Error) : undefined);
    client.off('error', absorb);
  }
}
