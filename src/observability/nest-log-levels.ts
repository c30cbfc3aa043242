import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '../config/env.schema';

const ORDER: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const CUTOFF: Record<LogLevel, number> = {
  silent: 0,
  fatal: 1,
  error: 2,
  warn: 3,
  info: 4,
  debug: 5,
  trace: 6,
};

/**
 * Nest's own levels for LOG_LEVEL, used for what is logged before the JSON logger takes over
 * (opening the database, migrations, the demo seed).
 */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return ORDER.slice(0, CUTOFF[level]);
}
