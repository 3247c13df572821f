/**
 * The dense feature matrix the models read: `rows × cols`, row-major (`values[i * cols + j]`), NaN = missing.
 * Row-major because a dataset is built and sliced by sample; the trainer transposes it once into its
 * feature-major bin matrix (quantize.ts).
 */
import { InvalidInputError } from '../../core/errors.ts';

export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, length rows × cols; NaN marks a missing value. */
  readonly values: Float64Array;
  /** Optional feature names, length cols. */
  readonly names?: readonly string[];
}

/** Builds a FeatureMatrix from nested arrays (tests, small examples); `null` and NaN mean missing. */
export function featureMatrixFromRows(
  rows: readonly (readonly (number | null)[])[],
  names?: readonly string[],
): FeatureMatrix {
  const n = rows.length;
  const p = n === 0 ? (names?.length ?? 0) : rows[0]!.length;
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.length !== p)
      throw new InvalidInputError(`row ${i} has ${r.length} values, expected ${p}`, { where: { row: i } });
    for (let j = 0; j < p; j++) values[i * p + j] = r[j] ?? Number.NaN;
  }
  return names ? { rows: n, cols: p, values, names } : { rows: n, cols: p, values };
}

/** Throws InvalidInputError unless `X` is a well-formed matrix (shape, names; infinities are refused). */
export function checkFeatureMatrix(X: FeatureMatrix, what = 'feature matrix'): void {
  if (!Number.isInteger(X.rows) || X.rows < 0 || !Number.isInteger(X.cols) || X.cols < 0) {
    throw new InvalidInputError(`${what} has an invalid shape ${X.rows}×${X.cols}`);
  }
  if (X.values.length !== X.rows * X.cols) {
    throw new InvalidInputError(
      `${what} has ${X.values.length} values, expected ${X.rows}×${X.cols} = ${X.rows * X.cols}`,
    );
  }
  if (X.names !== undefined && X.names.length !== X.cols) {
    throw new InvalidInputError(`${what} has ${X.names.length} names for ${X.cols} columns`);
  }
  const v = X.values;
  for (let k = 0; k < v.length; k++) {
    const x = v[k]!;
    if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
      const row = Math.floor(k / X.cols);
      const col = k - row * X.cols;
      throw new InvalidInputError(`${what} holds an infinite value; use NaN for missing`, {
        where: { row, column: X.names?.[col] ?? String(col) },
      });
    }
  }
}

/** The rows `index` of `X` as a new matrix (a copy). */
export function selectRows(X: FeatureMatrix, index: ArrayLike<number>): FeatureMatrix {
  const p = X.cols;
  const out = new Float64Array(index.length * p);
  for (let k = 0; k < index.length; k++) out.set(X.values.subarray(index[k]! * p, index[k]! * p + p), k * p);
  return X.names
    ? { rows: index.length, cols: p, values: out, names: X.names }
    : { rows: index.length, cols: p, values: out };
}
