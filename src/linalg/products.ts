/** Checked wrappers for products: they validate shapes, allocate the result and call the base kernels. */
import { InvalidInputError } from '../core/errors.ts';
import { ddot } from './blas1.ts';
import { dgemm } from './gemm.ts';
import { dgemv, dgemvT } from './gemv.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { checkMatrix, checkVector } from './shape.ts';
import { dsyrk } from './syrk.ts';

export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
  /** Scale α of the product (default 1). */
  readonly alpha?: number;
}

/** α·op(A)·op(B) as a new matrix. Throws InvalidInputError when the inner dimensions differ. */
export function matmul(A: Matrix, B: Matrix, options: MatmulOptions = {}): Matrix {
  checkMatrix('matmul', 'A', A);
  checkMatrix('matmul', 'B', B);
  const tA = options.transA ?? false;
  const tB = options.transB ?? false;
  const m = tA ? A.cols : A.rows;
  const k = tA ? A.rows : A.cols;
  const kB = tB ? B.cols : B.rows;
  const n = tB ? B.rows : B.cols;
  if (k !== kB) {
    throw new InvalidInputError(
      `matmul: inner dimensions differ: op(A) is ${m} × ${k}, op(B) is ${kB} × ${n}`,
    );
  }
  const C = createMatrix(m, n);
  dgemm(tA, tB, m, n, k, options.alpha ?? 1, A.data, 0, A.cols, B.data, 0, B.cols, 0, C.data, 0, n);
  return C;
}

/** op(A)·x as a new vector (op(A) = Aᵀ when `trans`). */
export function matvec(A: Matrix, x: Float64Array, trans = false): Float64Array {
  checkMatrix('matvec', 'A', A);
  checkVector('matvec', 'x', x, trans ? A.rows : A.cols);
  const y = new Float64Array(trans ? A.cols : A.rows);
  if (trans) dgemvT(A.rows, A.cols, 1, A.data, 0, A.cols, x, 0, 1, 0, y, 0, 1);
  else dgemv(A.rows, A.cols, 1, A.data, 0, A.cols, x, 0, 1, 0, y, 0, 1);
  return y;
}

/** xᵀy. */
export function dot(x: Float64Array, y: Float64Array): number {
  checkVector('dot', 'y', y, x.length);
  return ddot(x.length, x, 0, 1, y, 0, 1);
}

export interface GramOptions {
  /** 'XtX' (default): the p × p cross-product of columns XᵀX; 'XXt': the T × T Gram matrix of rows. */
  readonly side?: 'XtX' | 'XXt';
  /** Multiplies the product (e.g. 1/(T − 1) for a sample covariance). Default 1. */
  readonly scale?: number;
}

/** scale·XᵀX or scale·XXᵀ as a full symmetric matrix (computed once by syrk, then mirrored). */
export function gram(X: Matrix, options: GramOptions = {}): Matrix {
  checkMatrix('gram', 'X', X);
  const trans = (options.side ?? 'XtX') === 'XtX';
  const n = trans ? X.cols : X.rows;
  const k = trans ? X.rows : X.cols;
  const C = createMatrix(n, n);
  dsyrk(true, trans, n, k, options.scale ?? 1, X.data, 0, X.cols, 0, C.data, 0, n, true);
  return C;
}
