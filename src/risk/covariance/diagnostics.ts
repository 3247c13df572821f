/**
 * Diagnostics of a covariance estimate (methods.md §5 "Diagnostics"; decision record
 * docs/decisions/081-risk-covariance-diagnostics.md): trace, condition number λ_max/λ_min, effective rank
 * exp(−Σ π_i ln π_i) and a Frobenius estimation-error bound.
 *
 * Three routes to the spectrum, cheapest first:
 * - closed form: Sample, LW, OAS and LW-2020 share the eigenvectors of S₀, so their spectrum is a
 *   function of the window's eigenvalues (with multiplicities for the null space);
 * - dense: p ≤ DENSE_SPECTRUM_MAX_P, eigenvalues of toDense() (exact);
 * - lanczos: λ_max from the top eigenpair of Σ, λ_min from the top eigenpair of Σ⁻¹ (Woodbury solves),
 *   and the entropy by stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017, SIAM J. Matrix Anal.
 *   Appl. 38(4)) of tr(Σ ln Σ) with seeded Rademacher probes — an estimate, typically within 1 %.
 */
import { Rng } from '../../core/rng.ts';
import {
  dgemm,
  dgemv,
  dgemvT,
  type StructuredCovariance,
  symmetricEigen,
  symmetricEigenvalues,
  topEigenpairs,
  transposeInto,
} from '../../linalg/index.ts';
import { effectiveNumber } from '../../stats/shrinkage.ts';
import type { CovarianceDiagnostics, SharedEigenSpectrum, SpectrumSource } from './types.ts';
import type { CovarianceWindow, ShrinkageStatistics } from './window.ts';

export const DENSE_SPECTRUM_MAX_P = 400;
const SINGULAR_RATIO = 1e-12;
/** Eigenpairs deflated exactly beyond the rank of the low-rank part. */
const DEFLATE_EXTRA = 2;

/** ε_S = √((1/T)[(1/T)Σ_k‖x_k‖⁴ − ‖S₀‖²_F]), LW-2004's estimate of the sampling error ‖S₀ − Σ‖_F. */
export function samplingErrorFrobenius(s: ShrinkageStatistics): number {
  const v = (s.sumRowNorm4 / s.T - s.frobeniusSqS) / s.T;
  return v > 0 ? Math.sqrt(v) : 0;
}

function conditionOf(lmax: number, lmin: number): number {
  if (!(lmax > 0)) return Number.NaN;
  return lmin > SINGULAR_RATIO * lmax ? lmax / lmin : Number.POSITIVE_INFINITY;
}

function finish(
  trace: number,
  lmax: number,
  lmin: number,
  effectiveRank: number,
  diffFrob: number,
  frob: number,
  samplingError: number,
  spectrum: SpectrumSource,
): CovarianceDiagnostics {
  const estimationErrorBound = diffFrob + samplingError;
  return Object.freeze({
    trace,
    conditionNumber: conditionOf(lmax, lmin),
    effectiveRank,
    estimationErrorBound,
    relativeErrorBound: frob > 0 ? estimationErrorBound / frob : Number.NaN,
    samplingError,
    spectrum,
  });
}

/** Diagnostics from a spectrum shared with S₀ (exact). */
export function closedFormDiagnostics(
  spec: SharedEigenSpectrum,
  stats: ShrinkageStatistics,
): CovarianceDiagnostics {
  const { sigma, s0, mult } = spec;
  let trace = 0;
  let frob2 = 0;
  let diff2 = 0;
  let lmax = Number.NEGATIVE_INFINITY;
  let lmin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sigma.length; i++) {
    if (!(mult[i]! > 0)) continue;
    const l = sigma[i]!;
    trace += mult[i]! * l;
    frob2 += mult[i]! * l * l;
    diff2 += mult[i]! * (l - s0[i]!) ** 2;
    if (l > lmax) lmax = l;
    if (l < lmin) lmin = l;
  }
  // The full p-vector of eigenvalues (multiplicities expanded) for stats' effective number (methods.md §4).
  let p = 0;
  for (const m of mult) p += m;
  const lambda = new Float64Array(p);
  for (let i = 0, o = 0; i < sigma.length; i++) {
    lambda.fill(sigma[i]!, o, o + mult[i]!);
    o += mult[i]!;
  }
  return finish(
    trace,
    lmax,
    lmin,
    effectiveNumber(lambda),
    Math.sqrt(diff2),
    Math.sqrt(frob2),
    samplingErrorFrobenius(stats),
    'closed-form',
  );
}

