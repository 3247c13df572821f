/**
 * Trailing-window covariance and OLS-with-intercept beta of every column of a date-major T×N panel on one
 * series (methods.md §2 "Rolling market beta"): β_{i,t} = Cov_W(r_i, r_m)/Var_W(r_m) over the pairs with
 * indices t−W+1..t where both are non-NaN. Defaults W = 60, minObs = 45; Var(r_m) ≤ 1e-12 gives NaN.
 *
 * Same scheme as rolling.ts: shifted sliding sums, rebuilt from scratch every W dates, so roundoff never
 * accumulates for more than W steps. Each column keeps its own market sums because its NaN pattern decides
 * which market returns enter its window.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkSameLength, outputArray } from './checks.ts';
import { rollingShape } from './rolling.ts';

/** Var(r_m) at or below this (ddof 1) gives NaN beta (methods.md §2). */
export const BETA_MIN_MARKET_VARIANCE = 1e-12;

export interface RollingBetaOptions {
  /** Window length W; default 60. */
  readonly window?: number;
  /** Minimum number of complete pairs; default 45. */
  readonly minObs?: number;
  /** Number of columns N of the date-major input; default 1. */
  readonly columns?: number;
}

export interface RollingBetaResult {
  /** β_{t,i}, date-major T×N. */
  readonly beta: Float64Array;
  /** Intercept α_{t,i} = mean(r_i) − β·mean(r_m) over the same pairs. */
  readonly alpha: Float64Array;
}

/** Scratch of the pair kernel: 6 shifted sums and 2 shifts per column. */
export class PairAccumulators {
  readonly n: Float64Array;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  readonly sxx: Float64Array;
  readonly syy: Float64Array;
  readonly sxy: Float64Array;
  readonly shiftX: Float64Array;
  readonly shiftY: Float64Array;
  constructor(N: number) {
    this.n = new Float64Array(N);
    this.sx = new Float64Array(N);
    this.sy = new Float64Array(N);
    this.sxx = new Float64Array(N);
    this.syy = new Float64Array(N);
    this.sxy = new Float64Array(N);
    this.shiftX = new Float64Array(N);
    this.shiftY = new Float64Array(N);
  }
}

/**
 * Base kernel: after the call for row t, `acc` holds the shifted sums of the complete pairs (x_{u,i}, y_u),
 * u ∈ t−W+1..t. Call it for t = 0, 1, 2, … in order. No checks.
 */
export function advancePairWindow(
  t: number,
  N: number,
  x: Float64Array,
  y: Float64Array,
  W: number,
  acc: PairAccumulators,
): void {
  const { n, sx, sy, sxx, syy, sxy, shiftX, shiftY } = acc;
  if (t % W === 0) {
    const start = Math.max(0, t - W + 1);
    n.fill(0);
    sx.fill(0);
    sy.fill(0);
    sxx.fill(0);
    syy.fill(0);
    sxy.fill(0);
    // Shift each column by its latest complete pair in the window (or by its first pair added later).
    for (let i = 0; i < N; i++) {
      shiftX[i] = 0;
      shiftY[i] = 0;
      for (let u = t; u >= start; u--) {
        const v = x[u * N + i]!;
        if (!Number.isNaN(v) && !Number.isNaN(y[u]!)) {
          shiftX[i] = v;
          shiftY[i] = y[u]!;
          break;
        }
      }
    }
    for (let u = start; u <= t; u++) addPairRow(u, N, x, y, acc, 1);
  } else if (t < W) {
    addPairRow(t, N, x, y, acc, 1);
  } else {
    slidePairRow(t, t - W, N, x, y, acc);
  }
}

