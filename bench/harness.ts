/**
 * Benchmark cases. Each `bench/*.bench.ts` file default-exports an array of cases; `npm run bench` runs every
 * case in a fresh child process (so peak RSS is its own), prints a table and writes JSON results to
 * `bench/results/`. Speed targets live here, never in tests (architecture.md §10).
 */
export interface BenchmarkCase<S = unknown> {
  /** Unique name, e.g. `linalg.gemm`. */
  readonly name: string;
  /** Human-readable problem size, e.g. `504x1500`. */
  readonly size: string;
  /** Optional target, shown beside the result, e.g. `≤ 10 s wall`. */
  readonly target?: string;
  /** Untimed preparation; its result is passed to `run`. */
  setup?(): Promise<S> | S;
  /** The timed work. May return extra metrics (GFLOP/s, per-stage ms, µs per call) for the JSON. */
  run(state: S): Promise<Record<string, number> | undefined> | Record<string, number> | undefined;
}

/**
 * The cases of one benchmark file. Each case's `run` receives what its own `setup` returned; TypeScript cannot
 * infer a different state type per array element, so the state is typed `any` here and checked by the case.
 */
// biome-ignore lint/suspicious/noExplicitAny: per-case state types differ within one array (see above)
export function defineBenchmarks(cases: readonly BenchmarkCase<any>[]): readonly BenchmarkCase<any>[] {
  return cases;
}

/** Time `fn` once, in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
