/**
 * Fama–MacBeth factor premia (methods.md §6): f̄_k = mean_t f̂_{t,k}, iid t = f̄/(sd/√T) with sd ddof 1,
 * and the Newey–West t with Bartlett weights, 1/T normalisation and no small-sample correction
 * (statsmodels `cov_hac_simple` defaults, methods.md §3 [S2, S15]).
 */
import type { FactorPremium } from './types.ts';

/** statsmodels' default lag count ⌊4(T/100)^{2/9}⌋. */
export function neweyWestDefaultLags(T: number): number {
  return Math.floor(4 * (T / 100) ** (2 / 9));
}

/**
 * Base kernel: Newey–West long-run variance of column k of the T × K matrix x, around its mean:
 * γ_0 + 2 Σ_{l=1..L} (1 − l/(L+1)) γ_l with γ_l = (1/T) Σ_{t≥l} (x_t − x̄)(x_{t−l} − x̄).
 */
function longRunVarianceColumn(
  T: number,
  K: number,
  x: Float64Array,
  k: number,
  mean: number,
  L: number,
): number {
  let s = 0;
  for (let l = 0; l <= Math.min(L, T - 1); l++) {
    let g = 0;
    for (let t = l; t < T; t++) g += (x[t * K + k]! - mean) * (x[(t - l) * K + k]! - mean);
    g /= T;
    s += l === 0 ? g : 2 * (1 - l / (L + 1)) * g;
  }
  return s;
}

/** Premia of each of the K columns of the T × K factor-return matrix. */
export function factorPremia(
  T: number,
  K: number,
  fHat: Float64Array,
  factors: readonly string[],
  nwLags: number,
): FactorPremium[] {
  const out: FactorPremium[] = [];
  for (let k = 0; k < K; k++) {
    let mean = 0;
    for (let t = 0; t < T; t++) mean += fHat[t * K + k]!;
    mean /= T;
    let ss = 0;
    for (let t = 0; t < T; t++) ss += (fHat[t * K + k]! - mean) ** 2;
    const sd = T >= 2 ? Math.sqrt(ss / (T - 1)) : Number.NaN;
    const lrv = longRunVarianceColumn(T, K, fHat, k, mean, nwLags);
    // A constant series has no standard error: NaN, never ±Infinity (methods.md §0).
    const tIid = sd > 0 ? mean / (sd / Math.sqrt(T)) : Number.NaN;
    const tNeweyWest = lrv > 0 ? mean / Math.sqrt(lrv / T) : Number.NaN;
    out.push(Object.freeze({ factor: factors[k]!, mean, sd, tIid, tNeweyWest }));
  }
  return out;
}
