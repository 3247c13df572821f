/**
 * CAPM regression r_t = α + β m_t + e_t by OLS with classical and Newey–West t-statistics and the appraisal
 * ratio (methods.md §8).
 */
import { checkSameLength } from './checks.ts';
import { neweyWestLags, neweyWestStandardErrors, ols } from './ols.ts';

export interface CapmOptions {
  /** Newey–West lags; default ⌊4(n/100)^{2/9}⌋ (methods.md §8). */
  readonly lags?: number;
  /** Trading days between observations Δ; default 1. */
  readonly spacing?: number;
}

export interface CapmFit {
  /** Complete (r, m) pairs used. */
  readonly n: number;
  readonly alpha: number;
  /** 252/Δ · α. */
  readonly alphaAnnualized: number;
  readonly beta: number;
  readonly alphaTStatOls: number;
  readonly betaTStatOls: number;
  /** `alpha_t` (spec 001's "IR_mkt"): α over its Newey–West standard error. */
  readonly alphaTStat: number;
  readonly betaTStat: number;
  readonly alphaStandardErrorNeweyWest: number;
  readonly betaStandardErrorNeweyWest: number;
  readonly lags: number;
  /** sd(e) with ddof 2 (n − k, k = 2). */
  readonly residualSd: number;
  /** √(252/Δ)·α/sd(e). */
  readonly appraisalRatio: number;
  /** e_t for the complete pairs, in order (spec 001's "active" return). */
  readonly residuals: Float64Array;
}

/**
 * CAPM of returns `r` on market `m` over the dates where both are non-NaN. NaN estimates if fewer than 3
 * pairs or the market is constant. R8.1: α = 0.0008905875299760205, β = 1.2422062350119911, OLS t_α =
 * 0.9462324809567634, NW t_α = 0.9122606600833951 (L = 2), appraisal ratio 5.411641884259112.
 */
export function capm(r: Float64Array, m: Float64Array, options: CapmOptions = {}): CapmFit {
  checkSameLength('r', r, 'm', m);
  const spacing = options.spacing ?? 1;
  const X = new Float64Array(2 * m.length);
  for (let t = 0; t < m.length; t++) {
    X[2 * t] = 1;
    X[2 * t + 1] = m[t]!;
  }
  const fit = ols(r, X, 2);
  const lags = options.lags ?? neweyWestLags(fit.n);
  const nw = neweyWestStandardErrors(fit, lags);
  const alpha = fit.coefficients[0]!;
  const beta = fit.coefficients[1]!;
  const residualSd = Math.sqrt(fit.residualVariance);
  return {
    n: fit.n,
    alpha,
    alphaAnnualized: (252 / spacing) * alpha,
    beta,
    alphaTStatOls: fit.tStats[0]!,
    betaTStatOls: fit.tStats[1]!,
    alphaTStat: alpha / nw[0]!,
    betaTStat: beta / nw[1]!,
    alphaStandardErrorNeweyWest: nw[0]!,
    betaStandardErrorNeweyWest: nw[1]!,
    lags,
    residualSd,
    appraisalRatio: residualSd > 0 ? (Math.sqrt(252 / spacing) * alpha) / residualSd : Number.NaN,
    residuals: fit.residuals,
  };
}
