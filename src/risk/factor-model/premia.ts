/**
 * Fama–MacBeth factor premia (methods.md §6): f̄_k = mean_t f̂_{t,k}, iid t = f̄/(sd/√T) with sd ddof 1,
 * and the Newey–West t with Bartlett weights, 1/T normalisation and no small-sample correction
 * (stats/ols.ts, methods.md §3 [S2, S15]).
 */
import { neweyWestLags, neweyWestMeanStandardError } from '../../stats/ols.ts';
import type { FactorPremium } from './types.ts';

/** statsmodels' default lag count ⌊4(T/100)^{2/9}⌋. */
export function neweyWestDefaultLags(T: number): number {
  return neweyWestLags(T);
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
  const col = new Float64Array(T);
  for (let k = 0; k < K; k++) {
    let mean = 0;
    for (let t = 0; t < T; t++) {
      col[t] = fHat[t * K + k]!;
      mean += col[t]!;
    }
    mean /= T;
    let ss = 0;
    for (let t = 0; t < T; t++) ss += (col[t]! - mean) ** 2;
    const sd = T >= 2 ? Math.sqrt(ss / (T - 1)) : Number.NaN;
    const nwSe = neweyWestMeanStandardError(col, nwLags);
    // A constant series has no standard error: NaN, never ±Infinity (methods.md §0).
    const tIid = sd > 0 ? mean / (sd / Math.sqrt(T)) : Number.NaN;
    const tNeweyWest = nwSe > 0 ? mean / nwSe : Number.NaN;
    out.push(Object.freeze({ factor: factors[k]!, mean, sd, tIid, tNeweyWest }));
  }
  return out;
}
