/**
 * Three-class targets and class-balancing weights, methods.md §9.1–§9.2 (seed 003).
 *
 * Label at bar t from the h-day forward return with execution delay d (methods.md §1):
 *   R_t = P_{t+d+h} / P_{t+d} − 1, defined for t ≤ T − 1 − d − h (the last d + h rows are NaN / dropped).
 *   class UP (2) iff R − u > 1e-12, DOWN (0) iff R + u < −1e-12, else FLAT (1).
 * The 1e-12 tolerance decides boundary moves once: 101/100 − 1 = 0.010000000000000009 is FLAT for u = 0.01,
 * not UP by float rounding (§9.1). The default delay is d = 0 because seed 003 labels close[t+5]/close[t]
 * with features computed from close t, which presumes trading at that same close; research code uses d = 1
 * (config `research.execution_delay`), and callers that cannot trade at the signal's close should pass it.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { Panel } from '../core/panel.ts';

export const DOWN = 0;
export const FLAT = 1;
export const UP = 2;
/** Boundary tolerance of §9.1. */
export const TARGET_TOLERANCE = 1e-12;

export interface ThreeClassTargetOptions {
  /** Forward horizon h in bars (seed 003: 5). */
  readonly horizon: number;
  /** Threshold u > 0 (seed 003: 0.01): UP iff R > u, DOWN iff R < −u (strict, with the 1e-12 tolerance). */
  readonly threshold: number;
  /** Execution delay d ≥ 0 in bars; default 0 (seed 003). */
  readonly delay?: number;
}

/**
 * Base kernel on a strided series: for t in [0, n), reads P at close[off + t·stride] and writes the forward
 * return to `ret[outOff + t·outStride]` and the class (0/1/2, NaN where undefined) to `label[…]`.
 * A missing or non-positive price anywhere in the label's window gives NaN.
 */
export function threeClassLabelsStrided(
  close: Float64Array,
  off: number,
  stride: number,
  n: number,
  h: number,
  d: number,
  u: number,
  ret: Float64Array,
  label: Float64Array,
  outOff: number,
  outStride: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = outOff + t * outStride;
    if (t + d + h >= n) {
      ret[o] = Number.NaN;
      label[o] = Number.NaN;
      continue;
    }
    const p0 = close[off + (t + d) * stride]!;
    const p1 = close[off + (t + d + h) * stride]!;
    const R = p0 > 0 && p1 > 0 ? p1 / p0 - 1 : Number.NaN;
    ret[o] = R;
    label[o] = Number.isNaN(R)
      ? Number.NaN
      : R - u > TARGET_TOLERANCE
        ? UP
        : R + u < -TARGET_TOLERANCE
          ? DOWN
          : FLAT;
  }
}

function checkOptions(o: ThreeClassTargetOptions): { h: number; d: number; u: number } {
  const d = o.delay ?? 0;
  if (!(Number.isInteger(o.horizon) && o.horizon >= 1))
    throw new InvalidInputError(`target horizon must be an integer ≥ 1, got ${o.horizon}`);
  if (!(Number.isInteger(d) && d >= 0))
    throw new InvalidInputError(`execution delay must be an integer ≥ 0, got ${d}`);
  if (!(o.threshold > 0 && Number.isFinite(o.threshold)))
    throw new InvalidInputError(`target threshold must be > 0, got ${o.threshold}`);
  return { h: o.horizon, d, u: o.threshold };
}

export interface ThreeClassTarget {
  /** Forward return R_t (NaN for the last d + h rows or missing prices). */
  readonly forwardReturn: Float64Array;
  /** Class 0/1/2 as a float (NaN where R is NaN). */
  readonly label: Float64Array;
  /** Number of leading rows with a label: T − d − h (rows after it are dropped from training). */
  readonly labelled: number;
}

/**
 * Labels one price series. R9.1: closes [100, 101, 102.5, 100.5, 99.0, 99.5], h = 2, u = 0.01 →
 * labels [2, 1, 0, 1, NaN, NaN].
 */
