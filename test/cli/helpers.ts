/** Runs the CLI as a child process (`node --import tsx src/cli/main.ts …`) or in-process with captured output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.ts';
import { createCliContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runChild(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ALPHALAB_LOG_LEVEL: 'info', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** stderr lines that are not pino JSON log records. */
export function nonLogLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      try {
        const o = JSON.parse(l) as { level?: unknown };
        return typeof o.level !== 'number';
      } catch {
        return true;
      }
    });
}

export async function runInProcess(
  args: readonly string[],
  extra: readonly ((program: Command, ctx: CliContext) => unknown)[] = [],
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx = createCliContext({
    stdout: (t) => {
      stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    stderr: (t) => {
      stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    stderrIsTTY: false,
    env: { ALPHALAB_LOG_LEVEL: 'silent', ...env },
  });
  const code = await runCli(['node', 'alphalab', ...args], ctx, extra);
  return { code, stdout, stderr };
}
