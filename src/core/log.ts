/**
 * Structured logging with pino (architecture.md §8): every line carries the run id; human-friendly on a TTY
 * (pino-pretty), JSON otherwise. Logs go to stderr so stdout stays free for tables and `--json` output.
 */
import { randomUUID } from 'node:crypto';
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly runId?: string;
  readonly level?: string;
  /** Force pretty (true) or JSON (false) output; defaults to pretty when stderr is a TTY. */
  readonly pretty?: boolean;
}

/** A new run id: a short, sortable timestamp plus random suffix, e.g. `20261121T090403-3fa2c1`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.ALPHALAB_LOG_LEVEL ?? 'info';
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const base = { runId: options.runId ?? newRunId() };
  if (pretty) {
    return pino({
      level,
      base,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
      },
    });
  }
  return pino({ level, base }, pino.destination(2));
}

/** A logger that drops everything, for library calls made without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