/**
 * ‖Σ̂‖²_F and ⟨Σ̂, S₀⟩ for Σ̂ = D + UCUᵀ without p × p matrices: ‖Σ̂‖² = Σd² + 2Σ_j d_j(UCUᵀ)_jj +
 * tr((UᵀUC)²) and ⟨Σ̂, XᵀX/T⟩ = (1/T)[Σ_j d_j‖x_·j‖² + tr(C(XU)ᵀ(XU))]; O(p·k² + T·p·k).
 */
function frobeniusTerms(op: StructuredCovariance, w: CovarianceWindow): { frob2: number; inner: number } {
  const { p, k, d, U, C } = op;
  const diag = op.diagonal();
  let frob2 = 0;
  let inner = 0;
  for (let j = 0; j < p; j++) {
    frob2 += d[j]! * d[j]! + 2 * d[j]! * (diag[j]! - d[j]!);
    inner += d[j]! * w.colSumSq[j]!;
  }
  if (k > 0) {
    const UtU = new Float64Array(k * k);
    dgemm(true, false, k, k, p, 1, U, 0, k, U, 0, k, 0, UtU, 0, k);
    const M = new Float64Array(k * k);
    dgemm(false, false, k, k, k, 1, UtU, 0, k, C, 0, k, 0, M, 0, k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) frob2 += M[a * k + b]! * M[b * k + a]!;
    const XU = new Float64Array(w.T * k);
    dgemm(false, false, w.T, k, p, 1, w.X, 0, p, U, 0, k, 0, XU, 0, k);
    const G = new Float64Array(k * k);
    dgemm(true, false, k, k, w.T, 1, XU, 0, k, XU, 0, k, 0, G, 0, k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) inner += C[a * k + b]! * G[b * k + a]!;
  }
  return { frob2, inner: inner / w.T };
}

/**
 * Deflated stochastic Lanczos quadrature of H = −Σ π_i ln π_i, π_i = λ_i/tr Σ: the top eigenpairs
 * (λ_i, q_i), i < k, are exact (from `topEigenpairs`); the rest of the spectrum is reached by Rademacher
 * probes projected off span(q) and a Lanczos quadrature per probe. Deflation removes the dominant (market)
 * directions, whose large off-diagonal mass would otherwise make Hutchinson's estimator noisy.
 *
 * The deflated vectors and the probe's Lanczos basis are kept as the rows of one matrix B, so projecting a
 * vector off both is two matrix–vector products, h = B·w and w −= Bᵀh (classical Gram–Schmidt, twice, as in
 * linalg's topEigenpairs), instead of a scalar pass per vector.
 */
