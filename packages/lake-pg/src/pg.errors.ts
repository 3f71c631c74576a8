import { ConnectorError } from '@connectors/framework/engine';

/** The URL with its password replaced, for messages, logs and status. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** "host:port, database "db"" for messages; never the password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
    return `${u.hostname || 'localhost'}:${u.port || '5432'}, database "${database}"`;
  } catch {
    return redactUrl(url);
  }
}

export function checkUrl(url: string): void {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')) {
    throw new ConnectorError('LAKE_URL_INVALID', `lake URL "${redactUrl(url)}" is not a postgres:// URL`, {
      hint: 'Pass --lake-url postgres://USER:PASSWORD@HOST:5432/DATABASE (or set LAKE_URL), or leave it out for the SQLite lake in the data directory.',
    });
  }
}

/**
 * Errors that mean "try the batch again later": the connection (class 08, a client-side reset or
 * timeout), the server shutting down or starting (57P01–57P03), too many connections or out of
 * resources (53), a serialization failure or deadlock (40001, 40P01), a lock timeout (55P03).
 */
export function isTransientPgError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|53|57P0[123]|40001|40P01|55P03)/.test(code)) return true;
  if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/** Why the lake cannot be opened, with what to check. */
export function unreachable(url: string, err: unknown): ConnectorError {
  const e = err as { code?: unknown; message?: unknown };
  const target = describeTarget(url);
  const reason = String(e?.message ?? err);
  if (e?.code === '3D000') {
    return new ConnectorError('LAKE_UNREACHABLE', `the PostgreSQL lake at ${target} does not exist`, {
      hint: 'Create the database (createdb NAME, or CREATE DATABASE NAME) or fix the database name in the lake URL.',
      cause: err,
    });
  }
  if (e?.code === '28P01' || e?.code === '28000') {
    return new ConnectorError('LAKE_UNREACHABLE', `PostgreSQL at ${target} refused the login: ${reason}`, {
      hint: "Check the user and password of the lake URL and the server's pg_hba.conf.",
      cause: err,
    });
  }
  return new ConnectorError('LAKE_UNREACHABLE', `cannot reach the PostgreSQL lake at ${target}: ${reason}`, {
    hint: 'Check that PostgreSQL runs and listens at that host and port (pg_isready -h HOST -p PORT), that the database exists and that this user may connect; the lake URL comes from --lake-url or LAKE_URL.',
    cause: err,
  });
}
