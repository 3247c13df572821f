/**
 * Shrinkage intensities towards μI (methods.md §4, §5) — Ledoit–Wolf 2004 as scikit-learn's
 * `ledoit_wolf_shrinkage`, OAS as scikit-learn's `oas` and as Chen et al.'s eq. (23) — plus the shrunk
 * correlation of standardised IC series and the effective number of signals.
 *
 * Both intensities need only five sufficient statistics of the centred T×p data X with S = X′X/T:
 * tr S, ‖S‖²_F, Σ_k ‖x_k‖⁴, T and p. They can come from the data (here) or, when T < p, from the T×T Gram
 * matrix G = XX′: ‖S‖²_F = ‖G‖²_F/T², tr S = tr G/T, Σ_k‖x_k‖⁴ = Σ_k G_kk² (risk/ does that).
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkPositiveInteger } from './checks.ts';
import { upperGram } from './gram-kernel.ts';

/** Sufficient statistics of centred data for the shrinkage intensities (S = X′X/T). */
export interface ShrinkageMoments {
  /** Number of observations T. */
  readonly T: number;
  /** Number of variables p. */
  readonly p: number;
  /** tr S. */
  readonly traceS: number;
  /** ‖S‖²_F = tr(S²). */
  readonly frobeniusSqS: number;
  /** Σ_k ‖x_k‖⁴ over the rows x_k of the centred data. */
  readonly sumRowNorm4: number;
}

export interface DataMatrixOptions {
  /** The data are already centred (do not subtract column means); default false. */
  readonly assumeCentered?: boolean;
}

function checkMatrix(X: Float64Array, T: number, p: number): void {
  checkPositiveInteger('T', T);
  checkPositiveInteger('p', p);
  if (X.length !== T * p) {
    throw new InvalidInputError(`data has length ${X.length}, expected T × p = ${T} × ${p}`, {
      where: { field: 'X' },
    });
  }
  for (let k = 0; k < X.length; k++) {
    if (!Number.isFinite(X[k]!)) {
      throw new InvalidInputError(`data must be finite (drop incomplete rows first); found ${X[k]}`, {
        where: { row: Math.floor(k / p), column: String(k % p) },
      });
    }
  }
}

/** Column-centred copy of the T×p row-major `X` (or a copy as is when `assumeCentered`). */
function centred(X: Float64Array, T: number, p: number, assumeCentered: boolean): Float64Array {
  const Xc = X.slice();
  if (assumeCentered) return Xc;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += X[t * p + j]!;
    m /= T;
    for (let t = 0; t < T; t++) Xc[t * p + j] = X[t * p + j]! - m;
  }
  return Xc;
}

/** The p×T transpose of a T×p row-major matrix. */
function transpose(X: Float64Array, T: number, p: number): Float64Array {
  const Y = new Float64Array(T * p);
  for (let t = 0; t < T; t++) for (let j = 0; j < p; j++) Y[j * T + t] = X[t * p + j]!;
  return Y;
}

/**
 * Sufficient statistics from a T×p row-major data matrix (rows = observations). ‖S‖²_F is computed from
 * whichever of X′X (p×p) and XX′ (T×T) is smaller.
 */
export function shrinkageMomentsFromData(
  X: Float64Array,
  T: number,
  p: number,
  options: DataMatrixOptions = {},
): ShrinkageMoments {
  checkMatrix(X, T, p);
  const Xc = centred(X, T, p, options.assumeCentered ?? false);
  let trace = 0;
  let sumRowNorm4 = 0;
  for (let t = 0; t < T; t++) {
    let r2 = 0;
    for (let j = 0; j < p; j++) r2 += Xc[t * p + j]! * Xc[t * p + j]!;
    trace += r2;
    sumRowNorm4 += r2 * r2;
  }
  // ‖S‖²_F·T² = ‖X′X‖²_F = ‖XX′‖²_F, from the smaller Gram matrix (each entry summed in index order).
  const G = p <= T ? upperGram(Xc, T, p) : upperGram(transpose(Xc, T, p), p, T);
  let frob = 0;
  for (let k = 0; k < G.length; k++) frob += G[k]! * G[k]!;
  return { T, p, traceS: trace / T, frobeniusSqS: frob / (T * T), sumRowNorm4 };
}

