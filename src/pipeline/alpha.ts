/**
 * From composite scores to expected returns, as of one rebalance (Grinold & Kahn's "alpha = IC × volatility ×
 * score"): α_i = IC_h · σ_i · z_i / √h per day, where z is the composite re-z-scored over the investable names,
 * σ_i the stock's daily volatility over the covariance window and IC_h the composite's expected rank IC at the
 * chosen horizon h. Putting α in return units is what makes the trade-off against risk and trading costs in
 * the optimiser meaningful; the seed divides by the cross-sectional sd and loses the scale.
 */
import type { IcSeriesSet, SignalWeights } from '../research/index.ts';

/**
 * Expected IC of the weighted composite as of `asOf`: Σ_j |w_j|·|mean IC_j| over the ICs resolved at that date
 * (s + d + h ≤ asOf). A conservative stand-in for the composite's own IC: it ignores the diversification gain.
 */
export function expectedCompositeIc(set: IcSeriesSet, weights: SignalWeights, asOf: number): number {
  const last = asOf - set.executionDelay - set.horizon;
  let ic = 0;
  weights.weights.forEach((w, j) => {
    if (w === 0) return;
    const s = set.series[j]!;
    let sum = 0;
    let n = 0;
    for (let t = 0; t <= last && t < s.length; t++) {
      const x = s[t]!;
      if (Number.isNaN(x)) continue;
      sum += x;
      n++;
    }
    if (n > 0) ic += Math.abs(w) * Math.abs(sum / n);
  });
  return ic;
}

/** Daily expected returns α_i = IC·σ_i·z_i/√h for the names in `idx` (z-scored over those names, ddof 0). */
export function alphaFromScores(
  scores: Float64Array,
  sigma: Float64Array,
  idx: Int32Array,
  ic: number,
  horizon: number,
): Float64Array {
  const m = idx.length;
  let mean = 0;
  for (let a = 0; a < m; a++) mean += scores[idx[a]!]!;
  mean /= m;
  let v = 0;
  for (let a = 0; a < m; a++) v += (scores[idx[a]!]! - mean) ** 2;
  const sd = Math.sqrt(v / m);
  const alpha = new Float64Array(m);
  if (!(sd > 1e-12) || !(ic > 0)) return alpha; // no dispersion or no edge: expect nothing
  const scale = ic / Math.sqrt(horizon);
  for (let a = 0; a < m; a++) alpha[a] = (scale * sigma[a]! * (scores[idx[a]!]! - mean)) / sd;
  return alpha;
}
