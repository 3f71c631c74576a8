import { inspect } from 'node:util';
import { isBlank, type TestResult } from '@connectors/framework/engine';

/** Dot paths of every blank value (null, undefined, blank string, empty array or object) inside `value`. */
export function blankPaths(value: unknown, prefix = ''): string[] {
  if (isBlank(value)) return [prefix || '(root)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => blankPaths(v, `${prefix}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      blankPaths(v, prefix ? `${prefix}.${k}` : k),
    );
  }
  return [];
}

/** The value at a dot path (`auth.apiKey`). */
export function valueAt(obj: Record<string, unknown>, dotPath: string): unknown {
  return dotPath
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      obj,
    );
}

/** Every rendering a value can leak through: JSON, util.inspect, String(), and an Error's own fields. */
export function renderings(value: unknown): string {
  const parts: string[] = [];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular values still have an inspect rendering
  }
  parts.push(inspect(value, { depth: 12, showHidden: false }));
  try {
    parts.push(String(value));
  } catch {
    // objects without a string conversion
  }
  if (value instanceof Error)
    parts.push(value.message, value.stack ?? '', String((value as { hint?: unknown }).hint ?? ''));
  return parts.join('\n');
}

/** Names the secrets found in `text`, for an assertion message that does not print them. */
export function leakedSecrets(text: string, secrets: ReadonlyMap<string, string>): string[] {
  return [...secrets.entries()].filter(([, plain]) => plain && text.includes(plain)).map(([field]) => field);
}

/** The ordered-steps contract of a failed test(): passed…, one failed, skipped… */
export function stepShapeProblems(result: TestResult): string[] {
  const problems: string[] = [];
  const statuses = result.steps.map((s) => s.status);
  const failedAt = statuses.indexOf('failed');
  if (failedAt < 0) return ['no step has status "failed"'];
  if (statuses.filter((s) => s === 'failed').length !== 1) problems.push('more than one step failed');
  if (statuses.slice(0, failedAt).some((s) => s !== 'passed'))
    problems.push('a step before the failed one did not pass');
  if (statuses.slice(failedAt + 1).some((s) => s !== 'skipped'))
    problems.push('a step after the failed one was not skipped');
  const failed = result.steps[failedAt];
  if (!failed.detail) problems.push(`the failed step "${failed.id}" has no detail`);
  if (!result.summary) problems.push('the result has no summary');
  return problems;
}

/** What one collect() of one content type showed: pages emitted and HTTP requests started. */
export interface PagingObservation {
  contentType: string;
  pages: number;
  requests: number;
}

/**
 * The likely cause when a content type yields fewer pages than the suite needs, so a failure points
 * at the plugin's paging code or at the test environment rather than at a symptom.
 */
export function likelyPagingCause(o: PagingObservation): string {
  if (o.requests === 0)
    return `collect() made no HTTP request for "${o.contentType}": it ended before fetching, or its client was not made by the injected HttpClientFactory`;
  if (o.pages === 0)
    return (
      `collect() made ${o.requests} request(s) for "${o.contentType}" and emitted no page: the first answer had no items ` +
      '(check the items path against the API answer and that the fake API serves data), or the first page was never ' +
      'fetched (a first cursor of null must still fetch page 1)'
    );
  if (o.pages === 1)
    return (
      `"${o.contentType}" ended after one page (${o.requests} request(s)): either the next cursor was not read from the ` +
      'answer (fetchPage returned next: null), or the page size in the config is not smaller than what the fake API serves'
    );
  return `"${o.contentType}" yielded ${o.pages} pages`;
}