export function threeClassTarget(
  close: Float64Array | readonly number[],
  options: ThreeClassTargetOptions,
): ThreeClassTarget {
  const { h, d, u } = checkOptions(options);
  const P = close instanceof Float64Array ? close : Float64Array.from(close);
  const n = P.length;
  const forwardReturn = new Float64Array(n);
  const label = new Float64Array(n);
  threeClassLabelsStrided(P, 0, 1, n, h, d, u, forwardReturn, label, 0, 1);
  return { forwardReturn, label, labelled: Math.max(0, n - d - h) };
}

/** Labels every ticker of a close panel (date-major); returns panels of forward returns and classes. */
export function threeClassTargetPanel(
  close: Panel,
  options: ThreeClassTargetOptions,
): { forwardReturn: Panel; label: Panel } {
  const { h, d, u } = checkOptions(options);
  const T = close.dates.length;
  const N = close.tickers.length;
  if (close.values.length !== T * N)
    throw new InvalidInputError(`close panel has ${close.values.length} values, expected ${T}×${N}`);
  const ret = new Float64Array(T * N);
  const lab = new Float64Array(T * N);
  for (let i = 0; i < N; i++) threeClassLabelsStrided(close.values, i, N, T, h, d, u, ret, lab, i, N);
  return {
    forwardReturn: { dates: close.dates, tickers: close.tickers, values: ret },
    label: { dates: close.dates, tickers: close.tickers, values: lab },
  };
}

/**
 * What the three classes are cut from (config `ml.target`):
 * - `absolute` — seed 003's definition: the stock's own h-day forward return R_{t,i};
 * - `market_relative` — R_{t,i} − M_t, with M_t the equal-weighted cross-sectional mean of R_{t,j} over the
 *   stocks that have a forward return at t. Both use the same window [t + d, t + d + h] (methods.md §1,
 *   architecture.md §4), so the relative label is known at exactly the same time as the absolute one.
 *   M_t is the return of an equal-weighted buy-and-hold basket over that window: a tradeable benchmark that
 *   exists for every universe (no index series needed), and it removes the date effect completely, so date-level
 *   features (VIX, calendar) cannot "predict" a class by memorising the market's move (docs/decisions/060).
 */
export type TargetKind = 'absolute' | 'market_relative';
export const TARGET_KINDS: readonly TargetKind[] = ['absolute', 'market_relative'];
/** A cross-sectional mean needs at least this many forward returns on a date (methods.md §0 minimum count). */
export const MIN_CROSS_SECTION = 2;

/**
 * In place on a date-major T × N panel: subtracts from every finite R_{t,i} the equal-weighted mean of the
 * finite values of row t. A row with fewer than MIN_CROSS_SECTION finite values becomes all NaN (a single
 * stock's excess return over itself is 0 by construction, not information). Rows are independent, so row t
 * uses only the returns of the window of t.
 */