/**
 * Sufficient statistics from the T×T Gram matrix G = XX′ of already-centred data (methods.md §5, for T < p):
 * tr S = tr G/T, ‖S‖²_F = ‖G‖²_F/T², Σ_k‖x_k‖⁴ = Σ_k G_kk². `G` is T×T row-major and symmetric.
 */
export function shrinkageMomentsFromGram(G: Float64Array, T: number, p: number): ShrinkageMoments {
  checkPositiveInteger('T', T);
  checkPositiveInteger('p', p);
  if (G.length !== T * T) {
    throw new InvalidInputError(`Gram matrix has length ${G.length}, expected T × T = ${T} × ${T}`, {
      where: { field: 'G' },
    });
  }
  let trace = 0;
  let sumRowNorm4 = 0;
  let frob = 0;
  for (let s = 0; s < T; s++) {
    const d = G[s * T + s]!;
    trace += d;
    sumRowNorm4 += d * d;
    for (let u = 0; u < T; u++) frob += G[s * T + u]! * G[s * T + u]!;
  }
  return { T, p, traceS: trace / T, frobeniusSqS: frob / (T * T), sumRowNorm4 };
}

/** The pieces of the Ledoit–Wolf (2004) intensity (methods.md §4). */
export interface LedoitWolfTerms {
  /** μ = tr S/p. */
  readonly mu: number;
  /** δ² = ‖S − μI‖²_F/p = (‖S‖²_F − pμ²)/p. */
  readonly delta2: number;
  /** β̄² = ((1/T)Σ_k‖x_k‖⁴ − ‖S‖²_F)/(Tp). */
  readonly betaBar2: number;
  /** ρ = min(β̄², δ²)/δ², 0 if that minimum is 0 and 0 when p = 1. */
  readonly intensity: number;
}

/** μ, δ², β̄² and ρ of Ledoit–Wolf 2004 as scikit-learn's `ledoit_wolf_shrinkage` computes them. */
export function ledoitWolfTerms(m: ShrinkageMoments): LedoitWolfTerms {
  const mu = m.traceS / m.p;
  const delta2 = (m.frobeniusSqS - m.p * mu * mu) / m.p;
  const betaBar2 = (m.sumRowNorm4 / m.T - m.frobeniusSqS) / (m.T * m.p);
  const beta = Math.min(betaBar2, delta2);
  const intensity = m.p === 1 || beta === 0 ? 0 : beta / delta2;
  return { mu, delta2, betaBar2, intensity };
}

/**
 * Ledoit–Wolf (2004) intensity as scikit-learn computes it (methods.md §4): μ = tr S/p,
 * δ² = (‖S‖²_F − pμ²)/p, β̄² = ((1/T)Σ‖x_k‖⁴ − ‖S‖²_F)/(Tp), ρ = min(β̄², δ²)/δ², 0 if that minimum is 0,
 * and 0 when p = 1. R4.1: 0.5263545890158499.
 */
export function ledoitWolfIntensity(m: ShrinkageMoments): number {
  return ledoitWolfTerms(m).intensity;
}

/**
 * OAS intensity as scikit-learn's `oas` (methods.md §4): ρ = min(1, (tr(S²) + tr(S)²) / ((T + 1)(tr(S²) −
 * tr(S)²/p))), 1 when the denominator is 0. R4.1: 0.9770417566215575.
 */
export function oasIntensity(m: ShrinkageMoments): number {
  const tr2 = m.traceS * m.traceS;
  const den = (m.T + 1) * (m.frobeniusSqS - tr2 / m.p);
  return den === 0 ? 1 : Math.min(1, (m.frobeniusSqS + tr2) / den);
}

