/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ: Householder tridiagonalisation (tridiagonal.ts), then
 * divide and conquer (tridiagonal-dc.ts) or, for small n and for values only, implicit QL
 * (tridiagonal-ql.ts). Eigenvalues ascending; V orthonormal. Backward stable: the relative residual
 * ‖AV − VΛ‖_F/‖A‖_F and ‖VᵀV − I‖ are O(n·ε) (test/linalg/eigen.test.ts checks ≤ 1e-12).
 * Cost ≈ 4/3·n³ (reduction) + at most 4/3·n³ (merges, less with deflation) + 2n³ (blocked back-transformation).
 */
import { NotConvergedError } from '../core/errors.ts';
import { createMatrix, type Matrix, transposeInto } from './matrix.ts';
import { checkFinite, checkSquare, checkSymmetric } from './shape.ts';
import { applyQBlocked, dsytrdUpperRows, formQtRows } from './tridiagonal.ts';
import { tridiagonalDivideConquer } from './tridiagonal-dc.ts';
import { tridiagonalQL, tridiagonalQLScratch } from './tridiagonal-ql.ts';
import {
  tridiagonalCountBelow,
  tridiagonalInverseIteration,
  tridiagonalTopEigenvalues,
} from './tridiagonal-select.ts';

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

/** Below this order the QL path (rotations applied straight to Qᵀ) beats divide and conquer + gemm. */
const DIVIDE_CONQUER_MIN = 64;

/**
 * Base kernel: eigenvalues (ascending) into `values` and, when `V` is not null, unit eigenvectors into V:
 * as its rows (`vectorsAsRows`, row j ↔ values[j]) or as its columns. A (upper triangle, leading
 * dimension lda) is destroyed. Returns −1 on success, else the index of an eigenvalue that did not
 * converge. Allocates its O(n²) workspace.
 *
 * n ≥ 64 with vectors: tridiagonal eigenvectors by divide and conquer (tridiagonal-dc.ts), then the
 * Householder reflectors applied to them in blocks (applyQBlocked, gemm-rate). Otherwise implicit QL with the rotations applied directly to Qᵀ (tridiagonal-ql.ts).
 */
export function dsyev(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  values: Float64Array,
  V: Float64Array | null,
  offV: number,
  ldv: number,
  vectorsAsRows: boolean,
): number {
  const e = new Float64Array(Math.max(n, 1));
  const tau = new Float64Array(Math.max(n - 2, 0));
  const s1 = new Float64Array(n);
  const s2 = new Float64Array(n);
  dsytrdUpperRows(n, A, offA, lda, values, e, tau, s1, s2);
  if (V === null) {
    const info = tridiagonalQL(n, values, e, null, 0, n, s1, s2, s1);
    values.sort();
    return info;
  }
  if (n >= DIVIDE_CONQUER_MIN) {
    // Eigenvectors of T as columns, then V = Q·Q_T by blocked reflectors (in place), transposed if asked.
    const QT = vectorsAsRows ? new Float64Array(n * n) : V;
    const offT = vectorsAsRows ? 0 : offV;
    const ldt = vectorsAsRows ? n : ldv;
    const info = tridiagonalDivideConquer(n, values, e, QT, offT, ldt);
    if (info >= 0) return info;
    applyQBlocked(n, n, A, offA, lda, tau, QT, offT, ldt);
    if (vectorsAsRows) transposeInto(n, n, QT, 0, n, V, offV, ldv);
    return -1;
  }
  const Z = new Float64Array(n * n);
  formQtRows(n, A, offA, lda, tau, Z, 0, n);
  const scratch = tridiagonalQLScratch(n);
  const info = tridiagonalQL(
    n,
    values,
    e,
    Z,
    0,
    n,
    new Float64Array(scratch.rotations),
    new Float64Array(scratch.rotations),
    new Float64Array(Math.max(n, scratch.carry)),
  );
  if (info >= 0) return info;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const sorted = Float64Array.from(order, (j) => values[j]!);
  values.set(sorted);
  for (let j = 0; j < n; j++) {
    const row = order[j]! * n;
    if (vectorsAsRows) V.set(Z.subarray(row, row + n), offV + j * ldv);
    else for (let i = 0; i < n; i++) V[offV + i * ldv + j] = Z[row + i]!;
  }
  return -1;
}

/** dsyev with the eigenvectors as rows of Vt (row j ↔ values[j]), or values only when Vt is null. */
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
  return dsyev(n, A, offA, lda, values, Vt, offV, ldv, true);
}

/**
 * Base kernel: the eigenpairs of A whose eigenvalue exceeds `threshold`, and A's largest eigenvalue
 * (LAPACK dsyevx with a value range): Householder tridiagonalisation, bisection for the eigenvalues from
 * the Sturm count at `threshold` up, inverse iteration for their eigenvectors of T, and the reflectors
 * applied to those k vectors only (2n²k flops). Next to a full decomposition this skips divide and
 * conquer and the 2n³ back-transformation, so it pays when k ≪ n. A (upper triangle, leading dimension
 * lda) is destroyed. `values` ascending; `vectorsByRow` is k × n, row j the unit eigenvector of values[j]
 * (largest entry positive). Returns null if inverse iteration failed for a vector (dstein's failure).
 */
