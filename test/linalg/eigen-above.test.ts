import { describe, expect, it } from 'vitest';
import { type Matrix, matrixFromRows, symmetricEigen, symmetricEigenAbove } from '../../src/linalg/index.ts';
import { tridiagonalCountBelow } from '../../src/linalg/tridiagonal-select.ts';
import { maxAbs, naiveMatmul, randomMatrix, randomSymmetric, symmetricWithSpectrum } from './naive.ts';

/**
 * symmetricEigenAbove against the full decomposition (its slow twin here): the same eigenvalues above the
 * threshold to rounding, residuals ‖Av − λv‖ and ‖VᵀV − I‖ at rounding level relative to ‖A‖, and the
 * largest eigenvalue.
 */
function expectAgrees(A: Matrix, threshold: number, tol = 1e-12) {
  const n = A.rows;
  const full = symmetricEigen(A);
  const r = symmetricEigenAbove(A, threshold);
  const want = [...full.values].filter((v) => v > threshold);
  const scale = Math.max(maxAbs(full.values), Number.MIN_VALUE);
  expect(r.values.length).toBe(want.length);
  want.forEach((v, j) => expect(Math.abs(r.values[j]! - v)).toBeLessThan(tol * scale));
  if (n > 0) expect(Math.abs(r.largest - full.values[n - 1]!)).toBeLessThan(tol * scale);
  const k = r.values.length;
  const V = r.vectorsByRow;
  const AV = naiveMatmul(A, V, false, true).data; // n × k
  for (let j = 0; j < k; j++) {
    let res = 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      const x = V.data[j * n + i]!;
      res = Math.max(res, Math.abs(AV[i * k + j]! - r.values[j]! * x));
      if (Math.abs(x) > Math.abs(V.data[j * n + big]!)) big = i;
    }
    expect(res).toBeLessThan(tol * scale);
    expect(V.data[j * n + big]!).toBeGreaterThan(0); // sign convention: largest entry positive
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += V.data[j * n + i]! * V.data[c * n + i]!;
      expect(Math.abs(s - (j === c ? 1 : 0))).toBeLessThan(tol);
    }
  }
  return r;
}

describe('symmetricEigenAbove (bisection + inverse iteration)', () => {
  it('hand case diag(1, 5, 3) above 2: values [3, 5], vectors e₂ and e₁, largest 5', () => {
    const r = expectAgrees(
      matrixFromRows([
        [1, 0, 0],
        [0, 5, 0],
        [0, 0, 3],
      ]),
      2,
    );
    expect(r.values[0]).toBeCloseTo(3, 14);
    expect(r.values[1]).toBeCloseTo(5, 14);
    expect([...r.vectorsByRow.data].map((x) => Math.round(x * 1e14) / 1e14 + 0)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(r.largest).toBeCloseTo(5, 14);
  });

  it('empty, 1 × 1, nothing above the threshold, everything above it', () => {
    const r0 = symmetricEigenAbove({ rows: 0, cols: 0, data: new Float64Array(0) }, 0);
    expect(r0.values.length).toBe(0);
    const r1 = expectAgrees(matrixFromRows([[-3.5]]), -4);
    expect([...r1.vectorsByRow.data]).toEqual([1]);
    const none = expectAgrees(randomSymmetric(30, 2), 1e6);
    expect(none.values.length).toBe(0);
    expect(Number.isFinite(none.largest)).toBe(true);
    expect(expectAgrees(randomSymmetric(30, 3), -1e6).values.length).toBe(30);
  });

  it('random matrices across the blocked-reduction size, at several thresholds', () => {
    for (const n of [2, 5, 40, 130, 200]) {
      const A = randomSymmetric(n, 10 + n);
      for (const t of [0, Math.sqrt(n), 1.5 * Math.sqrt(n)]) expectAgrees(A, t);
    }
  });

  it('clusters, exact multiplicities and a rank-deficient Gram matrix', () => {
    // tight cluster (1e-9 apart) and an exactly repeated eigenvalue among the wanted ones
    const clustered = Array.from({ length: 120 }, (_, i) =>
      i < 100 ? 1 + i * 1e-3 : i < 110 ? 50 : 50 + (i - 110) * 1e-9,
    );
    expectAgrees(symmetricWithSpectrum(clustered, 4), 10);
    expectAgrees(symmetricWithSpectrum(clustered, 5), 1.05);
    // a factor-like spectrum: a few large eigenvalues over a bulk, and a 30-fold zero
    const X = randomMatrix(40, 90, 6);
    for (let t = 0; t < 40; t++) for (let j = 0; j < 90; j++) X.data[t * 90 + j]! += 3 * X.data[t * 90]!;
    const G = naiveMatmul(X, X, true, false); // 90 × 90 of rank 40
    expectAgrees(G, 0.5 * maxAbs(symmetricEigen(G).values) * 1e-3);
    expectAgrees(G, -1);
  });

  it('Sturm counts equal the number of eigenvalues below x', () => {
    const n = 60;
    const d = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const e = Float64Array.from({ length: n }, (_, i) => (i === 30 ? 0 : Math.cos(3 * i)));
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = d[i]!;
      if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = e[i]!;
    }
    const values = symmetricEigen({ rows: n, cols: n, data: T }).values;
    for (const x of [-3, -1, 0, 0.3, 1, 3]) {
      expect(tridiagonalCountBelow(n, d, e, x)).toBe(values.filter((v) => v < x).length);
    }
  });
});
