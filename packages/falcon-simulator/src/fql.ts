import type { FalconDevice } from './types';

type Test = (device: FalconDevice) => boolean;

/** Thrown for a filter or sort outside the supported subset; answered as the vendor's 400. */
export class QueryError extends Error {}

const TERM = /^([a-z_]+):(>=|<=|>|<|!)?(?:'([^']*)'|"([^"]*)"|([^+,']+))$/;

/**
 * A subset of the Falcon Query Language: terms `field:'value'` joined by `+` (and); operators
 * `>`, `>=`, `<`, `<=` (string order, which is time order for ISO timestamps) and `!` (not); `*` as a
 * wildcard in equality; a list field (tags) matches when any element does. Case-insensitive equality.
 */
export function compileFilter(filter: string | undefined): Test {
  if (!filter?.trim()) return () => true;
  const tests = filter.split('+').map((raw) => {
    const m = TERM.exec(raw.trim());
    if (!m) throw new QueryError(`Invalid filter term "${raw.trim()}"`);
    const [, field, op = '', q1, q2, bare] = m;
    const want = (q1 ?? q2 ?? bare ?? '').toLowerCase();
    const pattern = new RegExp(`^${want.split('*').map(escape).join('.*')}$`);
    const cmp = (v: string): boolean => {
      switch (op) {
        case '>':
          return v > want;
        case '>=':
          return v >= want;
        case '<':
          return v < want;
        case '<=':
          return v <= want;
        case '!':
          return !pattern.test(v);
        default:
          return pattern.test(v);
      }
    };
    return (d: FalconDevice): boolean => {
      const value = (d as unknown as Record<string, unknown>)[field];
      if (value === undefined) return op === '!';
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => cmp(String(v).toLowerCase()));
    };
  });
  return (d) => tests.every((t) => t(d));
}

/** `field.asc` / `field.desc` (or `field|asc`): a comparator, or undefined for fleet order. */
export function compileSort(
  sort: string | undefined,
): ((a: FalconDevice, b: FalconDevice) => number) | undefined {
  if (!sort?.trim()) return undefined;
  const m = /^([a-z_]+)[.|](asc|desc)$/.exec(sort.trim());
  if (!m) throw new QueryError(`Invalid sort "${sort}"`);
  const [, field, dir] = m;
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = String((a as unknown as Record<string, unknown>)[field] ?? '');
    const y = String((b as unknown as Record<string, unknown>)[field] ?? '');
    return x < y ? -sign : x > y ? sign : 0;
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
