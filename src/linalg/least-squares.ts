/** Linear least squares min ‖A·x − b‖₂ through the pivoted QR (qr.ts). */
import { dgemv } from './gemv.ts';
import type { Matrix } from './matrix.ts';
import { type QROptions, qrPivoted } from './qr.ts';
import { checkFiniteVector, checkVector } from './shape.ts';

export interface LeastSquaresResult {
  /** Coefficients (length n): the basic solution when rank < n (pivoted-out coefficients are 0). */
  readonly x: Float64Array;
  /** b − A·x (length m). */
  readonly residual: Float64Array;
  /** ‖b − A·x‖₂. */
  readonly residualNorm: number;
  /** Numerical rank of A (see qr.ts for the tolerance). */
  readonly rank: number;
}

/**
 * Solves min ‖A·x − b‖₂ for an m × n A of any shape and rank. Example: A = [[1],[1],[1]], b = [1,2,6] gives
 * x = [3], residual [−2, −1, 3], rank 1. Throws InvalidInputError for a wrong-length or non-finite b.
 */
export function leastSquares(A: Matrix, b: Float64Array, options: QROptions = {}): LeastSquaresResult {
  checkVector('leastSquares', 'b', b, A.rows);
  checkFiniteVector('leastSquares', 'b', b);
  const qr = qrPivoted(A, options);
  const x = qr.solve(b);
  const residual = b.slice();
  dgemv(A.rows, A.cols, -1, A.data, 0, A.cols, x, 0, 1, 1, residual, 0, 1);
  let ss = 0;
  for (let i = 0; i < residual.length; i++) ss += residual[i]! * residual[i]!;
  return { x, residual, residualNorm: Math.sqrt(ss), rank: qr.rank };
}
