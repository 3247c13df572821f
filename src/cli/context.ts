/**
 * What every command receives: where to print, and a per-invocation session built from the global
 * options (`--config`, `--json`, `--log-level`, `--verbose`) — the effective config, a logger on stderr
 * with a run id, and progress bars. Commands plug in as `register<Name>Command(program, ctx)`.
 */
import type { Command } from 'commander';
import { type AlphalabConfig, loadConfig } from '../core/config.ts';
import { createLogger, type Logger, newRunId } from '../core/log.ts';
import { createProgress, type Progress, progressCallback } from './progress.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars, pretty logs). */
  readonly stderrIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  readonly config?: string;
  readonly json: boolean;
  readonly logLevel?: string;
  readonly verbose: boolean;
}

export interface CliSession {
  readonly options: GlobalOptions;
  readonly runId: string;
  readonly logger: Logger;
  /** The effective configuration: file → environment → overrides (loaded on first use). */
  config(overrides?: Record<string, unknown>): AlphalabConfig;
  /** Prints a line (or lines) on stdout. */
  print(text: string): void;
  /** Prints `value` as pretty JSON on stdout. */
  printJson(value: unknown): void;
  progress(label: string, total: number): Progress;
  progressCallback(label: string): (done: number, total: number) => void;
}

export interface CliContext {
  readonly io: CliIo;
  /** The session of the command being run (global options read from `command` and its parents). */
  session(command: Command): CliSession;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

export function readGlobalOptions(command: Command): GlobalOptions {
  const o = command.optsWithGlobals() as Record<string, unknown>;
  const out: { config?: string; json: boolean; logLevel?: string; verbose: boolean } = {
    json: o.json === true,
    verbose: o.verbose === true,
  };
  if (typeof o.config === 'string') out.config = o.config;
  if (typeof o.logLevel === 'string') out.logLevel = o.logLevel;
  return out;
}

export function createCliContext(io: CliIo = processIo()): CliContext {
  return {
    io,
    session(command) {
      const options = readGlobalOptions(command);
      const runId = newRunId();
      const level = options.logLevel ?? io.env.ALPHALAB_LOG_LEVEL ?? 'info';
      const logger = createLogger({ runId, level, pretty: io.stderrIsTTY });
      const progressOptions = { enabled: io.stderrIsTTY && level !== 'silent' };
      return {
        options,
        runId,
        logger,
        config(overrides) {
          return loadConfig({
            ...(options.config ? { file: options.config } : {}),
            env: io.env,
            ...(overrides ? { overrides } : {}),
          });
        },
        print: (text) => io.stdout(text),
        printJson: (value) => io.stdout(JSON.stringify(value, null, 2)),
        progress: (label, total) => createProgress(label, total, progressOptions),
        progressCallback: (label) => progressCallback(label, progressOptions),
      };
    },
  };
}
