import type { Command } from 'commander';
import { unsafeSegment } from '@connectors/framework/engine';
import type { RecordCondition } from '@connectors/host';
import { UsageError } from '../exit-codes';
import { formatTime, parseDuration, renderTable } from '../output/table';
import { bind, collect, intOpt, listOpt, optString, type ProgramState } from './shared';

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

export function registerLake(program: Command, state: ProgramState): void {
  program
    .command('search')
    .description('search the Syslog index, newest first')
    .option('--tenant <tenant>', 'only this tenant')
    .option(
      '--where <PATH=VALUE>',
      'field condition on any path: PATH=VALUE, PATH!=VALUE, PATH~TEXT, PATH? (repeatable; AND)',
      collect,
      [],
    )
    .option('--since <duration>', 'only records collected in the last DURATION (e.g. 15m, 1h, 7d)')
    .option('--limit <n>', 'most records (default 20, at most 10000)', '20')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts) => {
        const where = listOpt(opts, 'where').map(parseWhere);
        const sinceText = optString(opts, 'since');
        let since: number | undefined;
        if (sinceText) {
          const ms = parseDuration(sinceText);
          if (ms === undefined)
            throw new UsageError('since', `"${sinceText}" is not a duration`, 'Use e.g. 30s, 15m, 1h or 7d.');
          since = Date.now() - ms;
        }
        const limit = intOpt(opts, 'limit') ?? 20;
        if (limit < 1 || limit > 10_000)
          throw new UsageError('limit', `${limit} is out of bounds`, 'Use a value from 1 to 10000.');
        const tenant = optString(opts, 'tenant');
        const records = await (
          await ctx.facade()
        ).search({
          ...(tenant !== undefined ? { tenant } : {}),
          where,
          ...(since !== undefined ? { since } : {}),
          limit,
        });
        if (opts.json) return ctx.json(records);
        if (!records.length) return ctx.print('No records match.');
        ctx.print(
          renderTable(
            ['Time', 'Tenant', 'msg_class', 'Host', 'IP', 'OS'],
            records.map((r) => {
              const host = (r.host ?? {}) as { hostname?: string; ip?: string[]; os?: { full?: string } };
              return [
                formatTime(r.timestamp),
                r.tenant_id,
                r.msg_class,
                host.hostname,
                (host.ip ?? []).slice(0, 2).join(', '),
                host.os?.full,
              ];
            }),
          ),
        );
        ctx.print(
          `\n${records.length} record${records.length === 1 ? '' : 's'} (newest first; --json for whole records)`,
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
            ['Hostname', 'Tenant', 'Key', 'IP', 'MAC', 'OS', 'First Seen', 'Last Seen', 'State'],
            assets.map((a) => [
              a.hostname ?? a.record.hostname,
              a.tenant_id,
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
