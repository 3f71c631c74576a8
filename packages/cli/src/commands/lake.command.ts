import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { unsafeSegment } from '@connectors/framework/engine';
import type { RecordCondition, RecordQuery } from '@connectors/host';
import type { CliContext } from '../context';
import { UsageError } from '../exit-codes';
import { recordTable } from '../output/record-columns';
import { formatTime, parseDuration, renderTable } from '../output/table';
import { bind, collect, intOpt, listOpt, optString, type Opts, type ProgramState } from './shared';

/**
 * `--where` forms: `PATH=VALUE` (equals, or any element of an array equals), `PATH!=VALUE`,
 * `PATH~VALUE` (contains, case-insensitive), `PATH?` (exists).
 */
export function parseWhere(text: string): RecordCondition {
  const unsafe = unsafeSegment(text.split(/[=!~?\s]/)[0]);
  if (unsafe !== undefined)
    throw new UsageError(
      'where',
      `"${text}" names "${unsafe}", which is not a field`,
      'Use a field path such as host.hostname.',
    );
  const exists = /^([^=!~?\s]+)\?$/.exec(text.trim());
  if (exists) return { path: exists[1], op: 'exists' };
  const m = /^([^=!~\s]+)\s*(!=|~|=)(.*)$/.exec(text);
  if (!m) {
    throw new UsageError(
      'where',
      `"${text}" is not PATH=VALUE`,
      'Use PATH=VALUE, PATH!=VALUE, PATH~TEXT (contains) or PATH? (exists), e.g. host.hostname=web-1.',
    );
  }
  const op = m[2] === '=' ? 'eq' : m[2] === '!=' ? 'neq' : 'contains';
  return { path: m[1], op, value: m[3] };
}

/** `--since` as epoch ms. */
function sinceOf(opts: Opts): number | undefined {
  const sinceText = optString(opts, 'since');
  if (!sinceText) return undefined;
  const ms = parseDuration(sinceText);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(
      'since',
      `"${sinceText}" is not a duration${ms === 0 ? ' longer than zero' : ''}`,
      'Use e.g. 30s, 15m, 1h or 7d; leave --since out for every record.',
    );
  }
  return Date.now() - ms;
}

function fieldsOf(opts: Opts): string[] | undefined {
  const text = optString(opts, 'fields');
  if (text === undefined) return undefined;
  const fields = text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const bad = fields.find(
    (f) => !/^[A-Za-z0-9_@$:-]+(\.[A-Za-z0-9_@$:-]+)*$/.test(f) || unsafeSegment(f) !== undefined,
  );
  if (!fields.length || bad !== undefined)
    throw new UsageError(
      'fields',
      bad === undefined ? 'names no field' : `"${bad}" is not a field path`,
      'Use comma-separated field paths, e.g. --fields host.hostname,host.ip,event.action.',
    );
  return fields;
}

/**
 * Every match as NDJSON, to stdout or a file, written as the lake yields it (with backpressure), so
 * memory stays bounded by one page; with a file, progress goes to stderr.
 */
async function exportMatches(ctx: CliContext, query: RecordQuery, out: string | undefined): Promise<void> {
  const facade = await ctx.facade();
  const total = out ? (await facade.countRecords(query)).count : undefined;
  const lines = await facade.exportRecords(query);
  const stream = out ? createWriteStream(out, { flags: 'w' }) : ctx.io.stdout;
  const failed = out ? once(stream, 'error').then(([err]) => Promise.reject(err as Error)) : undefined;
  failed?.catch(() => undefined);
  let written = 0;
  let shownAt = 0;
  const progress = (): void => {
    ctx.io.stderr.write(
      `exported ${written.toLocaleString('en-US')} of ${total!.toLocaleString('en-US')} records to ${out}\n`,
    );
  };
  for await (const line of lines) {
    if (!stream.write(line))
      await (failed ? Promise.race([once(stream, 'drain'), failed]) : once(stream, 'drain'));
    written++;
    if (out && Date.now() - shownAt >= 1_000) {
      shownAt = Date.now();
      progress();
    }
  }
  if (out) {
    const done = once(stream, 'finish');
    stream.end();
    await Promise.race([done, failed]);
    progress();
  }
}

