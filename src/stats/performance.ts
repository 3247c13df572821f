/**
 * Return-series performance metrics (methods.md §0, §8): annualised return and volatility, Sharpe, CAGR,
 * information ratio, maximum drawdown, hit rate and rolling Sharpe with Lo's (2002) standard error.
 * Returns are simple per-period returns spaced `spacing` trading days apart (default 1: daily); NaN
 * observations are skipped. Degenerate inputs give NaN (methods.md §0).
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkPositiveInteger, checkSameLength } from './checks.ts';

/** A return standard deviation at or below this makes Sharpe-type ratios NaN (methods.md §8). */
export const MIN_RETURN_SD = 1e-10;
const TRADING_DAYS = 252;

function finiteValues(r: Float64Array): number[] {
  const v: number[] = [];
  for (let t = 0; t < r.length; t++) if (!Number.isNaN(r[t]!)) v.push(r[t]!);
  return v;
}

function meanSd(v: readonly number[]): { mean: number; sd: number } {
  const n = v.length;
  let mean = 0;
  for (const a of v) mean += a;
  mean /= n;
  let ss = 0;
  for (const a of v) ss += (a - mean) * (a - mean);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

function checkSpacing(spacing: number): void {
  if (!(spacing > 0) || !Number.isFinite(spacing)) {
    throw new InvalidInputError(`spacing must be a positive number of trading days, got ${spacing}`, {
      where: { field: 'spacing' },
    });
  }
}

/** 252/Δ · mean(r) (arithmetic, consistent with Sharpe). NaN for no data. R8.1: 0.8505. */
export function annualizedReturn(r: Float64Array, spacing = 1): number {
  checkSpacing(spacing);
  const v = finiteValues(r);
  return v.length === 0 ? Number.NaN : (meanSd(v).mean * TRADING_DAYS) / spacing;
}

/** √(252/Δ) · sd(r), ddof 1. NaN for fewer than 2 returns. R8.1: 0.21864011525792793. */
export function annualizedVolatility(r: Float64Array, spacing = 1): number {
  checkSpacing(spacing);
  const v = finiteValues(r);
  return v.length < 2 ? Number.NaN : meanSd(v).sd * Math.sqrt(TRADING_DAYS / spacing);
}

/**
 * Sharpe ratio √(252/Δ)·mean/sd (ddof 1) of returns already in excess of the risk-free rate (a
 * dollar-neutral book counts as excess). NaN for fewer than 2 returns or sd ≤ 1e-10. R8.1: 3.8899540415841454.
 */
export function sharpeRatio(r: Float64Array, spacing = 1): number {
  checkSpacing(spacing);
  const v = finiteValues(r);
  if (v.length < 2) return Number.NaN;
  const { mean, sd } = meanSd(v);
  return sd > MIN_RETURN_SD ? (mean / sd) * Math.sqrt(TRADING_DAYS / spacing) : Number.NaN;
}

/** Compound annual growth Π(1 + r)^{252/(nΔ)} − 1. NaN for no data. R8.1: 1.289196969627337. */
export function cagr(r: Float64Array, spacing = 1): number {
  checkSpacing(spacing);
  const v = finiteValues(r);
  if (v.length === 0) return Number.NaN;
  // Sum of log1p rather than a running product: no under/overflow over long histories.
  let logGrowth = 0;
  for (const a of v) logGrowth += Math.log1p(a);
  return Math.expm1((logGrowth * TRADING_DAYS) / (spacing * v.length));
}

/**
 * Information ratio √(252/Δ)·mean(a)/sd(a) of active returns a = r − b over the dates where both are
 * non-NaN (ddof 1). NaN for fewer than 2 dates or sd(a) ≤ 1e-10. R8.1 (vs m): 6.091616254761227.
 */
export function informationRatio(r: Float64Array, benchmark: Float64Array, spacing = 1): number {
  checkSameLength('r', r, 'benchmark', benchmark);
  const a = new Float64Array(r.length);
  for (let t = 0; t < r.length; t++) a[t] = r[t]! - benchmark[t]!;
  return sharpeRatio(a, spacing);
}

export interface Drawdown {
  /** min_t(E_t/peak_t − 1) ≤ 0 with E_0 = 1 included in the peak; NaN for no data. */
  readonly maxDrawdown: number;
  /** Index of the return at which the peak before the worst drawdown was reached (−1 = E_0). */
  readonly peakIndex: number;
  /** Index of the return at the trough. */
  readonly troughIndex: number;
  /** DD_t for every t (NaN where r_t is NaN; equity carries over). */
  readonly series: Float64Array;
}

/**
 * Drawdowns of the equity E_t = Π_{s≤t}(1 + r_s) starting from E_0 = 1 (methods.md §8): the peak includes
 * E_0, so a first-period loss is a drawdown. NaN returns leave the equity unchanged and get NaN drawdown.
 * R8.2: r = [−0.10, 0.05] gives −0.1 (spec 001's peak-from-E_1 rule gives 0).
 */
export function drawdowns(r: Float64Array): Drawdown {
  const series = new Float64Array(r.length);
  let equity = 1;
  let peak = 1;
  let peakAt = -1;
  let worst = 0;
  let worstPeak = -1;
  let worstAt = -1;
  let seen = 0;
  for (let t = 0; t < r.length; t++) {
    const a = r[t]!;
    if (Number.isNaN(a)) {
      series[t] = Number.NaN;
      continue;
    }
    seen++;
    equity *= 1 + a;
    if (equity > peak) {
      peak = equity;
      peakAt = t;
    }
    const dd = equity / peak - 1;
    series[t] = dd;
    if (dd < worst) {
      worst = dd;
      worstPeak = peakAt;
      worstAt = t;
    }
  }
  return { maxDrawdown: seen === 0 ? Number.NaN : worst, peakIndex: worstPeak, troughIndex: worstAt, series };
}

/** MaxDD (≤ 0) with E_0 = 1 in the peak. R8.1: −0.02; R8.2: −0.1. */
export function maxDrawdown(r: Float64Array): number {
  return drawdowns(r).maxDrawdown;
}

/**
 * Hit rate #{r_t > 0}/#{non-NaN r_t with non-zero gross exposure} (methods.md §8); without `grossExposure`
 * every non-NaN return counts. NaN if nothing counts. R8.1: 0.625.
 */
export function hitRate(r: Float64Array, grossExposure?: Float64Array): number {
  if (grossExposure !== undefined) checkSameLength('r', r, 'grossExposure', grossExposure);
  let hits = 0;
  let n = 0;
  for (let t = 0; t < r.length; t++) {
    const a = r[t]!;
    if (Number.isNaN(a)) continue;
    if (grossExposure !== undefined && !(Math.abs(grossExposure[t]!) > 0)) continue;
    n++;
    if (a > 0) hits++;
  }
  return n === 0 ? Number.NaN : hits / n;
}

/**
 * Lo (2002) standard error of an annualised Sharpe ratio: √(252/Δ)·√((1 + SR_d²/2)/n), SR_d the
 * per-period Sharpe. 3.55 at n = 20 and 1.00 at n = 252 for SR_d ≈ 0.
 */
export function sharpeStandardError(sharpePerPeriod: number, n: number, spacing = 1): number {
  checkSpacing(spacing);
  return n > 0
    ? Math.sqrt(TRADING_DAYS / spacing) * Math.sqrt((1 + (sharpePerPeriod * sharpePerPeriod) / 2) / n)
    : Number.NaN;
}

export interface RollingSharpe {
  /** Annualised Sharpe of the last W returns at each t; NaN until W non-NaN returns, or if sd ≤ 1e-10. */
  readonly sharpe: Float64Array;
  /** Lo's standard error of each value. */
  readonly standardError: Float64Array;
}

/**
 * Rolling Sharpe over the last `window` returns (methods.md §8, §9.9): √(252/Δ)·mean/sd (ddof 1), requiring
 * all W returns of the window to be non-NaN; sd ≤ 1e-10 gives NaN, not 0 (spec 004 returns 0).
 * R8.1: the last 5 returns give 5.716405692290214.
 */
export function rollingSharpe(r: Float64Array, window: number, spacing = 1): RollingSharpe {
  checkPositiveInteger('window', window);
  checkSpacing(spacing);
  const sharpe = new Float64Array(r.length).fill(Number.NaN);
  const standardError = new Float64Array(r.length).fill(Number.NaN);
  if (window < 2) return { sharpe, standardError };
  for (let t = window - 1; t < r.length; t++) {
    // Two-pass per window: W is small (5–252) and this keeps every value exact to roundoff.
    const v: number[] = [];
    for (let u = t - window + 1; u <= t; u++) if (!Number.isNaN(r[u]!)) v.push(r[u]!);
    if (v.length < window) continue;
    const { mean, sd } = meanSd(v);
    if (!(sd > MIN_RETURN_SD)) continue;
    const srDaily = mean / sd;
    sharpe[t] = srDaily * Math.sqrt(TRADING_DAYS / spacing);
    standardError[t] = sharpeStandardError(srDaily, window, spacing);
  }
  return { sharpe, standardError };
}
