/**
 * Trailing-window sum, mean, variance and standard deviation over a date-major T×N panel (or one series,
 * N = 1), skipping NaN, by sliding sums updated date by date (architecture.md §3: contiguous rows).
 *
 * The window of date t covers indices t−W+1..t (data ≤ t only, so the result at t is point-in-time). Output
 * is NaN when the window holds fewer than `minObs` non-NaN values.
 *
 * Numerical safety: sums are kept in shifted coordinates x − c_i (c_i a value of column i inside the current
 * window), and every W dates (8·W for sums and means, see `rebaseInterval`) the sums are recomputed from
 * scratch with a fresh shift. So the roundoff of the add/remove updates never accumulates over more than
 * that many steps, and the variance Σ(x−c)² − (Σ(x−c))²/n does not cancel catastrophically for data like
 * 1e6 + noise.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkPositiveInteger, outputArray } from './checks.ts';

export interface RollingOptions {
  /** Window length W in rows (dates). */
  readonly window: number;
  /** Minimum number of non-NaN values in the window; default W. */
  readonly minObs?: number;
  /** Number of columns N of the date-major input (length T·N); default 1 (a single series). */
  readonly columns?: number;
}

export interface RollingVarianceOptions extends RollingOptions {
  /** Delta degrees of freedom: divide by n − ddof. Default 1 (time series, methods.md §0). */
  readonly ddof?: number;
}

/** Validated window parameters. */
export interface RollingShape {
  readonly T: number;
  readonly N: number;
  readonly W: number;
  readonly minObs: number;
}

export function rollingShape(length: number, options: RollingOptions, minObsFloor = 1): RollingShape {
  const N = options.columns ?? 1;
  checkPositiveInteger('columns', N);
  checkPositiveInteger('window', options.window);
  if (length % N !== 0) {
    throw new InvalidInputError(`input length ${length} is not a multiple of columns = ${N}`, {
      where: { field: 'columns' },
    });
  }
  const minObs = options.minObs ?? options.window;
  if (!Number.isInteger(minObs) || minObs < minObsFloor || minObs > options.window) {
    throw new InvalidInputError(
      `minObs must be an integer in [${minObsFloor}, window = ${options.window}], got ${minObs}`,
      {
        where: { field: 'minObs' },
      },
    );
  }
  return { T: length / N, N, W: options.window, minObs };
}

/** Which statistic the base kernel writes. */
export const RollingStat = { Sum: 0, Mean: 1, Variance: 2, Std: 3 } as const;
export type RollingStat = (typeof RollingStat)[keyof typeof RollingStat];

/**
 * Shifted sums of a trailing window per column (length ≥ N each): count n, Σd and Σd² with d = x − shift.
 * The state of the sliding kernels below, shared with the streamed signals (signals/raw-stream.ts).
 */
export interface WindowSums {
  readonly n: Float64Array;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  readonly shift: Float64Array;
}

/**
 * Rebase: the sums of rows max(0, t−W+1) … t of the date-major `x` from scratch, around the latest non-NaN
 * value of each column in that window (0 if none): {@link resetWindowSums}, then each row added in order.
 */
export function rebaseWindowSums(x: Float64Array, N: number, t: number, W: number, sums: WindowSums): void {
  const { n, s1, s2, shift } = sums;
  const start = resetWindowSums(x, N, t, W, sums);
  for (let u = start; u <= t; u++) {
    const r = u * N;
    for (let i = 0; i < N; i++) {
      const v = x[r + i]!;
      if (!Number.isNaN(v)) {
        const d = v - shift[i]!;
        n[i]!++;
        s1[i]! += d;
        s2[i]! += d * d;
      }
    }
  }
}

/**
 * The first half of a rebase: zero sums, and as each column's shift the latest non-NaN value of rows
 * max(0, t−W+1) … t (0 if none). Returns the window's first row; the caller adds rows start … t.
 */
export function resetWindowSums(x: Float64Array, N: number, t: number, W: number, sums: WindowSums): number {
  const { n, s1, s2, shift } = sums;
  const start = Math.max(0, t - W + 1);
  for (let i = 0; i < N; i++) {
    n[i] = 0;
    s1[i] = 0;
    s2[i] = 0;
    shift[i] = 0;
    for (let u = t; u >= start; u--) {
      const v = x[u * N + i]!;
      if (!Number.isNaN(v)) {
        shift[i] = v;
        break;
      }
    }
  }
  return start;
}

/** Slide: add row t's non-NaN values, then remove row t − W's (when t ≥ W). */
export function slideWindowSums(x: Float64Array, N: number, t: number, W: number, sums: WindowSums): void {
  const { n, s1, s2, shift } = sums;
  const row = t * N;
  const old = t >= W ? (t - W) * N : -1;
  for (let i = 0; i < N; i++) {
    const v = x[row + i]!;
    if (!Number.isNaN(v)) {
      // An empty window (e.g. all NaN at the last rebase) restarts around the first new value.
      if (n[i] === 0) {
        shift[i] = v;
        s1[i] = 0;
        s2[i] = 0;
      }
      const d = v - shift[i]!;
      n[i]!++;
      s1[i]! += d;
      s2[i]! += d * d;
    }
    if (old >= 0) {
      const o = x[old + i]!;
      if (!Number.isNaN(o)) {
        const d = o - shift[i]!;
        n[i]!--;
        s1[i]! -= d;
        s2[i]! -= d * d;
      }
    }
  }
}

