import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import {
  createMatrix,
  type Matrix,
  matrixFromRows,
  symmetricEigen,
  symmetricEigenRows,
  symmetricEigenvalues,
  tridiagonalDivideConquer,
} from '../../src/linalg/index.ts';
import {
  frobenius,
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  randomMatrix,
  randomSymmetric,
  symmetricWithSpectrum,
} from './naive.ts';

/** ‖AV − VΛ‖_F / ‖A‖_F and max |VᵀV − I|, computed naively. */
function quality(A: Matrix, values: Float64Array, V: Matrix) {
  const n = A.rows;
  const AV = naiveMatmul(A, V).data;
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) R[i * n + j] = AV[i * n + j]! - V.data[i * n + j]! * values[j]!;
  const VtV = naiveMatmul(V, V, true, false).data;
  let orth = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(VtV[i * n + j]! - (i === j ? 1 : 0)));
  const scale = frobenius(A.data);
  return { residual: scale === 0 ? frobenius(R) : frobenius(R) / scale, orth };
}

function expectGood(A: Matrix, tol = 1e-12) {
  const { values, vectors } = symmetricEigen(A);
  const q = quality(A, values, vectors);
  expect(q.residual).toBeLessThan(tol);
  expect(q.orth).toBeLessThan(tol);
  for (let j = 1; j < values.length; j++) expect(values[j]!).toBeGreaterThanOrEqual(values[j - 1]!);
  return values;
}