function entropyDeflatedSLQ(
  op: StructuredCovariance,
  trace: number,
  top: { values: Float64Array; vectors: Float64Array; k: number },
  probes: number,
  steps: number,
  seed: number,
): number {
  const { p } = op;
  const { k } = top;
  const f = (theta: number) => {
    const pi = theta / trace;
    return pi > 0 ? pi * Math.log(pi) : 0;
  };
  let exact = 0;
  for (let i = 0; i < k; i++) exact += f(top.values[i]!);
  const m = Math.min(steps, p - k);
  if (m <= 0) return -exact;
  const rng = new Rng(seed);
  // Rows 0…k−1: the deflated eigenvectors (columns of top.vectors, p × k); rows k…k+m−1: the Lanczos basis.
  const B = new Float64Array((k + m) * p);
  transposeInto(p, k, top.vectors, 0, k, B, 0, p);
  const h = new Float64Array(k + m);
  const w = new Float64Array(p);
  // x ← x − B_rᵀ(B_r·x), twice, over the first `rows` rows of B.
  const project = (x: Float64Array, rows: number) => {
    for (let pass = 0; pass < 2; pass++) {
      dgemv(rows, p, 1, B, 0, p, x, 0, 1, 0, h, 0, 1);
      dgemvT(rows, p, -1, B, 0, p, h, 0, 1, 1, x, 0, 1);
    }
  };
  let total = 0;
  for (let q = 0; q < probes; q++) {
    const v0 = B.subarray(k * p, (k + 1) * p);
    for (let i = 0; i < p; i++) v0[i] = rng.uniform() < 0.5 ? -1 : 1;
    project(v0, k);
    let norm2 = 0;
    for (let i = 0; i < p; i++) norm2 += v0[i]! * v0[i]!;
    const norm = Math.sqrt(norm2);
    for (let i = 0; i < p; i++) v0[i]! /= norm;
    const alpha = new Float64Array(m);
    const beta = new Float64Array(m);
    let used = m;
    for (let j = 0; j < m; j++) {
      const vj = B.subarray((k + j) * p, (k + j + 1) * p);
      op.mul(vj, w);
      let a = 0;
      for (let i = 0; i < p; i++) a += w[i]! * vj[i]!;
      alpha[j] = a;
      // Full reorthogonalisation against the basis and the deflated vectors.
      project(w, k + j + 1);
      let b = 0;
      for (let i = 0; i < p; i++) b += w[i]! * w[i]!;
      b = Math.sqrt(b);
      if (j === m - 1 || b <= 1e-12 * Math.abs(a)) {
        used = j + 1;
        break;
      }
      beta[j] = b;
      const next = B.subarray((k + j + 1) * p, (k + j + 2) * p);
      for (let i = 0; i < p; i++) next[i] = w[i]! / b;
    }
    const Tm = new Float64Array(used * used);
    for (let j = 0; j < used; j++) {
      Tm[j * used + j] = alpha[j]!;
      if (j + 1 < used) {
        Tm[j * used + j + 1] = beta[j]!;
        Tm[(j + 1) * used + j] = beta[j]!;
      }
    }
    const { values, vectors } = symmetricEigen({ rows: used, cols: used, data: Tm });
    let quad = 0;
    for (let j = 0; j < used; j++) quad += vectors.data[j]! ** 2 * f(values[j]!);
    // E[zᵀPf(Σ)Pz] = tr(P f(Σ) P) for Rademacher z; the probe was normalised, so scale back by ‖Pz‖².
    total += norm2 * quad;
  }
  return -(exact + total / probes);
}

/** Diagnostics of any structured estimate on its window (dense spectrum for small p, else Lanczos). */
export function operatorDiagnostics(
  op: StructuredCovariance,
  w: CovarianceWindow,
  stats: ShrinkageStatistics,
  route: 'auto' | 'dense' | 'lanczos' = 'auto',
): CovarianceDiagnostics {
  const trace = op.trace();
  const { frob2, inner } = frobeniusTerms(op, w);
  // Rounding can leave a tiny negative square when Σ̂ ≈ S₀.
  const diffFrob = Math.sqrt(Math.max(0, frob2 - 2 * inner + stats.frobeniusSqS));
  const eps = samplingErrorFrobenius(stats);
  if (route === 'dense' || (route === 'auto' && op.p <= DENSE_SPECTRUM_MAX_P)) {
    const lambda = symmetricEigenvalues(op.toDense(), { symmetryTolerance: Number.POSITIVE_INFINITY });
    return finish(
      trace,
      lambda[lambda.length - 1]!,
      lambda[0]!,
      effectiveNumber(lambda),
      diffFrob,
      Math.sqrt(frob2),
      eps,
      'dense',
    );
  }
  const p = op.p;
  const k = Math.min(p, op.k + DEFLATE_EXTRA);
  const top = topEigenpairs(p, (x, y) => op.mul(x, y), k, { tolerance: 1e-9 });
  const lmax = top.values[0]!;
  let lmin = 0;
  try {
    const inv = topEigenpairs(p, (x, y) => op.solve(x, y), 1, { tolerance: 1e-10 }).values[0]!;
    lmin = inv > 0 ? 1 / inv : 0;
  } catch {
    lmin = 0; // Σ̂ is singular (a zero in D): condition number Infinity.
  }
  const entropy = entropyDeflatedSLQ(
    op,
    trace,
    { values: top.values, vectors: top.vectors.data, k },
    24,
    40,
    20240521,
  );
  return finish(trace, lmax, lmin, Math.exp(entropy), diffFrob, Math.sqrt(frob2), eps, 'lanczos');
}