export function dsyevAbove(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  threshold: number,
): { values: Float64Array; vectorsByRow: Float64Array; largest: number } | null {
  if (n === 0) return { values: new Float64Array(0), vectorsByRow: new Float64Array(0), largest: Number.NaN };
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(Math.max(n - 2, 0));
  dsytrdUpperRows(n, A, offA, lda, d, e, tau, new Float64Array(n), new Float64Array(n));
  // The largest eigenvalue is always computed (RMT reports it even when nothing is above the threshold).
  const first = Math.min(tridiagonalCountBelow(n, d, e, threshold), n - 1);
  const top = tridiagonalTopEigenvalues(n, d, e, first);
  let skip = 0;
  while (skip < top.length && !(top[skip]! > threshold)) skip++;
  const values = top.subarray(skip);
  const k = values.length;
  const Zt = new Float64Array(k * n);
  if (tridiagonalInverseIteration(n, d, e, values, Zt, 0, n) >= 0) return null;
  // Q·Z on the n × k column layout applyQBlocked works on, then back to rows.
  const Z = new Float64Array(n * k);
  transposeInto(k, n, Zt, 0, n, Z, 0, k);
  applyQBlocked(n, k, A, offA, lda, tau, Z, 0, k);
  transposeInto(n, k, Z, 0, k, Zt, 0, n);
  for (let j = 0; j < k; j++) {
    const row = Zt.subarray(j * n, (j + 1) * n);
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(row[i]!) > Math.abs(row[big]!)) big = i;
    if (row[big]! < 0) for (let i = 0; i < n; i++) row[i] = -row[i]!;
  }
  return { values: values.slice(), vectorsByRow: Zt, largest: top[top.length - 1]! };
}

/**
 * Checked symmetric eigendecomposition. Throws InvalidInputError for a non-square, non-finite or
 * non-symmetric A and NotConvergedError if QL fails (not seen in practice).
 * Example: [[2, 1], [1, 2]] gives values [1, 3] and vectors ±[[−0.7071, 0.7071], [0.7071, 0.7071]].
 */
export function symmetricEigen(A: Matrix, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const r = eigenCommon(A, options, 'columns');
  return { values: r.values, vectors: r.vectors };
}

/**
 * Same as symmetricEigen but returns the eigenvectors as the rows of `vectorsByRow` (row j ↔ λ_j), which
 * is the layout callers that stream over eigenvectors want.
 */
export function symmetricEigenRows(
  A: Matrix,
  options: SymmetricEigenOptions = {},
): { readonly values: Float64Array; readonly vectorsByRow: Matrix } {
  const r = eigenCommon(A, options, 'rows');
  return { values: r.values, vectorsByRow: r.vectors };
}

/**
 * The eigenpairs of A with eigenvalue above `threshold` (ascending, eigenvectors as the rows of the k × n
 * `vectorsByRow`) and A's largest eigenvalue, without the full decomposition (dsyevAbove). Throws like
 * symmetricEigen, and NotConvergedError if inverse iteration fails (not seen in practice).
 * Example: diag(1, 5, 3) above 2 gives values [3, 5] with vectors e₂ and e₁, largest 5.
 */
export function symmetricEigenAbove(
  A: Matrix,
  threshold: number,
  options: SymmetricEigenOptions = {},
): { readonly values: Float64Array; readonly vectorsByRow: Matrix; readonly largest: number } {
  checkEigenInput('symmetricEigenAbove', A, options);
  const n = A.rows;
  const r = dsyevAbove(n, A.data.slice(), 0, n, threshold);
  if (r === null) {
    throw new NotConvergedError('symmetricEigenAbove: inverse iteration did not converge', 5, {});
  }
  const k = r.values.length;
  return { values: r.values, vectorsByRow: { rows: k, cols: n, data: r.vectorsByRow }, largest: r.largest };
}

/** Eigenvalues only (ascending): 4/3·n³ for the reduction plus O(n²) for QL. */
export function symmetricEigenvalues(A: Matrix, options: SymmetricEigenOptions = {}): Float64Array {
  return eigenCommon(A, options, 'none').values;
}

/**
 * Finite, square and symmetric to the tolerance; with tolerance Infinity (callers that build A symmetric,
 * e.g. the risk window's Gram matrices) the O(n²) strided symmetry scan, which could not fail, is skipped.
 */
function checkEigenInput(op: string, A: Matrix, options: SymmetricEigenOptions): void {
  checkFinite(op, 'A', A);
  const tol = options.symmetryTolerance ?? 1e-10;
  if (tol === Number.POSITIVE_INFINITY) checkSquare(op, 'A', A);
  else checkSymmetric(op, 'A', A, tol);
}

function eigenCommon(A: Matrix, options: SymmetricEigenOptions, layout: 'rows' | 'columns' | 'none') {
  checkEigenInput('symmetricEigen', A, options);
  const n = A.rows;
  const work = A.data.slice();
  const values = new Float64Array(n);
  const vectors = createMatrix(n, layout === 'none' ? 0 : n);
  const info = dsyev(n, work, 0, n, values, layout === 'none' ? null : vectors.data, 0, n, layout === 'rows');
  if (info >= 0) {
    throw new NotConvergedError(`symmetricEigen: implicit QL did not converge for eigenvalue ${info}`, 30, {
      offDiagonal: Number.NaN,
    });
  }
  return { values, vectors };
}