/**
 * OAS intensity in the form of Chen et al. (2010) eq. (23), which scikit-learn deliberately does not use:
 * ρ = min(1, ((1 − 2/p)tr(S²) + tr(S)²) / ((T + 1 − 2/p)(tr(S²) − tr(S)²/p))). For comparison only (spec 002
 * uses it and calls it "Ledoit-Wolf"). R4.1: 0.8209595126777507.
 */
export function oasIntensityPaper(m: ShrinkageMoments): number {
  const tr2 = m.traceS * m.traceS;
  const den = (m.T + 1 - 2 / m.p) * (m.frobeniusSqS - tr2 / m.p);
  return den === 0 ? 1 : Math.min(1, ((1 - 2 / m.p) * m.frobeniusSqS + tr2) / den);
}

export type ShrinkageMethod = 'ledoit-wolf' | 'oas';

export interface ShrunkCovariance {
  /** (1 − ρ)S + ρμI with S = X′X/T of the centred data, p×p row-major. */
  readonly covariance: Float64Array;
  readonly intensity: number;
  /** μ = tr S/p; the trace is preserved. */
  readonly mu: number;
}

/**
 * Dense shrunk covariance (1 − ρ)S + ρμI of a small T×p data matrix (methods.md §4–5; S uses 1/T as in
 * scikit-learn). For large p use the structured estimators of risk/. R4.1 (LW): [0,0] =
 * 0.00026827312937707337, [0,1] = 0.0001065702174714338.
 */
export function shrunkCovariance(
  X: Float64Array,
  T: number,
  p: number,
  method: ShrinkageMethod = 'ledoit-wolf',
  options: DataMatrixOptions = {},
): ShrunkCovariance {
  const moments = shrinkageMomentsFromData(X, T, p, options);
  const intensity = method === 'oas' ? oasIntensity(moments) : ledoitWolfIntensity(moments);
  const mu = moments.traceS / p;
  const Xc = centred(X, T, p, options.assumeCentered ?? false);
  const covariance = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let g = 0;
      for (let t = 0; t < T; t++) g += Xc[t * p + a]! * Xc[t * p + b]!;
      const v = (1 - intensity) * (g / T) + (a === b ? intensity * mu : 0);
      covariance[a * p + b] = covariance[b * p + a] = v;
    }
  }
  return { covariance, intensity, mu };
}

export interface ShrunkCorrelation {
  /** Number of dates used (rows with every series non-NaN). */
  readonly T: number;
  /** Sample correlation C of the standardised series, M×M row-major. */
  readonly correlation: Float64Array;
  /** Shrinkage intensity ρ. */
  readonly intensity: number;
  /** (1 − ρ)C + ρI, M×M row-major. */
  readonly shrunk: Float64Array;
}

/** shrinkageMomentsFromData of centred X (p ≤ T) with its Gram matrix given: the same sums in the same order. */
function momentsFromGram(X: Float64Array, T: number, p: number, G: Float64Array): ShrinkageMoments {
  let trace = 0;
  let sumRowNorm4 = 0;
  for (let t = 0; t < T; t++) {
    let r2 = 0;
    for (let j = 0; j < p; j++) r2 += X[t * p + j]! * X[t * p + j]!;
    trace += r2;
    sumRowNorm4 += r2 * r2;
  }
  let frob = 0;
  for (let k = 0; k < p * p; k++) frob += G[k]! * G[k]!;
  return { T, p, traceS: trace / T, frobeniusSqS: frob / (T * T), sumRowNorm4 };
}

/**
 * Shrunk correlation of M IC series (methods.md §4): keep the dates where all M are non-NaN, standardise
 * each series (mean 0, ddof-0 sd 1), and apply LW or OAS to the standardised data, whose empirical
 * covariance is the correlation matrix C with μ = 1, giving (1 − ρ)C + ρI. `ic` is T×M row-major (dates ×
 * signals). Fewer than 2 complete dates or a constant series leaves C undefined: every output is NaN.
 * R4.1 standardised: C[0,1] = 0.7714285714285714, ρ_LW = 0.7600172126097839, shrunk[0,1] = 0.18512957884388093.
 */
