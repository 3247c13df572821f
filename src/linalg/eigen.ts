/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ: Householder tridiagonalisation (tridiagonal.ts) then
 * implicit QL (tridiagonal-ql.ts). Eigenvalues ascending; V orthonormal. Backward stable: the relative
 * residual ‖AV − VΛ‖_F/‖A‖_F and ‖VᵀV − I‖ are O(n·ε) (test/linalg/eigen.test.ts checks ≤ 1e-12-ish).
 * Cost ≈ (4/3 + 4/3)n³ for reduction and Qᵀ, plus ≈ 3n³ for the rotations (about 9n³ flops in all).
 */
import { NotConvergedError } from '../core/errors.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { checkFinite, checkSymmetric } from './shape.ts';
import { dsytrdUpperRows, formQtRows } from './tridiagonal.ts';
import { tridiagonalQL } from './tridiagonal-ql.ts';

export interface SymmetricEigen {
  /** λ_0 ≤ λ_1 ≤ … ≤ λ_{n−1}. */
  readonly values: Float64Array;
  /** n × n, column j is the unit eigenvector of λ_j (A·V = V·diag(λ)). Absent when only values were asked. */
  readonly vectors: Matrix;
}

export interface SymmetricEigenOptions {
  /**
   * A must be symmetric to |A_ij − A_ji| ≤ tol·max|A| (default 1e-10); only the upper triangle is read.
   * Use Infinity to skip the check.
   */
  readonly symmetryTolerance?: number;
}

/**
 * Base kernel: eigenvalues (ascending) into `values` and, when Vt is not null, eigenvectors as the rows of
 * Vt (row j ↔ values[j]). A (upper triangle, leading dimension lda) is destroyed. Returns −1 on success,
 * else the index of an eigenvalue that did not converge. Allocates its O(n) scratch only.
 */
export function dsyevRows(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  values: Float64Array,
  Vt: Float64Array | null,
  offV: number,
  ldv: number,
): number {
  const e = new Float64Array(Math.max(n, 1));
  const tau = new Float64Array(Math.max(n - 2, 0));
  const s1 = new Float64Array(n);
  const s2 = new Float64Array(n);
  const s3 = new Float64Array(n);
  dsytrdUpperRows(n, A, offA, lda, values, e, tau, s1, s2);
  const Z = Vt === null ? null : new Float64Array(n * n);
  if (Z !== null) formQtRows(n, A, offA, lda, tau, Z, 0, n);
  const info = tridiagonalQL(n, values, e, Z, 0, n, s1, s2, s3);
  if (info >= 0) return info;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const sorted = new Float64Array(n);
  for (let j = 0; j < n; j++) sorted[j] = values[order[j]!]!;
  values.set(sorted);
  if (Z !== null && Vt !== null) {
    for (let j = 0; j < n; j++) Vt.set(Z.subarray(order[j]! * n, order[j]! * n + n), offV + j * ldv);
  }
  return -1;
}

/**
 * Checked symmetric eigendecomposition. Throws InvalidInputError for a non-square, non-finite or
 * non-symmetric A and NotConvergedError if QL fails (not seen in practice).
 * Example: [[2, 1], [1, 2]] gives values [1, 3] and vectors ±[[−0.7071, 0.7071], [0.7071, 0.7071]].
 */
export function symmetricEigen(A: Matrix, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const n = A.rows;
  const Vt = eigenCommon(A, options, true);
  const V = createMatrix(n, n);
  // V = (Vt)ᵀ, tiled.
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T) {
    for (let j0 = 0; j0 < n; j0 += T) {
      for (let i = i0; i < Math.min(n, i0 + T); i++) {
        for (let j = j0; j < Math.min(n, j0 + T); j++) V.data[j * n + i] = Vt.vectors.data[i * n + j]!;
      }
    }
  }
  return { values: Vt.values, vectors: V };
}

/**
 * Same as symmetricEigen but returns the eigenvectors as the rows of `vectorsByRow` (row j ↔ λ_j), which
 * is the layout callers that stream over eigenvectors want, and skips the final transpose.
 */
export function symmetricEigenRows(
  A: Matrix,
  options: SymmetricEigenOptions = {},
): { readonly values: Float64Array; readonly vectorsByRow: Matrix } {
  const r = eigenCommon(A, options, true);
  return { values: r.values, vectorsByRow: r.vectors };
}

/** Eigenvalues only (ascending), O(n³·4/3) for the reduction plus O(n²) for QL. */
export function symmetricEigenvalues(A: Matrix, options: SymmetricEigenOptions = {}): Float64Array {
  return eigenCommon(A, options, false).values;
}

function eigenCommon(A: Matrix, options: SymmetricEigenOptions, wantVectors: boolean) {
  checkFinite('symmetricEigen', 'A', A);
  checkSymmetric('symmetricEigen', 'A', A, options.symmetryTolerance ?? 1e-10);
  const n = A.rows;
  const work = A.data.slice();
  const values = new Float64Array(n);
  const vectors = createMatrix(n, wantVectors ? n : 0);
  const info = dsyevRows(n, work, 0, n, values, wantVectors ? vectors.data : null, 0, n);
  if (info >= 0) {
    throw new NotConvergedError(`symmetricEigen: implicit QL did not converge for eigenvalue ${info}`, 30, {
      offDiagonal: Number.NaN,
    });
  }
  return { values, vectors };
}