export function registerLake(program: Command, state: ProgramState): void {
  program
    .command('search')
    .description(
      'search the Syslog index, newest first: a page with the total and the next cursor, or every match as NDJSON',
    )
    .option('--tenant <tenant>', 'only this tenant')
    .option(
      '--where <PATH=VALUE>',
      'field condition on any path: PATH=VALUE, PATH!=VALUE, PATH~TEXT, PATH? (repeatable; AND)',
      collect,
      [],
    )
    .option('--since <duration>', 'only records collected in the last DURATION (e.g. 15m, 1h, 7d)')
    .option('--limit <n>', 'records per page (default 20, at most 10000)', '20')
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--fields <a,b,c>', "table columns: these field paths (default: chosen by the records' content)")
    .option('--export', 'every match as NDJSON on stdout, no limit (bounded memory)')
    .option('--out <file>', 'with --export (implied): write the NDJSON to FILE, progress on stderr')
    .option('--json', "print the page's records as JSON (total and next cursor on stderr)")
    .action(
      bind(state, async (ctx, opts) => {
        const where = listOpt(opts, 'where').map(parseWhere);
        const since = sinceOf(opts);
        const tenant = optString(opts, 'tenant');
        const query: RecordQuery = {
          ...(tenant !== undefined ? { tenant } : {}),
          where,
          ...(since !== undefined ? { since } : {}),
        };
        const out = optString(opts, 'out');
        if (opts.export || out !== undefined) {
          if (opts.json || opts.cursor !== undefined)
            throw new UsageError(
              'export',
              'exports every match as NDJSON',
              'Leave out --json and --cursor with --export.',
            );
          return exportMatches(ctx, query, out && path.resolve(ctx.io.cwd, out));
        }
        const fields = fieldsOf(opts);
        const limit = intOpt(opts, 'limit') ?? 20;
        if (limit < 1 || limit > 10_000)
          throw new UsageError(
            'limit',
            `${limit} is out of bounds`,
            'Use a value from 1 to 10000, or --export for every match.',
          );
        const cursor = optString(opts, 'cursor');
        const page = await (
          await ctx.facade()
        ).search({ ...query, limit, ...(cursor !== undefined ? { cursor } : {}) });
        const next = page.nextCursor ? `next page: --cursor ${page.nextCursor}` : 'last page';
        if (opts.json) {
          ctx.json(page.records);
          return ctx.note(`${page.total} record${page.total === 1 ? '' : 's'} match; ${next}`, true);
        }
        if (!page.records.length) return ctx.print(cursor ? 'No more records match.' : 'No records match.');
        const table = recordTable(page.records, fields);
        ctx.print(renderTable(table.headers, table.rows));
        ctx.print(
          `\n${page.records.length} of ${page.total.toLocaleString('en-US')} record${page.total === 1 ? '' : 's'} (newest first; --json for whole records, --export for all); ${next}`,
        );
      }),
    );

  program
    .command('assets')
    .description('assets from inventory collections: identity, addresses, first and last seen')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--include-removed', 'also assets a complete snapshot found gone')
    .option('--limit <n>', 'most assets (default 50)', '50')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const limit = intOpt(opts, 'limit') ?? 50;
        const tenant = optString(opts, 'tenant');
        const assets = await (
          await ctx.facade()
        ).listAssets({
          ...(tenant !== undefined ? { tenant } : {}),
          includeRemoved: !!opts.includeRemoved,
          limit,
        });
        if (opts.json) return ctx.json(assets);
        if (!assets.length) return ctx.print('No assets.');
        ctx.print(
          renderTable(
            ['Hostname', 'Tenant', 'Source', 'Key', 'IP', 'MAC', 'OS', 'First Seen', 'Last Seen', 'State'],
            assets.map((a) => [
              a.hostname ?? a.record.hostname,
              a.tenant_id,
              a.source,
              `${a.primaryKey.key}=${a.primaryKey.value}`,
              (a.record.ip ?? []).slice(0, 2).join(', '),
              (a.record.mac ?? []).slice(0, 1).join(', '),
              a.record.os,
              formatTime(a.firstSeen),
              formatTime(a.lastSeen),
              a.removed ? `removed ${formatTime(a.removedAt)}` : 'present',
            ]),
          ),
        );
      }),
    );
}
