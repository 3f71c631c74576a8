import { ConnectorError } from '@connectors/framework/engine';
import { jsonPath, type LakeCondition, type LakeCountQuery } from '@connectors/lake';

/** Collects bind parameters; `add` returns its `$n` placeholder. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The jsonpath predicates for "the value at the path, or an element of an array there, equals `value`"
 * as the SQLite lake compares (as text the way a user types it): the string, and the number or boolean
 * it spells. Each is one `doc @@ …` test, which the GIN index (jsonb_path_ops) serves. Path segments are
 * validated by `jsonPath`; the value is a JSON string literal, which jsonpath reads the same way.
 */
function equalities(path: string, value: string): string[] {
  const tests = [`${path} == ${JSON.stringify(value)}`];
  if (NUMBER.test(value) && Number.isFinite(Number(value))) tests.push(`${path} == ${value}`);
  if (value === 'true' || value === 'false') tests.push(`${path} == ${value}`);
  return tests;
}

function conditionSql(c: LakeCondition, p: Params): string {
  const op = c.op ?? 'eq';
  if (op !== 'exists' && typeof c.value !== 'string') {
    throw new ConnectorError('LAKE_QUERY_INVALID', `condition on "${c.path}" (${op}) needs a value`);
  }
  if (op === 'eq' && (c.path === 'msg_class' || c.path === 'tenant_id' || c.path === 'id')) {
    return `r.${c.path === 'tenant_id' ? 'tenant' : c.path} = ${p.add(c.value)}`;
  }
  const path = jsonPath(c.path);
  switch (op) {
    case 'exists':
      return `r.doc @? ${p.add(path)}::jsonpath`;
    case 'eq':
    case 'neq': {
      const any = equalities(path, c.value!).map((t) => `r.doc @@ ${p.add(t)}::jsonpath`);
      // A comparison of different types is "unknown" (NULL): for neq that counts as different.
      return op === 'eq' ? `(${any.join(' OR ')})` : `NOT coalesce(${any.join(' OR ')}, false)`;
    }
    case 'contains':
      return `EXISTS (SELECT 1 FROM jsonb_path_query(r.doc, ${p.add(`${path}[*]`)}::jsonpath) v
        WHERE jsonb_typeof(v) NOT IN ('object', 'array') AND strpos(lower(v #>> '{}'), lower(${p.add(c.value)})) > 0)`;
    default:
      throw new ConnectorError('LAKE_QUERY_INVALID', `unknown condition operator "${String(op)}"`, {
        hint: 'Use eq, neq, contains or exists.',
      });
  }
}

/** The WHERE clause (possibly empty) of a search or count over `records r`. */
export function whereSql(query: LakeCountQuery, p: Params): string {
  const parts: string[] = [];
  if (query.tenant !== undefined) parts.push(`r.tenant = ${p.add(query.tenant)}`);
  if (query.since !== undefined) parts.push(`r.ts >= ${p.add(query.since)}`);
  if (query.until !== undefined) parts.push(`r.ts < ${p.add(query.until)}`);
  for (const c of query.where ?? []) parts.push(conditionSql(c, p));
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}
