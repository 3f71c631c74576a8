import { ConnectorError } from '@connectors/framework/engine';
import type { LakeCondition, LakeCountQuery } from './types';

const SEGMENT = /^[A-Za-z0-9_@$:-]+$/;
/** Most records one search page returns; an export has no cap (it reads page by page). */
export const MAX_LIMIT = 10_000;

/** Turns `host.ip.0` into the SQLite JSON path `$."host"."ip"[0]`; refuses anything else. */
export function jsonPath(path: string): string {
  const segments = path.split('.');
  if (!path || segments.some((s) => !SEGMENT.test(s))) {
    throw new ConnectorError('LAKE_QUERY_INVALID', `invalid field path "${path}"`, {
      hint: 'Use dotted field names such as host.hostname or trendmicro_cloudone.platform (letters, digits, _ - @ $ :).',
    });
  }
  return '$' + segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s}"`)).join('');
}

// A scalar as text the way a user types it: JSON true/false stay words, numbers print as numbers.
const AS_TEXT = `(CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END)`;

function conditionSql(c: LakeCondition, params: unknown[]): string {
  const op = c.op ?? 'eq';
  if (op !== 'exists' && typeof c.value !== 'string') {
    throw new ConnectorError('LAKE_QUERY_INVALID', `condition on "${c.path}" (${op}) needs a value`);
  }
  // The envelope's indexed columns answer equality on themselves without reading the document.
  if (op === 'eq' && (c.path === 'msg_class' || c.path === 'tenant_id' || c.path === 'id')) {
    params.push(c.value);
    return `r.${c.path === 'tenant_id' ? 'tenant' : c.path} = ?`;
  }
  const path = jsonPath(c.path);
  switch (op) {
    case 'exists':
      params.push(path);
      return `json_type(r.doc, ?) IS NOT NULL`;
    case 'eq':
    case 'neq': {
      params.push(path, c.value);
      const any = `EXISTS (SELECT 1 FROM json_each(r.doc, ?) j WHERE j.type NOT IN ('object', 'array') AND ${AS_TEXT} = ?)`;
      return op === 'eq' ? any : `NOT ${any}`;
    }
    case 'contains':
      params.push(path, c.value);
      return `EXISTS (SELECT 1 FROM json_each(r.doc, ?) j WHERE j.type NOT IN ('object', 'array') AND instr(lower(${AS_TEXT}), lower(?)) > 0)`;
    default:
      throw new ConnectorError('LAKE_QUERY_INVALID', `unknown condition operator "${String(op)}"`, {
        hint: 'Use eq, neq, contains or exists.',
      });
  }
}

/** The WHERE clause and its parameters for a search or count. */
export function whereClause(query: LakeCountQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.tenant !== undefined) {
    parts.push('r.tenant = ?');
    params.push(query.tenant);
  }
  if (query.since !== undefined) {
    parts.push('r.ts >= ?');
    params.push(query.since);
  }
  if (query.until !== undefined) {
    parts.push('r.ts < ?');
    params.push(query.until);
  }
  for (const c of query.where ?? []) parts.push(conditionSql(c, params));
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function clampLimit(limit: number | undefined, fallback = 100): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConnectorError('LAKE_QUERY_INVALID', `limit must be a positive integer, got ${limit}`);
  }
  return Math.min(limit, MAX_LIMIT);
}