/** Adds row `u`'s complete pairs and removes row `old`'s in one sweep over the columns. */
function slidePairRow(
  u: number,
  old: number,
  N: number,
  x: Float64Array,
  y: Float64Array,
  acc: PairAccumulators,
): void {
  const yu = y[u]!;
  const yo = y[old]!;
  // A NaN market return makes the whole row incomplete; the generic routine handles that case.
  if (Number.isNaN(yu) || Number.isNaN(yo)) {
    addPairRow(u, N, x, y, acc, 1);
    addPairRow(old, N, x, y, acc, -1);
    return;
  }
  const { n, sx, sy, sxx, syy, sxy, shiftX, shiftY } = acc;
  const row = u * N;
  const rowOld = old * N;
  for (let i = 0; i < N; i++) {
    const v = x[row + i]!;
    const o = x[rowOld + i]!;
    const vOk = !Number.isNaN(v);
    const oOk = !Number.isNaN(o);
    if (vOk && n[i] === 0) {
      shiftX[i] = v;
      shiftY[i] = yu;
      sx[i] = 0;
      sy[i] = 0;
      sxx[i] = 0;
      syy[i] = 0;
      sxy[i] = 0;
    }
    const cx = shiftX[i]!;
    const cy = shiftY[i]!;
    if (vOk && oOk) {
      const dx = v - cx;
      const dy = yu - cy;
      const ex = o - cx;
      const ey = yo - cy;
      sx[i]! += dx - ex;
      sy[i]! += dy - ey;
      sxx[i]! += dx * dx - ex * ex;
      syy[i]! += dy * dy - ey * ey;
      sxy[i]! += dx * dy - ex * ey;
    } else if (vOk) {
      const dx = v - cx;
      const dy = yu - cy;
      n[i]!++;
      sx[i]! += dx;
      sy[i]! += dy;
      sxx[i]! += dx * dx;
      syy[i]! += dy * dy;
      sxy[i]! += dx * dy;
    } else if (oOk) {
      const ex = o - cx;
      const ey = yo - cy;
      n[i]!--;
      sx[i]! -= ex;
      sy[i]! -= ey;
      sxx[i]! -= ex * ex;
      syy[i]! -= ey * ey;
      sxy[i]! -= ex * ey;
    }
  }
}

/** Adds (sign = 1) or removes (sign = −1) row u's complete pairs. */
function addPairRow(
  u: number,
  N: number,
  x: Float64Array,
  y: Float64Array,
  acc: PairAccumulators,
  sign: number,
): void {
  const yu = y[u]!;
  if (Number.isNaN(yu)) return;
  const { n, sx, sy, sxx, syy, sxy, shiftX, shiftY } = acc;
  const row = u * N;
  for (let i = 0; i < N; i++) {
    const v = x[row + i]!;
    if (!Number.isNaN(v)) {
      if (n[i] === 0) {
        // Empty window: restart the shifted sums around this pair.
        shiftX[i] = v;
        shiftY[i] = yu;
        sx[i] = 0;
        sy[i] = 0;
        sxx[i] = 0;
        syy[i] = 0;
        sxy[i] = 0;
      }
      const dx = v - shiftX[i]!;
      const dy = yu - shiftY[i]!;
      n[i]! += sign;
      sx[i]! += sign * dx;
      sy[i]! += sign * dy;
      sxx[i]! += sign * dx * dx;
      syy[i]! += sign * dy * dy;
      sxy[i]! += sign * dx * dy;
    }
  }
}

function checkPair(x: Float64Array, y: Float64Array, columns: number | undefined): number {
  const N = columns ?? 1;
  if (!Number.isInteger(N) || N < 1 || x.length !== y.length * N) {
    throw new InvalidInputError(
      `x has length ${x.length}, expected y.length × columns = ${y.length} × ${columns ?? 1} = ${y.length * N}`,
      { where: { field: 'x' } },
    );
  }
  return N;
}

/**
 * Trailing-window beta and intercept of every column of `x` (date-major T×N) on the series `y` (length T),
 * OLS with intercept over the complete pairs of rows t−W+1..t (methods.md §2). NaN when fewer than minObs
 * pairs or Var(y) ≤ 1e-12 over those pairs. R2.2 (W = minObs = 5): β = 1.2807612095933265,
 * α = −0.001593065693430657.
 */
