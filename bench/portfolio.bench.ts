/**
 * The portfolio optimiser on the walk-forward stage's own problems (issue 6): the solve tasks of every
 * `STRIDE`-th group of books are captured once from a research-pipeline run on the synthetic market (threads
 * backend, as the stage runs) and cached in the OS temp folder, then replayed here with `solveBook` — the
 * same function a stage worker calls, on the same inputs and warm starts. Each problem is deserialised on its
 * own, so like a worker thread's task it shares no array object with another book.
 *
 * Extra metrics: optimiser CPU per rebalance (process time), ADMM iterations and solves per rebalance, and a
 * checksum of the books. `PORTFOLIO_BOOKS_OUT=<file>` writes the books (v8-serialised) for an entry-by-entry
 * comparison between two trees.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Piscina } from 'piscina';
import { resolveConfig } from '../src/core/config.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { runResearchPipeline } from '../src/pipeline/research.ts';
import { type BookProblem, solveBook } from '../src/pipeline/walk-forward.ts';
import type { SolveTask } from '../src/pipeline/walk-forward-task.ts';
import { defineBenchmarks } from './harness.ts';

/**
 * Every this-many-th group of books is captured. A group is the books that share one α — the six window
 * methods of a rebalance (the Fama–MacBeth book joins them when its names are the window's) — so the
 * operators that share a V within a rebalance are replayed together, as a worker sees them.
 */
const STRIDE = 6;

interface Captured {
  readonly group: number;
  /** v8-serialised BookProblem with plain (non-shared) arrays. */
  readonly bytes: Buffer;
}

/** A deep copy with every typed array on its own ArrayBuffer (v8.serialize refuses SharedArrayBuffers). */
function unshared(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return (x as Float64Array).slice();
  if (Array.isArray(x)) return x.map(unshared);
  if (x !== null && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unshared(v)]));
  return x;
}

/** Runs the pipeline once with the pool's `run` wrapped, keeping the solve tasks of every STRIDE-th group. */
async function capture(stocks: number, days: number): Promise<Captured[]> {
  const config = resolveConfig({ data: { synthetic: { stocks, days } } });
  const { universe } = generateSyntheticMarket({ stocks, days, shared: true });
  const captured: Captured[] = [];
  const groups = new Map<string, number>();
  const run = Piscina.prototype.run;
  // other stages post tasks of other shapes (the context's units are null tasks): only solve tasks are kept
  Piscina.prototype.run = function (this: Piscina, arg: { task: SolveTask | null }, ...rest: []) {
    if (arg.task?.kind === 'solve') {
      const problem = arg.task.problem;
      const a = problem.alpha;
      const key = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = groups.size));
      if (group % STRIDE === 0) captured.push({ group, bytes: serialize(unshared(problem)) });
    }
    return run.call(this, arg, ...rest);
  };
  try {
    await runResearchPipeline({ universe, config, backend: 'threads', workers: 2 });
  } finally {
    Piscina.prototype.run = run;
  }
  return captured;
}

function replay(stocks: number, days: number) {
  const file = join(tmpdir(), `alphalab-portfolio-replay-${stocks}x${days}-s${STRIDE}.bin`);
  return {
    name: `portfolio.replay.${stocks}x${days}`,
    size: `${stocks}x${days}, the books of every ${STRIDE}th group (one α) of the stage's solves`,
    target: 'optimiser CPU ≤ 200 ms per rebalance at 1500x2520',
    async setup() {
      if (!existsSync(file)) writeFileSync(file, serialize(await capture(stocks, days)));
      const captured = deserialize(readFileSync(file)) as Captured[];
      const problems = captured.map((c) => deserialize(c.bytes) as BookProblem);
      // one untimed pass over a first rebalance's books (fresh copies) compiles the hot paths
      for (const c of captured.filter((x) => x.group === captured[0]!.group))
        solveBook(deserialize(c.bytes) as BookProblem);
      return { problems };
    },
    run(s: { problems: BookProblem[] }) {
      // per rebalance = per seven books (the groups mix rebalances' window books and lone factor-model books)
      const rebalances = s.problems.length / 7;
      const cpu0 = process.cpuUsage();
      const sols = s.problems.map((p) => solveBook(p));
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1e3;
      let iterations = 0;
      let solves = 0;
      let failed = 0;
      let checksum = 0;
      for (const sol of sols) {
        if (sol.status !== 'ok') {
          failed++;
          continue;
        }
        iterations += sol.totalIterations;
        solves += sol.solves;
        for (let i = 0; i < sol.w.length; i++) checksum += (i + 1) * sol.w[i]!;
      }
      const out = process.env.PORTFOLIO_BOOKS_OUT;
      if (out) writeFileSync(out, serialize(sols));
      return {
        problems: s.problems.length,
        cpuMsPerRebalance: cpuMs / rebalances,
        iterationsPerRebalance: iterations / rebalances,
        solvesPerRebalance: solves / rebalances,
        failedSolves: failed,
        checksum,
        load1: loadavg()[0]!,
      };
    },
  };
}

export default defineBenchmarks([replay(500, 1260), replay(1500, 2520)]);
