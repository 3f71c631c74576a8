import { createLogger, type Logger } from '@connectors/framework/engine';
import type { CapturedLogs } from './types';

/** The framework logger (same redaction) writing into memory, at `trace` so nothing escapes a check. */
export function createCapturingLogger(level = 'trace'): { logger: Logger; logs: CapturedLogs } {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return {
    logger,
    logs: {
      lines,
      entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      text: () => lines.join(''),
      clear: () => void (lines.length = 0),
    },
  };
}
