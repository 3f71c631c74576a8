import type { Command } from 'commander';
import type { TestResult } from '@connectors/framework/engine';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { formatDuration } from '../output/table';
import { bind, requireOpt, type ProgramState } from './shared';

const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

export function printTestResult(ctx: CliContext, result: TestResult): void {
  const width = Math.max(...result.steps.map((s) => s.title.length), 10);
  for (const step of result.steps) {
    const time = step.status === 'skipped' ? 'skipped' : formatDuration(step.durationMs);
    ctx.print(
      `  ${MARK[step.status]} ${step.title.padEnd(width)}  ${time.padStart(8)}${step.detail ? `  ${step.detail}` : ''}`,
    );
    if (step.httpStatus || step.vendorMessage) {
      ctx.print(
        `      ${[step.httpStatus ? `HTTP ${step.httpStatus}` : '', step.vendorMessage ? `vendor: "${step.vendorMessage}"` : ''].filter(Boolean).join(', ')}`,
      );
    }
    if (step.hint) ctx.print(`      fix: ${step.hint}`);
  }
  ctx.print(
    result.ok
      ? `Success: ${result.summary} (${formatDuration(result.durationMs)})`
      : `Failure: ${result.summary}`,
  );
}

export function registerTest(program: Command, state: ProgramState): void {
  program
    .command('test <name>')
    .description('live test: the ordered steps, success or failure, and the detail (nothing is ingested)')
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--json', 'print JSON')
    .action(
      bind(state, async (ctx, opts, [name]) => {
        const report = await (await ctx.facade()).testConnector({ tenant: requireOpt(opts, 'tenant'), name });
        const { connector: def, result, status } = report;
        if (opts.json) {
          ctx.json({
            connector: def,
            ...result,
            status: { state: status.state },
          });
        } else {
          ctx.print(`Testing "${def.name}" (${report.pluginName ?? def.plugin}, tenant ${def.tenant})`);
          printTestResult(ctx, result);
          if (result.ok && status.clearedByTestAt)
            ctx.print('The failed status was cleared; if the fault persists it returns within a minute.');
        }
        return result.ok ? EXIT.ok : EXIT.failed;
      }),
    );
}
