import { isBlank } from '@connectors/framework/engine';
import { HostInputError } from '../errors';
import { refuseUnsafePath } from '../safe-input';
import { FILTER_OPERATORS, type FilterCondition, type FilterOperator, type LogFilter } from '../types';

/** A compiled filter: `matches(record)` is true when every condition holds (AND). */
export interface CompiledFilter {
  name: string;
  matches(record: Record<string, unknown>): boolean;
}

const MAX_PATTERN = 512;
const FIELD_RE = /^[A-Za-z0-9_@$-]+(\.[A-Za-z0-9_@$-]+)*$/;

/**
 * Parses a condition written on the command line: `FIELD OPERATOR [VALUE]`, e.g.
 * `host.os.full contains Windows`, `host.ip in 10.0.0.1,10.0.0.2`, `cloud.provider exists`.
 */
export function parseCondition(text: string, field = 'when'): FilterCondition {
  const m = /^\s*(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(text);
  if (!m) {
    throw new HostInputError(
      'FILTER_CONDITION_INVALID',
      field,
      `"${text}" is not FIELD OPERATOR [VALUE]`,
      conditionHint(),
    );
  }
  const [, path, op, rest] = m;
  const operator = op.toLowerCase() as FilterOperator;
  const value = rest?.trim() ?? '';
  const values =
    operator === 'in'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value
        ? [value]
        : [];
  return validateCondition({ field: path, operator, values }, field);
}

/** Checks one condition; throws HostInputError naming what is wrong. */
export function validateCondition(c: FilterCondition, field = 'when'): FilterCondition {
  if (!c || typeof c.field !== 'string' || !FIELD_RE.test(c.field)) {
    throw new HostInputError(
      'FILTER_FIELD_INVALID',
      field,
      `"${c?.field}" is not a field path`,
      'Use a dot path such as host.os.full.',
    );
  }
  refuseUnsafePath(c.field, field);
  if (!FILTER_OPERATORS.includes(c.operator)) {
    throw new HostInputError(
      'FILTER_OPERATOR_INVALID',
      field,
      `unknown operator "${c.operator}"`,
      conditionHint(),
    );
  }
  const values = Array.isArray(c.values) ? c.values.map(String) : [];
  if (c.operator === 'exists') {
    if (values.length)
      throw new HostInputError('FILTER_VALUE_INVALID', field, '"exists" takes no value', conditionHint());
  } else if (c.operator === 'in') {
    if (!values.length)
      throw new HostInputError(
        'FILTER_VALUE_INVALID',
        field,
        '"in" needs at least one value',
        'Separate values with commas.',
      );
  } else if (values.length !== 1) {
    throw new HostInputError(
      'FILTER_VALUE_INVALID',
      field,
      `"${c.operator}" needs one value`,
      conditionHint(),
    );
  }
  if (c.operator === 'matches') {
    if (values[0].length > MAX_PATTERN) {
      throw new HostInputError(
        'FILTER_VALUE_INVALID',
        field,
        `the pattern is longer than ${MAX_PATTERN} characters`,
      );
    }
    try {
      new RegExp(values[0]);
    } catch (err) {
      throw new HostInputError(
        'FILTER_VALUE_INVALID',
        field,
        `"${values[0]}" is not a valid regular expression (${(err as Error).message})`,
      );
    }
  }
  return { field: c.field, operator: c.operator, values };
}

function conditionHint(): string {
  return `Write FIELD OPERATOR [VALUE] with OPERATOR one of ${FILTER_OPERATORS.join(', ')}, e.g. "host.os.full contains Windows".`;
}

/** Values at a dot path; arrays along the way are flattened, so `host.ip` yields every address. */
export function valuesAt(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || node === undefined) continue;
      if (Array.isArray(node)) {
        for (const item of node) {
          if (item && typeof item === 'object') {
            const v = (item as Record<string, unknown>)[part];
            if (v !== undefined) next.push(v);
          }
        }
      } else if (typeof node === 'object') {
        const v = (node as Record<string, unknown>)[part];
        if (v !== undefined) next.push(v);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => !isBlank(v));
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function compileCondition(c: FilterCondition): (record: Record<string, unknown>) => boolean {
  const [first] = c.values;
  switch (c.operator) {
    case 'exists':
      return (r) => valuesAt(r, c.field).length > 0;
    case 'equals':
      return (r) => valuesAt(r, c.field).some((v) => text(v) === first);
    case 'not-equals':
      return (r) => !valuesAt(r, c.field).some((v) => text(v) === first);
    case 'contains': {
      const needle = first.toLowerCase();
      return (r) => valuesAt(r, c.field).some((v) => text(v).toLowerCase().includes(needle));
    }
    case 'matches': {
      const re = new RegExp(first);
      return (r) => valuesAt(r, c.field).some((v) => re.test(text(v)));
    }
    case 'in': {
      const set = new Set(c.values);
      return (r) => valuesAt(r, c.field).some((v) => set.has(text(v)));
    }
  }
}

export function compileFilter(filter: Pick<LogFilter, 'name' | 'conditions'>): CompiledFilter {
  const checks = filter.conditions.map(compileCondition);
  return {
    name: filter.name,
    matches: (record) => checks.length > 0 && checks.every((check) => check(record)),
  };
}

/** Exclude filters: a record is dropped when any attached filter matches it. */
export class ExcludeFilters {
  private readonly compiled: CompiledFilter[];
  readonly dropped = new Map<string, number>();

  constructor(filters: ReadonlyArray<Pick<LogFilter, 'name' | 'conditions'>>) {
    this.compiled = filters.map(compileFilter);
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** Whether to drop the record; counts the drop under the first matching filter's name. */
  excludes(record: Record<string, unknown>): boolean {
    for (const f of this.compiled) {
      if (f.matches(record)) {
        this.dropped.set(f.name, (this.dropped.get(f.name) ?? 0) + 1);
        return true;
      }
    }
    return false;
  }
}
