import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotConvergedError } from '../../src/core/errors.ts';
import {
  crossProductOperator,
  gram,
  type Matrix,
  matvec,
  symmetricEigen,
  topEigenpairs,
} from '../../src/linalg/index.ts';
import { maxAbsDiff, randomMatrix, symmetricWithSpectrum } from './naive.ts';

const denseOperator = (A: Matrix) => (x: Float64Array, y: Float64Array) => y.set(matvec(A, x));

/** |⟨u, v⟩| for column c of two n × k matrices. */
function alignment(U: Matrix, V: Matrix, cu: number, cv: number): number {
  let s = 0;
  for (let i = 0; i < U.rows; i++) s += U.data[i * U.cols + cu]! * V.data[i * V.cols + cv]!;
  return Math.abs(s);
}

describe('topEigenpairs (thick-restart Lanczos)', () => {
  it('diagonal operator: the k largest, largest first', () => {
    const n = 100;
    const r = topEigenpairs(n, (x, y) => y.set(x.map((v, i) => (i + 1) * v)), 3);
    expect(maxAbsDiff(r.values, [100, 99, 98])).toBeLessThan(1e-9);
    for (let c = 0; c < 3; c++) expect(Math.abs(r.vectors.data[(99 - c) * 3 + c]!)).toBeCloseTo(1, 9);
  });

  it('matches the full eigendecomposition of XᵀX through the callback (p > T), with restarts', () => {
    const X = randomMatrix(40, 150, 7);
    // A few strong directions on top of noise.
    for (let t = 0; t < 40; t++)
      for (let j = 0; j < 150; j++) X.data[t * 150 + j] += ((t % 3) - 1) * (j % 4) * 0.8;
    const k = 6;
    const r = topEigenpairs(150, crossProductOperator(X), k, { seed: 3, basisSize: 16 });
    expect(r.restarts).toBeGreaterThan(0);
    const full = symmetricEigen(gram(X));
    for (let c = 0; c < k; c++) {
      const ref = full.values[149 - c]!;
      expect(Math.abs(r.values[c]! - ref)).toBeLessThan(1e-10 * full.values[149]!);
      expect(alignment(r.vectors, full.vectors, c, 149 - c)).toBeGreaterThan(1 - 1e-8);
    }
    for (const res of r.residuals) expect(res).toBeLessThanOrEqual(1e-10 * full.values[149]!);
  });

  it('repeated top eigenvalues: values right, vectors span the eigenspace', () => {
    const lambda = Array.from({ length: 60 }, (_, i) => (i < 57 ? i / 60 : 5));
    const A = symmetricWithSpectrum(lambda, 4);
    const r = topEigenpairs(60, denseOperator(A), 3, { seed: 1 });
    expect(maxAbsDiff(r.values, [5, 5, 5])).toBeLessThan(1e-9);
    // Each vector satisfies A v = 5 v.
    for (let c = 0; c < 3; c++) {
      const v = Float64Array.from({ length: 60 }, (_, i) => r.vectors.data[i * 3 + c]!);
      expect(
        maxAbsDiff(
          matvec(A, v),
          v.map((x) => 5 * x),
        ),
      ).toBeLessThan(1e-8);
    }
  });

  it('deterministic for a seed; small n (k = n) and k = 0 work', () => {
    const A = symmetricWithSpectrum([1, 2, 3, 4, 5, 6, 7, 8], 2);
    const a = topEigenpairs(8, denseOperator(A), 2, { seed: 9 });
    const b = topEigenpairs(8, denseOperator(A), 2, { seed: 9 });
    expect([...a.vectors.data]).toEqual([...b.vectors.data]);
    const all = topEigenpairs(8, denseOperator(A), 8);
    expect(maxAbsDiff(all.values, [8, 7, 6, 5, 4, 3, 2, 1])).toBeLessThan(1e-12);
    expect(topEigenpairs(8, denseOperator(A), 0).values.length).toBe(0);
  });

  it('low-rank operator: the invariant subspace is exhausted early and the zeros are still found', () => {
    const X = randomMatrix(3, 30, 1);
    const r = topEigenpairs(30, crossProductOperator(X), 5, { seed: 2 });
    const full = symmetricEigen(gram(X));
    expect(
      maxAbsDiff(r.values.subarray(0, 3), [full.values[29]!, full.values[28]!, full.values[27]!]),
    ).toBeLessThan(1e-10 * full.values[29]!);
    expect(Math.abs(r.values[3]!)).toBeLessThan(1e-10 * full.values[29]!);
  });

  it('crossProductOperator on the XXᵀ side equals the Gram matrix', () => {
    const X = randomMatrix(9, 20, 5);
    const op = crossProductOperator(X, { side: 'XXt', scale: 0.5 });
    const x = randomMatrix(1, 9, 6).data;
    const y = new Float64Array(9);
    op(x, y);
    expect(maxAbsDiff(y, matvec(gram(X, { side: 'XXt', scale: 0.5 }), x))).toBeLessThan(1e-12);
  });

  it('typed errors for bad arguments and non-convergence', () => {
    const op = (x: Float64Array, y: Float64Array) => y.set(x);
    expect(() => topEigenpairs(5, op, 6)).toThrow(InvalidInputError);
    expect(() => topEigenpairs(5, op, 2, { tolerance: 0 })).toThrow(/tolerance/);
    const lambda = Array.from({ length: 200 }, (_, i) => 1 + i * 1e-3);
    const A = symmetricWithSpectrum(lambda, 8);
    expect(() =>
      topEigenpairs(200, denseOperator(A), 10, { basisSize: 12, maxRestarts: 1, tolerance: 1e-14 }),
    ).toThrow(NotConvergedError);
  });
});
