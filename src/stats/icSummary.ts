/**
 * Summary statistics of an IC series and the two half-lives (methods.md §3).
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkNonNegativeInteger, checkPositiveInteger } from './checks.ts';
import { laggedPearson } from './lagged-pearson.ts';
import { neweyWestLags, neweyWestMeanStandardError } from './ols.ts';

/** IC variance at or below this counts as constant (ICs are O(1): methods.md §0 with scale 1). */
const IC_MIN_VARIANCE = 1e-12;

export interface IcSummaryOptions {
  /** Forward-return horizon h in trading days (≥ 1). */
  readonly horizon: number;
  /** Minimum number of valid ICs; default 60 (spec 002). Below it every statistic is NaN. */
  readonly minObs?: number;
  /**
   * Newey–West lags; default max(h, ⌊4(n/100)^{2/9}⌋) for daily ICs of h-day returns (overlapping). Pass
   * `neweyWestLags(n)` for non-overlapping samples.
   */
  readonly lags?: number;
}

export interface IcSummary {
  /** Number of non-NaN ICs. */
  readonly n: number;
  readonly mean: number;
  /** Standard deviation, ddof 1. */
  readonly sd: number;
  /** mean/sd, per bet of horizon h. */
  readonly icir: number;
  /** ICIR·√(252/h). */
  readonly icirAnnualized: number;
  /** #{IC > 0}/n; IC = 0 is a miss. */
  readonly hitRate: number;
  /** mean/(sd/√n), valid for non-overlapping samples. */
  readonly tStatIid: number;
  /** mean/√(Ŝ/n) with Bartlett-weighted Newey–West Ŝ. */
  readonly tStatNeweyWest: number;
  readonly neweyWestStandardError: number;
  readonly neweyWestLags: number;
}

/**
 * Mean, sd (ddof 1), ICIR, ICIR·√(252/h), hit rate, iid and Newey–West t of the non-NaN ICs (methods.md
 * §3). Every statistic is NaN (n is still reported) when n < minObs; ratios are NaN when the ICs are
 * constant. R3.2 (h = 5, minObs ≤ 10): ICIR 0.9874208829065749, NW t 7.06758366885431 with L = 5.
 */
export function summarizeIC(ic: Float64Array, options: IcSummaryOptions): IcSummary {
  checkPositiveInteger('horizon', options.horizon);
  const minObs = options.minObs ?? 60;
  checkNonNegativeInteger('minObs', minObs);
  const v: number[] = [];
  for (let t = 0; t < ic.length; t++) if (!Number.isNaN(ic[t]!)) v.push(ic[t]!);
  const n = v.length;
  const lags = options.lags ?? neweyWestLags(n, options.horizon);
  checkNonNegativeInteger('lags', lags);
  if (n < Math.max(minObs, 2)) {
    const nan = Number.NaN;
    return {
      n,
      mean: nan,
      sd: nan,
      icir: nan,
      icirAnnualized: nan,
      hitRate: nan,
      tStatIid: nan,
      tStatNeweyWest: nan,
      neweyWestStandardError: nan,
      neweyWestLags: lags,
    };
  }
  let mean = 0;
  let hits = 0;
  for (const a of v) {
    mean += a;
    if (a > 0) hits++;
  }
  mean /= n;
  let ss = 0;
  for (const a of v) ss += (a - mean) * (a - mean);
  const variance = ss / (n - 1);
  const sd = Math.sqrt(variance);
  const constant = !(variance > IC_MIN_VARIANCE);
  const icir = constant ? Number.NaN : mean / sd;
  const nwSe = neweyWestMeanStandardError(Float64Array.from(v), lags);
  return {
    n,
    mean,
    sd,
    icir,
    icirAnnualized: icir * Math.sqrt(252 / options.horizon),
    hitRate: hits / n,
    tStatIid: constant ? Number.NaN : mean / (sd / Math.sqrt(n)),
    tStatNeweyWest: constant || !(nwSe > 0) ? Number.NaN : mean / nwSe,
    neweyWestStandardError: nwSe,
    neweyWestLags: lags,
  };
}

export interface HalfLifeFit {
  /** Half-life in lags (days): −ln 2/b if b < 0, +∞ if b ≥ 0, NaN if too few points. */
  readonly halfLife: number;
  /** Fitted slope b (per lag). */
  readonly slope: number;
  /** Number of points used. */
  readonly points: number;
}

