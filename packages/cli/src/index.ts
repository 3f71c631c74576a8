export { main, buildProgram, extraCommands } from './program';
export { CliContext, findWorkspaceRoot, processIO } from './context';
export type { CliIO, GlobalOptions } from './context';
export { EXIT, exitCodeOf, UsageError, BAD_INPUT_CODES } from './exit-codes';
export { renderTable, parseDuration, formatDuration, formatTime } from './output/table';
export { parseWhere } from './commands/lake.command';
