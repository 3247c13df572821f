/**
 * Univariate Parzen estimator of Optuna's TPE (methods.md §9.6 [S9]; optuna/samplers/_tpe/parzen_estimator.py,
 * multivariate = False, consider_prior = True, prior_weight = 1, consider_magic_clip = True,
 * consider_endpoints = False), in the parameter's internal space (log for log-scale parameters).
 *
 * Components: one truncated Gaussian per observation plus the prior N((low + high)/2, high − low + step).
 * Bandwidths: with the prior mean appended and the values sorted between the end points low − step/2 and
 * high + step/2, each σ is the larger gap to its neighbours; the first and last σ use only their inner gap;
 * all σ are clipped to [(high − low + step)/min(100, 1 + n + 1), high − low + step]. Mixture weights are the
 * observation weights (1 below 25 observations; else a linear ramp 1/n … 1 over the oldest n − 25 and 1 for
 * the 25 most recent) and the prior weight, normalised. Integer parameters (step 1) use the discretised
 * truncated normal: mass of [x − ½, x + ½] over the mass of [low − ½, high + ½].
 */
import type { Rng } from '../../core/rng.ts';
import { logGaussMass, logNormalPdf, normalCdf, normalPpf } from './normal.ts';

export interface ParzenEstimator {
  readonly low: number;
  readonly high: number;
  /** Grid step (1 for integers) or 0 for continuous parameters. */
  readonly step: number;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Normalised mixture weights. */
  readonly weights: Float64Array;
}

/** Optuna's default_weights(n): ones below 25, else linspace(1/n, 1, n − 25) followed by 25 ones. */
export function tpeObservationWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const r = n - 25;
  for (let i = 0; i < r; i++) w[i] = r === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (r - 1);
  return w;
}

/** Optuna's default_gamma(n) = min(⌈0.1 n⌉, 25): γ(10) = 1, γ(100) = 10, γ(300) = 25. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Builds the estimator from observations in trial order (oldest first). */
export function buildParzenEstimator(
  observations: ArrayLike<number>,
  low: number,
  high: number,
  step: number,
  priorWeight = 1,
): ParzenEstimator {
  const n = observations.length;
  const range = high - low + step;
  const prior = 0.5 * (low + high);
  const withPrior = Float64Array.from({ length: n + 1 }, (_, i) => (i < n ? observations[i]! : prior));
  // Stable argsort (numpy's quicksort is insertion sort at these sizes: ties keep their order).
  const order = Array.from({ length: n + 1 }, (_, i) => i).sort(
    (a, b) => withPrior[a]! - withPrior[b]! || a - b,
  );
  const ext = new Float64Array(n + 3);
  ext[0] = low - step / 2;
  for (let k = 0; k <= n; k++) ext[k + 1] = withPrior[order[k]!]!;
  ext[n + 2] = high + step / 2;
  const sortedSigma = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) sortedSigma[k] = Math.max(ext[k + 1]! - ext[k]!, ext[k + 2]! - ext[k + 1]!);
  if (ext.length >= 4) {
    sortedSigma[0] = ext[2]! - ext[1]!;
    sortedSigma[n] = ext[n + 1]! - ext[n]!;
  }
  const minSigma = range / Math.min(100, 1 + (n + 1));
  const maxSigma = range;
  const mus = new Float64Array(n + 1);
  const sigmas = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    const i = order[k]!;
    if (i < n) sigmas[i] = Math.min(maxSigma, Math.max(minSigma, sortedSigma[k]!));
  }
  for (let i = 0; i < n; i++) mus[i] = observations[i]!;
  mus[n] = prior;
  sigmas[n] = range;
  const w = tpeObservationWeights(n);
  const weights = new Float64Array(n + 1);
  let total = priorWeight;
  for (let i = 0; i < n; i++) total += w[i]!;
  for (let i = 0; i < n; i++) weights[i] = w[i]! / total;
  weights[n] = priorWeight / total;
  return { low, high, step, mus, sigmas, weights };
}

/** One draw: a component by weight, then its truncated normal by inverse CDF (rounded to the grid if discrete). */
export function sampleParzen(pe: ParzenEstimator, rng: Rng): number {
  let u = rng.uniform();
  let j = 0;
  while (j < pe.weights.length - 1 && u >= pe.weights[j]!) {
    u -= pe.weights[j]!;
    j++;
  }
  const mu = pe.mus[j]!;
  const sigma = pe.sigmas[j]!;
  const lo = pe.low - pe.step / 2;
  const hi = pe.high + pe.step / 2;
  const x = mu + sigma * truncatedStandardNormal((lo - mu) / sigma, (hi - mu) / sigma, rng.uniform());
  if (pe.step > 0)
    return Math.min(pe.high, Math.max(pe.low, pe.low + Math.round((x - pe.low) / pe.step) * pe.step));
  return Math.min(pe.high, Math.max(pe.low, x));
}

/** Φ⁻¹ on [a, b] at quantile q, mirrored into the left tail so tiny masses keep their digits. */
function truncatedStandardNormal(a: number, b: number, q: number): number {
  if (a > 0) return -truncatedStandardNormal(-b, -a, 1 - q);
  const Fa = normalCdf(a);
  const Fb = normalCdf(b);
  const x = normalPpf(Fa + q * (Fb - Fa));
  return Math.min(b, Math.max(a, x));
}

/** ln of the mixture density (or mass, if discrete) at x. */
export function logPdfParzen(pe: ParzenEstimator, x: number): number {
  const lo = pe.low - pe.step / 2;
  const hi = pe.high + pe.step / 2;
  const m = pe.mus.length;
  let mx = Number.NEGATIVE_INFINITY;
  const terms = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const mu = pe.mus[j]!;
    const s = pe.sigmas[j]!;
    const logAccept = logGaussMass((lo - mu) / s, (hi - mu) / s);
    let lp: number;
    if (pe.step > 0) {
      const xl = Math.max(x - pe.step / 2, lo);
      const xu = Math.min(x + pe.step / 2, hi);
      lp = logGaussMass((xl - mu) / s, (xu - mu) / s) - logAccept;
    } else {
      lp = logNormalPdf((x - mu) / s) - Math.log(s) - logAccept;
    }
    terms[j] = Math.log(pe.weights[j]!) + lp;
    if (terms[j]! > mx) mx = terms[j]!;
  }
  if (mx === Number.NEGATIVE_INFINITY) return mx;
  let s = 0;
  for (let j = 0; j < m; j++) s += Math.exp(terms[j]! - mx);
  return mx + Math.log(s);
}