export function shrunkCorrelation(
  ic: Float64Array,
  T: number,
  M: number,
  method: ShrinkageMethod = 'ledoit-wolf',
): ShrunkCorrelation {
  checkPositiveInteger('T', T);
  checkPositiveInteger('M', M);
  if (ic.length !== T * M) {
    throw new InvalidInputError(`IC matrix has length ${ic.length}, expected T × M = ${T} × ${M}`, {
      where: { field: 'ic' },
    });
  }
  const rows: number[] = [];
  for (let t = 0; t < T; t++) {
    let ok = true;
    for (let j = 0; ok && j < M; j++) ok = Number.isFinite(ic[t * M + j]!);
    if (ok) rows.push(t);
  }
  const n = rows.length;
  if (n < 2) return undefinedCorrelation(n, M);
  const Z = new Float64Array(n * M);
  for (let j = 0; j < M; j++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += ic[rows[r]! * M + j]!;
    mean /= n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (ic[rows[r]! * M + j]! - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    // A constant series makes C undefined (methods.md §0): NaN, never a silent 0.
    if (!(sd > 1e-12)) return undefinedCorrelation(n, M);
    for (let r = 0; r < n; r++) Z[r * M + j] = (ic[rows[r]! * M + j]! - mean) / sd;
  }
  return standardisedShrunkCorrelation(Z, n, M, method);
}

/** The result for data whose correlation is undefined (fewer than 2 dates, a constant series): all NaN. */
export function undefinedCorrelation(n: number, M: number): ShrunkCorrelation {
  const nan = () => new Float64Array(M * M).fill(Number.NaN);
  return { T: n, correlation: nan(), intensity: Number.NaN, shrunk: nan() };
}

/**
 * The second half of `shrunkCorrelation`, for callers that standardised the complete rows themselves: Z is
 * n×M row-major, each column of mean 0 and ddof-0 sd 1 (computed as shrunkCorrelation does, so the result is
 * the same to the bit).
 */
export function standardisedShrunkCorrelation(
  Z: Float64Array,
  n: number,
  M: number,
  method: ShrinkageMethod = 'ledoit-wolf',
): ShrunkCorrelation {
  // One Gram matrix G = ZᵀZ serves the correlation and the moments' ‖S‖²_F (equal, to the bit, to the sums
  // of shrinkageMomentsFromData: each G_ab adds its n products in row order).
  const G = upperGram(Z, n, M);
  const correlation = new Float64Array(M * M);
  for (let a = 0; a < M; a++) {
    for (let b = a; b < M; b++)
      correlation[a * M + b] = correlation[b * M + a] = a === b ? 1 : G[a * M + b]! / n;
  }
  const moments =
    M <= n ? momentsFromGram(Z, n, M, G) : shrinkageMomentsFromData(Z, n, M, { assumeCentered: true });
  const intensity = method === 'oas' ? oasIntensity(moments) : ledoitWolfIntensity(moments);
  const shrunk = new Float64Array(M * M);
  for (let a = 0; a < M; a++) {
    for (let b = 0; b < M; b++)
      shrunk[a * M + b] = (1 - intensity) * correlation[a * M + b]! + (a === b ? intensity : 0);
  }
  return { T: n, correlation, intensity, shrunk };
}

/**
 * Effective number exp(−Σ p_j ln p_j), p_j = |w_j|/Σ|w| with 0·ln 0 = 0 (methods.md §4), in [1, M]. NaN if
 * every weight is 0 or any is NaN. The same formula on eigenvalues/Σλ is the effective rank (§5).
 * R4.4: effectiveNumber([0.5, 0.25, 0.25]) = 2√2 = 2.8284271247461903.
 */
export function effectiveNumber(weights: Float64Array): number {
  let total = 0;
  for (let j = 0; j < weights.length; j++) total += Math.abs(weights[j]!);
  if (!(total > 0) || !Number.isFinite(total)) return Number.NaN;
  let entropy = 0;
  for (let j = 0; j < weights.length; j++) {
    const pj = Math.abs(weights[j]!) / total;
    if (pj > 0) entropy -= pj * Math.log(pj);
  }
  return Math.exp(entropy);
}
