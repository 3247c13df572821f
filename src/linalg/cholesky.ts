/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix, and solves with it.
 *
 * Base kernel `dpotrfLower` reads the lower triangle of A (row-major) and overwrites it with L, row by
 * row: L_ij = (A_ij − Σ_{p<j} L_ip L_jp) / L_jj and L_ii = √(A_ii − Σ_{p<i} L_ip²), so each inner loop is
 * a dot product of two contiguous row prefixes. It never throws: it returns −1 on success or the index
 * of the first pivot whose Schur complement is not > 0 (or is NaN), i.e. the order of the leading minor
 * that is not positive definite, minus one.
 */
import { InvalidInputError, NumericalError } from '../core/errors.ts';
import { ddot } from './blas1.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { checkFinite, checkMatrix, checkSquare, checkVector } from './shape.ts';
import { dtrsm, dtrsv } from './triangular.ts';

/** In-place lower Cholesky. Returns −1 on success, else the failing pivot index (its value is left in A). */
export function dpotrfLower(n: number, A: Float64Array, offA: number, lda: number): number {
  for (let i = 0; i < n; i++) {
    const ri = offA + i * lda;
    for (let j = 0; j < i; j++) {
      const rj = offA + j * lda;
      A[ri + j] = (A[ri + j]! - ddot(j, A, ri, 1, A, rj, 1)) / A[rj + j]!;
    }
    const d = A[ri + i]! - ddot(i, A, ri, 1, A, ri, 1);
    if (!(d > 0)) {
      A[ri + i] = d;
      return i;
    }
    A[ri + i] = Math.sqrt(d);
  }
  return -1;
}

export interface CholeskyOptions {
  /**
   * Add δ·I and retry when A is not numerically positive definite. δ starts at `initial` × mean(diag A)
   * (default 1e-10) and is multiplied by 10 on each retry, at most `maxTries` times (default 6, so up to
   * 1e-5 × mean diag). `true` uses the defaults. Off by default: a failure throws at once.
   */
  readonly jitter?: boolean | { readonly initial?: number; readonly maxTries?: number };
}

export interface CholeskyFactor {
  /** Lower-triangular factor (upper triangle zero). */
  readonly L: Matrix;
  /** The δ that was added to the diagonal (0 when none was needed). */
  readonly jitter: number;
}

/**
 * Checked Cholesky of a symmetric matrix (only the lower triangle is read). Throws InvalidInputError for a
 * non-square or non-finite A and NumericalError naming the failing pivot when A is not positive definite
 * (after the optional jitter escalation).
 */
export function cholesky(A: Matrix, options: CholeskyOptions = {}): CholeskyFactor {
  checkSquare('cholesky', 'A', A);
  checkFinite('cholesky', 'A', A);
  const n = A.rows;
  const L = createMatrix(n, n);
  const attempt = (delta: number): number => {
    L.data.set(A.data);
    if (delta !== 0) for (let i = 0; i < n; i++) L.data[i * n + i] += delta;
    return dpotrfLower(n, L.data, 0, n);
  };
  let failed = attempt(0);
  let delta = 0;
  const pivotValue = failed >= 0 ? L.data[failed * n + failed]! : 0;
  const firstFailure = failed;
  if (failed >= 0 && options.jitter) {
    const cfg = options.jitter === true ? {} : options.jitter;
    let meanDiag = 0;
    for (let i = 0; i < n; i++) meanDiag += Math.abs(A.data[i * n + i]!);
    meanDiag = n > 0 ? meanDiag / n : 0;
    delta = (cfg.initial ?? 1e-10) * (meanDiag > 0 ? meanDiag : 1);
    const maxTries = cfg.maxTries ?? 6;
    for (let t = 0; t < maxTries && failed >= 0; t++, delta *= 10) failed = attempt(delta);
    if (failed < 0) delta /= 10;
  }
  if (failed >= 0) {
    const jitterNote = options.jitter ? ` (still failing at pivot ${failed} with jitter ${delta / 10})` : '';
    throw new NumericalError(
      `cholesky: A is not positive definite: pivot ${firstFailure} has Schur complement ${pivotValue} ≤ 0${jitterNote}`,
    );
  }
  for (let i = 0; i < n; i++) L.data.fill(0, i * n + i + 1, (i + 1) * n);
  return { L, jitter: delta };
}

/** Solves A·x = b given A = L·Lᵀ. */
export function choleskySolve(L: Matrix, b: Float64Array): Float64Array {
  checkSquare('choleskySolve', 'L', L);
  checkVector('choleskySolve', 'b', b, L.rows);
  const x = b.slice();
  dtrsv(false, false, false, L.rows, L.data, 0, L.cols, x, 0, 1);
  dtrsv(false, true, false, L.rows, L.data, 0, L.cols, x, 0, 1);
  return x;
}

/** Solves A·X = B (B is n × q) given A = L·Lᵀ. */
export function choleskySolveMatrix(L: Matrix, B: Matrix): Matrix {
  checkSquare('choleskySolveMatrix', 'L', L);
  checkMatrix('choleskySolveMatrix', 'B', B);
  if (B.rows !== L.rows) {
    throw new InvalidInputError(`choleskySolveMatrix: B has ${B.rows} rows, L is ${L.rows} × ${L.rows}`);
  }
  const X = createMatrix(B.rows, B.cols, B.data.slice());
  dtrsm(false, false, false, L.rows, B.cols, L.data, 0, L.cols, X.data, 0, B.cols);
  dtrsm(false, true, false, L.rows, B.cols, L.data, 0, L.cols, X.data, 0, B.cols);
  return X;
}

/** ln|A| = 2·Σ ln L_ii. */
export function choleskyLogDet(L: Matrix): number {
  checkSquare('choleskyLogDet', 'L', L);
  let s = 0;
  for (let i = 0; i < L.rows; i++) s += Math.log(L.data[i * L.cols + i]!);
  return 2 * s;
}