describe('symmetricEigen', () => {
  it('hand case [[2,1],[1,2]]: λ = 1, 3', () => {
    const { values, vectors } = symmetricEigen(
      matrixFromRows([
        [2, 1],
        [1, 2],
      ]),
    );
    expect(values[0]).toBeCloseTo(1, 15);
    expect(values[1]).toBeCloseTo(3, 15);
    expect(Math.abs(vectors.data[0]!)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(vectors.data[0]! * vectors.data[2]!).toBeLessThan(0); // (1, −1)/√2 for λ = 1
  });

  it('0 × 0 and 1 × 1', () => {
    const e0 = symmetricEigen({ rows: 0, cols: 0, data: new Float64Array(0) });
    expect(e0.values.length).toBe(0);
    const e1 = symmetricEigen(matrixFromRows([[-3.5]]));
    expect([...e1.values]).toEqual([-3.5]);
    expect([...e1.vectors.data]).toEqual([1]);
  });

  it('random symmetric matrices: residual and orthogonality at 1e-12 relative', () => {
    for (const n of [2, 3, 4, 10, 33, 120]) expectGood(randomSymmetric(n, n));
  });

  it('diagonal input returns the sorted diagonal and signed unit vectors', () => {
    const d = [3, -1, 2, 2, 0];
    const A = matrixFromRows(d.map((v, i) => d.map((_, j) => (i === j ? v : 0))));
    const values = expectGood(A);
    expect([...values]).toEqual([-1, 0, 2, 2, 3]);
  });

  it('known spectra with repeated eigenvalues and rank deficiency', () => {
    const spectra = [
      [1, 1, 1, 1, 1, 1],
      [5, 5, 5, 2, 2, -1, -1, -1, 0],
      [0, 0, 0, 0, 4, 9], // rank 2
      Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : i)), // rank 10, 30-fold zero
      [1e-8, 1, 1e8],
    ];
    spectra.forEach((lambda, s) => {
      const A = symmetricWithSpectrum(lambda, 100 + s);
      const values = expectGood(A, 1e-12);
      const sorted = [...lambda].sort((a, b) => a - b);
      const scale = Math.max(...lambda.map(Math.abs));
      expect(maxAbsDiff(values, sorted)).toBeLessThan(1e-12 * scale * lambda.length);
    });
  });

  it('rank-deficient Gram matrix XXᵀ (T < p) and a Gram matrix XᵀX with p > T', () => {
    const X = randomMatrix(8, 30, 9);
    expectGood(naiveMatmul(X, X, false, true));
    const values = expectGood(naiveMatmul(X, X, true, false));
    // 30 × 30 of rank 8: 22 eigenvalues at round-off level.
    const zeros = values.filter((v) => Math.abs(v) < 1e-12 * values[29]!).length;
    expect(zeros).toBe(22);
  });

  it('divide-and-conquer sizes (n ≥ 64): random, clustered, repeated and rank-deficient spectra', () => {
    expectGood(randomSymmetric(257, 5));
    const clustered = Array.from({ length: 130 }, (_, i) => (i % 4) + 1e-10 * i);
    let values = expectGood(symmetricWithSpectrum(clustered, 6));
    expect(
      maxAbsDiff(
        values,
        [...clustered].sort((a, b) => a - b),
      ),
    ).toBeLessThan(1e-12 * 130 * 3);
    const repeated = Array.from({ length: 100 }, (_, i) => (i < 70 ? 2 : i));
    values = expectGood(symmetricWithSpectrum(repeated, 7));
    expect(maxAbsDiff(values, repeated)).toBeLessThan(1e-12 * 100 * 100);
    const X = randomMatrix(20, 120, 8);
    values = expectGood(naiveMatmul(X, X, true, false));
    expect(values.filter((v) => Math.abs(v) < 1e-12 * values[119]!).length).toBe(100);
    // Twelve orders of magnitude: residual stays small relative to ‖A‖, tiny eigenvalues stay positive-ish.
    const graded = Array.from({ length: 100 }, (_, i) => 10 ** (-6 + (12 * i) / 99));
    values = expectGood(symmetricWithSpectrum(graded, 9));
    expect(maxAbsDiff(values, graded)).toBeLessThan(1e-12 * 1e6 * 100);
    // Tridiagonal input with an exact split (a zero coupling) and a diagonal block.
    const n = 90;
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = i % 7;
      if (i + 1 < n && i !== 44 && i < 70) T[i * n + i + 1] = T[(i + 1) * n + i] = 1;
    }
    expectGood({ rows: n, cols: n, data: T });
  });

  it('divide and conquer on tridiagonal matrices with known spectra: values to a few ulps of the largest', () => {
    // T = tridiag(−1, 2, −1): λ_k = 2 − 2cos(kπ/(n+1)), every merge a full secular equation (little deflation).
    for (const n of [64, 65, 250, 301]) {
      const d = new Float64Array(n).fill(2);
      const e = new Float64Array(n).fill(-1);
      const Q = new Float64Array(n * n);
      expect(tridiagonalDivideConquer(n, d, e, Q, 0, n)).toBe(-1);
      for (let k = 1; k <= n; k++) {
        expect(Math.abs(d[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-14 * 4);
      }
      const A = createMatrix(n, n);
      for (let i = 0; i < n; i++) {
        A.data[i * n + i] = 2;
        if (i + 1 < n) A.data[i * n + i + 1] = A.data[(i + 1) * n + i] = -1;
      }
      const q = quality(A, d, { rows: n, cols: n, data: Q });
      expect(q.residual).toBeLessThan(1e-13);
      expect(q.orth).toBeLessThan(1e-13);
    }
  });

  it('zero matrix and constant matrix', () => {
    expectGood({ rows: 4, cols: 4, data: new Float64Array(16) });
    expectGood({ rows: 70, cols: 70, data: new Float64Array(4900) });
    const values = expectGood({ rows: 5, cols: 5, data: new Float64Array(25).fill(2) });
    expect(values[4]).toBeCloseTo(10, 13);
    expect(Math.abs(values[0]!)).toBeLessThan(1e-14);
  });

  it('row layout and values-only agree with the column layout', () => {
    for (const n of [25, 80]) checkLayouts(randomSymmetric(n, 3));
  });

  function checkLayouts(A: Matrix) {
    const n = A.rows;
    const full = symmetricEigen(A);
    const rows = symmetricEigenRows(A);
    expect(maxAbsDiff(full.values, rows.values)).toBe(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        expect(rows.vectorsByRow.data[j * n + i]).toBe(full.vectors.data[i * n + j]);
    expect(maxAbsDiff(symmetricEigenvalues(A), full.values)).toBeLessThan(1e-12 * maxAbs(full.values));
  }

  it('rejects non-symmetric, non-square and non-finite input', () => {
    expect(() =>
      symmetricEigen(
        matrixFromRows([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/not symmetric: \[1, 0\]/);
    expect(() => symmetricEigen(matrixFromRows([[1, 2, 3]]))).toThrow(InvalidInputError);
    expect(() =>
      symmetricEigen(
        matrixFromRows([
          [1, Number.NaN],
          [Number.NaN, 1],
        ]),
      ),
    ).toThrow(/is NaN/);
  });
});