export function subtractCrossSectionalMeanInPlace(R: Float64Array, T: number, N: number): Float64Array {
  if (R.length !== T * N) throw new InvalidInputError(`panel has ${R.length} values, expected ${T}×${N}`);
  for (let t = 0; t < T; t++) {
    const o = t * N;
    let s = 0;
    let n = 0;
    for (let i = 0; i < N; i++) {
      const v = R[o + i]!;
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    const m = n >= MIN_CROSS_SECTION ? s / n : Number.NaN;
    for (let i = 0; i < N; i++) R[o + i] = Number.isFinite(R[o + i]!) ? R[o + i]! - m : Number.NaN;
  }
  return R;
}

/** Class of a return with asymmetric thresholds (§9.1): UP iff R − up > 1e-12, DOWN iff R − down < −1e-12. */
export function classOfReturn(R: number, up: number, down: number): number {
  return Number.isNaN(R)
    ? Number.NaN
    : R - up > TARGET_TOLERANCE
      ? UP
      : R - down < -TARGET_TOLERANCE
        ? DOWN
        : FLAT;
}

export interface PanelTargetOptions {
  readonly horizon: number;
  /** Execution delay d ≥ 0. */
  readonly delay: number;
  /** UP threshold u_up > 0 and DOWN threshold u_down < 0 (config ml.up_threshold / ml.down_threshold). */
  readonly upThreshold: number;
  readonly downThreshold: number;
  readonly target: TargetKind;
}

export interface PanelTarget {
  /** The stock's own forward return R_{t,i} (T × N, date-major). */
  readonly forwardReturn: Float64Array;
  /** The return the classes are cut from: R for `absolute`, R − M_t for `market_relative`. */
  readonly labelReturn: Float64Array;
  /** Class 0/1/2 (NaN where labelReturn is NaN). */
  readonly label: Float64Array;
}

/**
 * The training target of a whole close panel (date-major T × N): forward returns with delay d, optionally
 * made market-relative, cut at the asymmetric thresholds. Label at t depends only on closes at t + d and
 * t + d + h (of every stock, for the relative target).
 */
export function panelTarget(close: Float64Array, T: number, N: number, o: PanelTargetOptions): PanelTarget {
  if (!TARGET_KINDS.includes(o.target))
    throw new InvalidInputError(`target must be one of ${TARGET_KINDS.join(', ')}, got '${o.target}'`, {
      where: { field: 'ml.target' },
    });
  if (!(o.upThreshold > 0 && o.downThreshold < 0))
    throw new InvalidInputError(
      `ml.up_threshold must be > 0 and ml.down_threshold < 0, got ${o.upThreshold} and ${o.downThreshold}`,
    );
  const { h, d } = checkOptions({ horizon: o.horizon, threshold: o.upThreshold, delay: o.delay });
  if (close.length !== T * N)
    throw new InvalidInputError(`close panel has ${close.length} values, expected ${T}×${N}`);
  const forwardReturn = new Float64Array(T * N);
  const scratch = new Float64Array(T * N);
  for (let i = 0; i < N; i++)
    threeClassLabelsStrided(close, i, N, T, h, d, o.upThreshold, forwardReturn, scratch, i, N);
  const labelReturn =
    o.target === 'absolute'
      ? forwardReturn
      : subtractCrossSectionalMeanInPlace(Float64Array.from(forwardReturn), T, N);
  const label = scratch;
  for (let k = 0; k < label.length; k++)
    label[k] = classOfReturn(labelReturn[k]!, o.upThreshold, o.downThreshold);
  return { forwardReturn, labelReturn, label };
}

export interface ClassWeights {
  /** w_i = n / (k · count_{y_i}) per sample (scikit-learn "balanced"). */
  readonly weights: Float64Array;
  /** Per-class weight (NaN for an absent class). */
  readonly classWeight: Float64Array;
  readonly counts: Int32Array;
  /** Classes with no sample; training keeps num_class (the booster still has one tree per class). */
  readonly absent: number[];
}

/**
 * Class-balancing weights of §9.2 with k = number of classes present. R9.2: y = [0, 1, 1, 1, 2, 2] →
 * [2, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 1, 1]. Absent classes are reported in
 * `absent` (the caller logs them); n = 0 gives empty weights.
 */
export function classBalanceWeights(y: ArrayLike<number>, numClass = 3): ClassWeights {
  const n = y.length;
  const counts = new Int32Array(numClass);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < numClass))
      throw new InvalidInputError(`label ${c} is not a class in [0, ${numClass})`, { where: { row: i } });
    counts[c]!++;
  }
  const absent: number[] = [];
  let k = 0;
  for (let c = 0; c < numClass; c++) {
    if (counts[c]! > 0) k++;
    else absent.push(c);
  }
  const classWeight = new Float64Array(numClass);
  for (let c = 0; c < numClass; c++) classWeight[c] = counts[c]! > 0 ? n / (k * counts[c]!) : Number.NaN;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = classWeight[y[i]!]!;
  return { weights, classWeight, counts, absent };
}