/**
 * Signal-decay half-life (methods.md §3, adopted): OLS with intercept of ln IC(ℓ) on ℓ over the lags with
 * IC(ℓ) > 0 (NaN and non-positive skipped); at least 3 points, else NaN. `icByLag[ℓ]` is IC at skip ℓ;
 * `lags` overrides the lag values (default 0, 1, 2, …).
 * R3.3: IC = 0.05·0.8^ℓ, ℓ = 0..4 gives 3.106283719505393.
 */
export function icDecayHalfLife(icByLag: Float64Array, lags?: Float64Array): HalfLifeFit {
  if (lags !== undefined && lags.length !== icByLag.length) {
    throw new InvalidInputError(`lags has length ${lags.length} but icByLag has length ${icByLag.length}`, {
      where: { field: 'lags' },
    });
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let l = 0; l < icByLag.length; l++) {
    const v = icByLag[l]!;
    if (v > 0 && !Number.isNaN(lags?.[l] ?? l)) {
      xs.push(lags?.[l] ?? l);
      ys.push(Math.log(v));
    }
  }
  const points = xs.length;
  if (points < 3) return { halfLife: Number.NaN, slope: Number.NaN, points };
  const mx = xs.reduce((s, a) => s + a, 0) / points;
  const my = ys.reduce((s, a) => s + a, 0) / points;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < points; k++) {
    sxy += (xs[k]! - mx) * (ys[k]! - my);
    sxx += (xs[k]! - mx) ** 2;
  }
  if (!(sxx > 0)) return { halfLife: Number.NaN, slope: Number.NaN, points };
  const slope = sxy / sxx;
  return { halfLife: slope < 0 ? -Math.LN2 / slope : Number.POSITIVE_INFINITY, slope, points };
}

export interface IcPersistenceOptions {
  /** Largest lag; default min(120, ⌊n/3⌋) as in spec 002. */
  readonly maxLag?: number;
  /** Minimum number of positive autocorrelations; default 6 (spec 002 requires more than 5). */
  readonly minPoints?: number;
}

/**
 * IC persistence half-life — spec 002's "IC decay", which measures how long the IC series itself stays
 * autocorrelated (related to turnover), not predictive decay (methods.md §3). On the non-NaN ICs x
 * (consecutive valid values, as spec 002 does), ρ(ℓ) = Pearson(x_{0..n−ℓ}, x_{ℓ..n}) for ℓ = 1..maxLag;
 * ln ρ(ℓ) = −ℓ/τ is fitted through the origin over the ℓ with ρ(ℓ) > 0, τ = −Σℓ²/Σℓ ln ρ, and the
 * half-life is τ ln 2 (+∞ if Σℓ ln ρ ≥ 0). NaN with fewer than `minPoints` positive autocorrelations.
 * Unlike spec 002, no 1e-9 is added inside the log or the ratio (methods.md §0).
 */
export function icPersistenceHalfLife(ic: Float64Array, options: IcPersistenceOptions = {}): HalfLifeFit {
  const v: number[] = [];
  for (let t = 0; t < ic.length; t++) if (!Number.isNaN(ic[t]!)) v.push(ic[t]!);
  const n = v.length;
  const maxLag = options.maxLag ?? Math.min(120, Math.floor(n / 3));
  const minPoints = options.minPoints ?? 6;
  checkNonNegativeInteger('maxLag', maxLag);
  checkPositiveInteger('minPoints', minPoints);
  const x = Float64Array.from(v);
  let sll = 0;
  let sly = 0;
  let points = 0;
  // All lags at once (lagged-pearson.ts): each ρ(ℓ) is pearsonComplete's to the bit.
  const lags = Math.max(0, Math.min(maxLag, n - 2));
  const rhos = laggedPearson(x, n, lags);
  for (let lag = 1; lag <= lags; lag++) {
    const rho = rhos[lag - 1]!;
    if (rho > 0) {
      sll += lag * lag;
      sly += lag * Math.log(rho);
      points++;
    }
  }
  if (points < minPoints) return { halfLife: Number.NaN, slope: Number.NaN, points };
  const slope = sly / sll;
  return { halfLife: slope < 0 ? -Math.LN2 / slope : Number.POSITIVE_INFINITY, slope, points };
}
