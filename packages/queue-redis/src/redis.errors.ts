import { ConnectorError } from '@connectors/framework/engine';

interface MaybeReplyError {
  name?: string;
  message?: string;
  previousErrors?: Array<{ message?: string }>;
}

/** The error code of a Redis error reply (`OOM`, `NOGROUP`, `LOADING`…), undefined for other errors. */
export function replyCode(err: unknown): string | undefined {
  const e = err as MaybeReplyError;
  if (e?.name !== 'ReplyError' || typeof e.message !== 'string') return undefined;
  return e.message.split(' ', 1)[0];
}

/** `-OOM` from Redis at maxmemory, directly or as the reason a MULTI was discarded. */
export function isOom(err: unknown): boolean {
  const code = replyCode(err);
  if (code === 'OOM') return true;
  if (code === 'EXECABORT') {
    return ((err as MaybeReplyError).previousErrors ?? []).some((p) => /^OOM/.test(p.message ?? ''));
  }
  return false;
}

const TRANSIENT_REPLIES = new Set([
  'LOADING',
  'BUSY',
  'READONLY',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'MASTERDOWN',
  'NOREPLICAS',
]);

/**
 * Whether trying again later can succeed: the connection failed or closed (the command may or may
 * not have run), or Redis says it is temporarily unable (loading its AOF, failing over).
 */
export function isTransient(err: unknown): boolean {
  const code = replyCode(err);
  if (code === undefined) return !(err instanceof ConnectorError);
  return TRANSIENT_REPLIES.has(code);
}

export function unavailable(err: unknown, what: string): ConnectorError {
  return new ConnectorError('QUEUE_UNAVAILABLE', `${what}: ${(err as Error)?.message ?? String(err)}`, {
    hint: 'Redis is unreachable or not ready; the operation is retried when it comes back.',
    cause: err,
  });
}