export function rollingBeta(
  x: Float64Array,
  y: Float64Array,
  options: RollingBetaOptions = {},
): RollingBetaResult {
  const beta = new Float64Array(x.length);
  const alpha = new Float64Array(x.length);
  betaKernel(x, y, options, beta, alpha);
  return { beta, alpha };
}

/**
 * {@link rollingBeta}'s β only, written into `beta` (length T·N, e.g. on a SharedArrayBuffer), without the
 * intercept panel. Returns `beta`.
 */
export function rollingBetaInto(
  x: Float64Array,
  y: Float64Array,
  options: RollingBetaOptions,
  beta: Float64Array,
): Float64Array {
  checkSameLength('x', x, 'beta', beta);
  betaKernel(x, y, options, beta, undefined);
  return beta;
}

function betaKernel(
  x: Float64Array,
  y: Float64Array,
  options: RollingBetaOptions,
  beta: Float64Array,
  alpha: Float64Array | undefined,
): void {
  const N = checkPair(x, y, options.columns);
  const W = options.window ?? 60;
  const { T, minObs } = rollingShape(
    x.length,
    { window: W, minObs: options.minObs ?? Math.min(45, W), columns: N },
    2,
  );
  const acc = new PairAccumulators(N);
  for (let t = 0; t < T; t++) {
    advancePairWindow(t, N, x, y, W, acc);
    const row = t * N;
    for (let i = 0; i < N; i++) {
      const c = acc.n[i]!;
      const a = acc.sx[i]!;
      const b = acc.sy[i]!;
      const syyC = acc.syy[i]! - (b * b) / c;
      if (c < minObs || !(syyC / (c - 1) > BETA_MIN_MARKET_VARIANCE)) {
        beta[row + i] = Number.NaN;
        if (alpha) alpha[row + i] = Number.NaN;
        continue;
      }
      const sxyC = acc.sxy[i]! - (a * b) / c;
      const bt = sxyC / syyC;
      beta[row + i] = bt;
      // Shifts cancel in the slope; the intercept needs the unshifted means.
      if (alpha) alpha[row + i] = acc.shiftX[i]! + a / c - bt * (acc.shiftY[i]! + b / c);
    }
  }
}

export interface RollingCovarianceOptions extends RollingBetaOptions {
  /** Delta degrees of freedom; default 1. */
  readonly ddof?: number;
}

/**
 * Trailing-window covariance Σ(x − x̄)(y − ȳ)/(n − ddof) of every column of `x` with `y` over the complete
 * pairs of rows t−W+1..t; NaN if fewer than minObs pairs (default: W) or n ≤ ddof.
 * Example: rollingCovariance([1, 2, 4], [1, 3, 2], { window: 3 }) = [NaN, NaN, 0.5].
 */
export function rollingCovariance(
  x: Float64Array,
  y: Float64Array,
  options: RollingCovarianceOptions = {},
  out?: Float64Array,
): Float64Array {
  const N = checkPair(x, y, options.columns);
  const W = options.window ?? 60;
  const { T, minObs } = rollingShape(x.length, { window: W, minObs: options.minObs ?? W, columns: N });
  const ddof = options.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new InvalidInputError(`ddof must be a non-negative integer, got ${ddof}`, {
      where: { field: 'ddof' },
    });
  }
  const r = outputArray(out, x.length);
  const acc = new PairAccumulators(N);
  for (let t = 0; t < T; t++) {
    advancePairWindow(t, N, x, y, W, acc);
    const row = t * N;
    for (let i = 0; i < N; i++) {
      const c = acc.n[i]!;
      r[row + i] =
        c < minObs || c <= ddof ? Number.NaN : (acc.sxy[i]! - (acc.sx[i]! * acc.sy[i]!) / c) / (c - ddof);
    }
  }
  return r;
}
