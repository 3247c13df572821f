/**
 * The node options a pool worker starts with: the parent's (profiling, memory limits…) without the tsx
 * loader options. A worker inherits `--import tsx` (or the tsx CLI's `--require …/tsx/…` and `--import
 * …/tsx/…`) from a parent that runs under tsx, and worker.js registers tsx's ESM loader itself, so the
 * inherited copy only cost: a second loader in the chain of every import, and tsx's CommonJS hook, which
 * turned piscina's first `require()` of the (ESM) worker entry into an esbuild transform — starting an
 * esbuild service per worker, ≈ 0.5 s CPU each (docs/decisions/027).
 */
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** Whether a loader option's value names tsx (`tsx`, `tsx/esm`, a path or URL inside the tsx package). */
function isTsx(value: string): boolean {
  return /^tsx(\/|$)/.test(value) || /[/\\]tsx[/\\]/.test(value);
}

export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let k = 0; k < parent.length; k++) {
    const arg = parent[k]!;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (LOADER_FLAGS.has(flag)) {
      const value = eq < 0 ? parent[k + 1] : arg.slice(eq + 1);
      if (value !== undefined && isTsx(value)) {
        if (eq < 0) k++;
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}
