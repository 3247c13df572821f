/** Shape checks shared by the checked wrappers: each throws InvalidInputError naming the operand. */
import { InvalidInputError } from '../core/errors.ts';
import type { Matrix } from './matrix.ts';

export function checkMatrix(op: string, name: string, A: Matrix): void {
  if (
    !Number.isSafeInteger(A.rows) ||
    !Number.isSafeInteger(A.cols) ||
    A.rows < 0 ||
    A.cols < 0 ||
    !(A.data instanceof Float64Array)
  ) {
    throw new InvalidInputError(`${op}: ${name} must be a matrix with a Float64Array of data`);
  }
  if (A.data.length !== A.rows * A.cols) {
    throw new InvalidInputError(
      `${op}: ${name} is ${A.rows} × ${A.cols} but its data has length ${A.data.length}`,
    );
  }
}

export function checkSquare(op: string, name: string, A: Matrix): void {
  checkMatrix(op, name, A);
  if (A.rows !== A.cols)
    throw new InvalidInputError(`${op}: ${name} must be square, got ${A.rows} × ${A.cols}`);
}

export function checkVector(op: string, name: string, x: ArrayLike<number>, length: number): void {
  if (!(x instanceof Float64Array)) throw new InvalidInputError(`${op}: ${name} must be a Float64Array`);
  if (x.length !== length) {
    throw new InvalidInputError(`${op}: ${name} has length ${x.length}, expected ${length}`);
  }
}

/** Throws when any entry is NaN or ±Infinity, naming the first offending position. */
export function checkFinite(op: string, name: string, A: Matrix): void {
  const { data, cols } = A;
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t]!)) {
      const i = cols === 0 ? 0 : Math.floor(t / cols);
      throw new InvalidInputError(
        `${op}: ${name}[${i}, ${t - i * cols}] is ${data[t]}, expected a finite number`,
      );
    }
  }
}

export function checkFiniteVector(op: string, name: string, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new InvalidInputError(`${op}: ${name}[${i}] is ${x[i]}, expected a finite number`);
    }
  }
}

/** Symmetry to a relative tolerance of ‖A‖_max: |A_ij − A_ji| ≤ tol · max|A|. */
export function checkSymmetric(op: string, name: string, A: Matrix, tol = 1e-10): void {
  checkSquare(op, name, A);
  const n = A.rows;
  const a = A.data;
  let scale = 0;
  for (let t = 0; t < a.length; t++) scale = Math.max(scale, Math.abs(a[t]!));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const d = Math.abs(a[i * n + j]! - a[j * n + i]!);
      if (d > tol * scale) {
        throw new InvalidInputError(
          `${op}: ${name} is not symmetric: [${i}, ${j}] = ${a[i * n + j]} but [${j}, ${i}] = ${a[j * n + i]}`,
        );
      }
    }
  }
}
