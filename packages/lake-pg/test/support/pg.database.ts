import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the tests use (PG_TEST_URL, else the local one); each test gets a database of its own. */
const SERVER_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new empty database with a random name; `drop` ends its sessions and removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lake_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Ends every session of the database but this one's (as a server restart does to the lake's pool). */
export async function terminateSessions(name: string): Promise<number> {
  return admin(async (c) => {
    const { rows } = await c.query(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return rows.length;
  });
}
