import type { Command } from 'commander';
import type { CliContext } from '../context';
import { UsageError } from '../exit-codes';

/** Options every command sees: its own merged with the global ones. */
export type Opts = Record<string, unknown> & { json?: boolean };

/** An action: returns the exit code (undefined = 0). */
export type Action = (ctx: CliContext, opts: Opts, args: string[]) => Promise<number | void>;

export interface ProgramState {
  ctx?: CliContext;
  json: boolean;
  code?: number;
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function requireOpt(opts: Opts, name: string, flag = name): string {
  const v = opts[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(flag, 'is required', `Pass --${flag} VALUE.`);
  return v.trim();
}

export function optString(opts: Opts, name: string): string | undefined {
  const v = opts[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function intOpt(opts: Opts, name: string, flag = name): number | undefined {
  const v = opts[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(flag, `"${String(v)}" is not a whole number`, `Pass --${flag} N.`);
  return n;
}

/** A whole number ≥ 1 (a count that 0 would turn into "never"). */
export function positiveIntOpt(opts: Opts, name: string, flag = name): number | undefined {
  const n = intOpt(opts, name, flag);
  if (n === 0) throw new UsageError(flag, '0 would never let anything run', `Pass --${flag} 1 or more.`);
  return n;
}

export function listOpt(opts: Opts, name: string): string[] {
  const v = opts[name];
  return Array.isArray(v) ? (v as string[]) : [];
}

/** Wraps an action for commander: context, merged options, the exit code. */
export function bind(state: ProgramState, action: Action) {
  return async (...params: unknown[]): Promise<void> => {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as Opts;
    const args = params.slice(0, -2).filter((p): p is string => typeof p === 'string');
    const variadic = params.slice(0, -2).find((p) => Array.isArray(p)) as string[] | undefined;
    state.json = !!opts.json;
    const code = await action(state.ctx!, opts, variadic ? [...args, ...variadic] : args);
    state.code = code ?? 0;
  };
}
