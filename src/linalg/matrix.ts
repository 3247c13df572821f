/**
 * Dense matrices for the checked tier: row-major `Float64Array` with explicit dimensions. Element (i, j)
 * lives at `data[i * cols + j]`. Base kernels take the raw array plus an offset and a leading dimension
 * instead, so a sub-matrix is a view that costs nothing (style.md habit 1).
 */
import { InvalidInputError } from '../core/errors.ts';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A rows × cols matrix of zeros, or wrapping `data` (not copied) when given. */
export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  checkDimension('rows', rows);
  checkDimension('cols', cols);
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new InvalidInputError(
      `matrix data has length ${data.length}, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  return { rows, cols, data };
}

/** Builds a matrix from nested arrays (row by row); handy for tests and small literals. */
export function matrixFromRows(rowsData: readonly (readonly number[])[]): Matrix {
  const rows = rowsData.length;
  const cols = rows === 0 ? 0 : rowsData[0]!.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = rowsData[i]!;
    if (r.length !== cols) throw new InvalidInputError(`row ${i} has ${r.length} entries, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  }
  return { rows, cols, data };
}

/** The n × n identity. */
export function identityMatrix(n: number): Matrix {
  const m = createMatrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** A diagonal matrix with `d` on the diagonal. */
export function diagonalMatrix(d: ArrayLike<number>): Matrix {
  const n = d.length;
  const m = createMatrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = d[i]!;
  return m;
}

/**
 * Base kernel: writes the transpose of the m × n matrix at `A[offA]` (leading dimension lda) into
 * `B[offB]` (n × m, leading dimension ldb). Tiled in 32 × 32 blocks so both sides stay in cache.
 */
export function transposeInto(
  m: number,
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  B: Float64Array,
  offB: number,
  ldb: number,
): void {
  const T = 32;
  for (let i0 = 0; i0 < m; i0 += T) {
    const i1 = Math.min(m, i0 + T);
    for (let j0 = 0; j0 < n; j0 += T) {
      const j1 = Math.min(n, j0 + T);
      for (let i = i0; i < i1; i++) {
        const a = offA + i * lda;
        for (let j = j0; j < j1; j++) B[offB + j * ldb + i] = A[a + j]!;
      }
    }
  }
}

/** Aᵀ as a new matrix. */
export function transpose(A: Matrix): Matrix {
  const out = createMatrix(A.cols, A.rows);
  transposeInto(A.rows, A.cols, A.data, 0, A.cols, out.data, 0, A.rows);
  return out;
}

/** Rows [r0, r1) as a copy. */
export function sliceRows(A: Matrix, r0: number, r1: number): Matrix {
  return { rows: r1 - r0, cols: A.cols, data: A.data.slice(r0 * A.cols, r1 * A.cols) };
}

function checkDimension(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new InvalidInputError(`matrix ${name} must be a non-negative integer, got ${v}`);
  }
}
