/**
 * PCA factor model, methods.md §5: SVD X = U s Vᵀ; B = V_k (p × k, orthonormal), f = U_k s_k,
 * F = diag(s_k²/(T − 1)), ψ_j = Σ_t E_tj²/(T − 1) with E = X − fBᵀ, Σ = BFBᵀ + diag(ψ) — one ddof
 * (spec 002 mixes them). diag Σ = diag S₁ exactly. The singular values come from the window's shared
 * eigendecomposition (s² = eigenvalues of XXᵀ or XᵀX); ψ uses ‖E_·j‖² = ‖X_·j‖² − Σ_k s_k² B_jk².
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { StructuredCovariance } from '../../linalg/index.ts';
import { asWindow, type CovarianceOptions, diagonalC, fitted, gathered } from './common.ts';
import { operatorDiagnostics } from './diagnostics.ts';
import type { FittedCovariance } from './types.ts';
import type { CovarianceWindow } from './window.ts';

export interface PCAOptions extends CovarianceOptions {
  /** Number of factors k (default 15, config risk.pca_factors); capped at the rank of X. */
  readonly factors?: number;
}

export interface PCADetails {
  readonly factors: number;
  /** s_1 ≥ … ≥ s_k. */
  readonly singularValues: Float64Array;
  /** Share of tr S₁ explained by the k factors. */
  readonly explained: number;
}

export type PCAFit = FittedCovariance<'pca', PCADetails>;

export const DEFAULT_PCA_FACTORS = 15;

/**
 * p-space eigenvectors of the window's covariance spectrum that a caller has already formed (the walk-forward's
 * shared set, docs/decisions/152): columns of V (p × indices.length, row-major) for the ascending spectrum
 * indices `indices`, as `w.pSpaceVectors(spec, indices)` computes them.
 */
export interface FormedVectors {
  readonly indices: readonly number[];
  readonly V: Float64Array;
}

/**
 * Columns `idx` of formed eigenvectors as a p × k matrix, or undefined when one of them was not formed. The same
 * numbers as `w.pSpaceVectors(spec, idx)`: each entry of that gemm is one sum over the window in the same order
 * whatever the other columns (docs/decisions/157).
 */
export function formedColumns(
  formed: FormedVectors,
  p: number,
  idx: readonly number[],
): Float64Array | undefined {
  const q = formed.indices.length;
  const at = new Map<number, number>();
  for (let c = 0; c < q; c++) at.set(formed.indices[c]!, c);
  const k = idx.length;
  const cols = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    const col = at.get(idx[c]!);
    if (col === undefined) return undefined;
    cols[c] = col;
  }
  const B = new Float64Array(p * k);
  const V = formed.V;
  for (let j = 0; j < p; j++) for (let c = 0; c < k; c++) B[j * k + c] = V[j * q + cols[c]!]!;
  return B;
}

/**
 * PCA on window `w` with k = `factors`. With `formed`, the factors are taken from those eigenvectors when all of
 * them are there (plain data rather than a callback: a per-rebalance closure here would be inlined into the
 * optimised code and invalidate it at every rebalance, decision 157).
 */
export function fitPCA(
  w: CovarianceWindow,
  factors: number = DEFAULT_PCA_FACTORS,
  formed?: FormedVectors,
): PCAFit {
  if (!Number.isInteger(factors) || factors < 1) {
    throw new InvalidInputError(`PCA factors must be a positive integer, got ${factors}`, {
      where: { field: 'factors' },
    });
  }
  const { T, p } = w;
  const spec = w.covarianceSpectrum();
  const q = spec.q;
  const tol = Math.max(spec.values[q - 1]!, 0) * q * Number.EPSILON;
  const idx: number[] = [];
  for (let i = q - 1; i >= 0 && idx.length < factors && spec.values[i]! > tol; i--) idx.push(i);
  const k = idx.length;
  const s2 = gathered(spec.values, idx);
  const B = (formed && formedColumns(formed, p, idx)) ?? w.pSpaceVectors(spec, idx);
  const psi = new Float64Array(p);
  let traceS = 0;
  for (let j = 0; j < p; j++) {
    let e2 = w.colSumSq[j]!;
    traceS += e2;
    for (let c = 0; c < k; c++) e2 -= s2[c]! * B[j * k + c]! ** 2;
    // ψ_j ≥ 0 exactly; cancellation can leave −ε·‖X_·j‖² when a stock lies in the factor span.
    psi[j] = Math.max(e2, 0) / (T - 1);
  }
  let explained = 0;
  for (const v of s2) explained += v;
  const op = new StructuredCovariance({ p, k, diag: psi, U: B, C: diagonalC(s2.map((v) => v / (T - 1))) });
  const details: PCADetails = {
    factors: k,
    singularValues: s2.map(Math.sqrt),
    explained: traceS > 0 ? explained / traceS : Number.NaN,
  };
  return fitted('pca', w, op, details, () => operatorDiagnostics(op, w, w.shrinkageStatistics()));
}

/** PCA factor-model estimator (style.md habit 5). */
export class PCACovariance {
  constructor(readonly options: Readonly<PCAOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): PCAFit {
    return fitPCA(asWindow(returns, this.options), this.options.factors);
  }
}

/** One-shot `new PCACovariance(options).fit(returns)`. */
export function pcaCovariance(returns: Panel | CovarianceWindow, options: PCAOptions = {}): PCAFit {
  return new PCACovariance(options).fit(returns);
}