/**
 * `sign` × the window statistic of each column into out[at … at + N) (NaN below minObs values). ×(−1) is
 * exact, so a signed statistic equals the negated one.
 */
export function windowStatRow(
  sums: WindowSums,
  N: number,
  minObs: number,
  stat: RollingStat,
  ddof: number,
  out: Float64Array,
  at: number,
  sign = 1,
): void {
  const { n, s1, s2, shift } = sums;
  for (let i = 0; i < N; i++) {
    const c = n[i]!;
    let value: number;
    if (c < minObs) value = Number.NaN;
    else if (stat === RollingStat.Sum) value = s1[i]! + c * shift[i]!;
    else if (stat === RollingStat.Mean) value = shift[i]! + s1[i]! / c;
    else {
      const a = s1[i]!;
      // Σd² − (Σd)²/n ≥ 0 in exact arithmetic; a rounding residue below 0 means zero spread.
      const m2 = Math.max(0, s2[i]! - (a * a) / c);
      const variance = c > ddof ? m2 / (c - ddof) : Number.NaN;
      value = stat === RollingStat.Variance ? variance : Math.sqrt(variance);
    }
    out[at + i] = sign === 1 ? value : value * sign;
  }
}

/**
 * Sums and means rebase every 8·W rows, variances every W. A mean is shift + Σd/n: its rounding grows with
 * the number of updates but never cancels, so a rebase (a pass over W rows) every 8·W rows keeps it within
 * a few ulp while costing an eighth of a pass per row. A variance is Σd² − (Σd)²/n, which cancels once the
 * data drift away from the shift, so it rebases every W rows (docs/decisions/026).
 */
export function rebaseInterval(W: number, stat: RollingStat): number {
  return stat === RollingStat.Sum || stat === RollingStat.Mean ? 8 * W : W;
}

/**
 * Base kernel: trailing-window statistic `stat` of every column of the date-major T×N `x`, NaN-skipping,
 * into `out` (same shape). `n`, `s1`, `s2`, `shift` are scratch of length ≥ N. No checks.
 */
export function rollingMomentsKernel(
  T: number,
  N: number,
  x: Float64Array,
  W: number,
  minObs: number,
  stat: RollingStat,
  ddof: number,
  out: Float64Array,
  n: Float64Array,
  s1: Float64Array,
  s2: Float64Array,
  shift: Float64Array,
): void {
  const sums: WindowSums = { n, s1, s2, shift };
  const every = rebaseInterval(W, stat);
  for (let t = 0; t < T; t++) {
    if (t % every === 0) rebaseWindowSums(x, N, t, W, sums);
    else slideWindowSums(x, N, t, W, sums);
    windowStatRow(sums, N, minObs, stat, ddof, out, t * N);
  }
}

function runRolling(
  x: Float64Array,
  options: RollingVarianceOptions,
  stat: RollingStat,
  out: Float64Array | undefined,
): Float64Array {
  const { T, N, W, minObs } = rollingShape(x.length, options);
  const ddof = options.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new InvalidInputError(`ddof must be a non-negative integer, got ${ddof}`, {
      where: { field: 'ddof' },
    });
  }
  const r = outputArray(out, x.length);
  rollingMomentsKernel(
    T,
    N,
    x,
    W,
    minObs,
    stat,
    ddof,
    r,
    new Float64Array(N),
    new Float64Array(N),
    new Float64Array(N),
    new Float64Array(N),
  );
  return r;
}

/**
 * Trailing-window sum of the non-NaN values of each column over rows t−W+1..t; NaN if fewer than minObs.
 * Example: rollingSum([1, 2, NaN, 4], { window: 2, minObs: 1 }) = [1, 3, 2, 4].
 */
export function rollingSum(x: Float64Array, options: RollingOptions, out?: Float64Array): Float64Array {
  return runRolling(x, options, RollingStat.Sum, out);
}

/** Trailing-window mean of the non-NaN values; NaN if fewer than minObs. Example: [1, 2, 3], W = 2 → [NaN, 1.5, 2.5]. */
export function rollingMean(x: Float64Array, options: RollingOptions, out?: Float64Array): Float64Array {
  return runRolling(x, options, RollingStat.Mean, out);
}

/**
 * Trailing-window variance Σ(x − x̄)²/(n − ddof) of the non-NaN values (ddof 1 by default); NaN if fewer
 * than minObs values or n ≤ ddof. Example: [1, 2, 4], W = 3 → [NaN, NaN, 2.3333333333333335].
 */
export function rollingVariance(
  x: Float64Array,
  options: RollingVarianceOptions,
  out?: Float64Array,
): Float64Array {
  return runRolling(x, options, RollingStat.Variance, out);
}

/** Square root of {@link rollingVariance}. */
export function rollingStd(
  x: Float64Array,
  options: RollingVarianceOptions,
  out?: Float64Array,
): Float64Array {
  return runRolling(x, options, RollingStat.Std, out);
}
