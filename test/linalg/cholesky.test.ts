import { describe, expect, it } from 'vitest';
import { InvalidInputError, NumericalError } from '../../src/core/errors.ts';
import {
  cholesky,
  choleskyLogDet,
  choleskySolve,
  choleskySolveMatrix,
  dpotrfLower,
  dtrsm,
  dtrsv,
  matrixFromRows,
} from '../../src/linalg/index.ts';
import { maxAbsDiff, naiveMatmul, randomMatrix } from './naive.ts';

function spd(n: number, seed: number) {
  const X = randomMatrix(n + 3, n, seed);
  const A = naiveMatmul(X, X, true, false);
  for (let i = 0; i < n; i++) A.data[i * n + i] += 0.1;
  return A;
}

describe('cholesky', () => {
  it('hand case: [[4,2],[2,2]] = LLᵀ with L = [[2,0],[1,1]]', () => {
    const { L, jitter } = cholesky(
      matrixFromRows([
        [4, 2],
        [2, 2],
      ]),
    );
    expect([...L.data]).toEqual([2, 0, 1, 1]);
    expect(jitter).toBe(0);
    expect(choleskyLogDet(L)).toBeCloseTo(Math.log(4), 15);
  });

  it('reconstructs random SPD matrices and solves against them', () => {
    for (const n of [1, 2, 7, 40]) {
      const A = spd(n, n);
      const { L } = cholesky(A);
      const LLt = naiveMatmul(L, L, false, true);
      expect(maxAbsDiff(LLt.data, A.data)).toBeLessThan(1e-12 * n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
      const b = randomMatrix(1, n, 5).data;
      const x = choleskySolve(L, b);
      const Ax = naiveMatmul(A, { rows: n, cols: 1, data: x }).data;
      expect(maxAbsDiff(Ax, b)).toBeLessThan(1e-10);
      const B = randomMatrix(n, 3, 6);
      const X = choleskySolveMatrix(L, B);
      expect(maxAbsDiff(naiveMatmul(A, X).data, B.data)).toBeLessThan(1e-10);
    }
  });

  it('0 × 0 is fine', () => {
    expect(cholesky({ rows: 0, cols: 0, data: new Float64Array(0) }).L.rows).toBe(0);
  });

  it('base kernel reports the failing pivot instead of throwing', () => {
    // Leading 2 × 2 minor is singular: pivot 1 fails.
    const A = new Float64Array([1, 0, 0, 1, 1, 0, 2, 3, 5]);
    expect(dpotrfLower(3, A, 0, 3)).toBe(1);
    expect(dpotrfLower(2, new Float64Array([-1, 0, 0, 1]), 0, 2)).toBe(0);
    expect(dpotrfLower(2, new Float64Array([1, 0, Number.NaN, 1]), 0, 2)).toBe(1);
    expect(dpotrfLower(2, new Float64Array([4, 0, 2, 5]), 0, 2)).toBe(-1);
  });

  it('checked wrapper throws NumericalError naming the pivot; jitter rescues PSD matrices', () => {
    const psd = matrixFromRows([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 2],
    ]);
    expect(() => cholesky(psd)).toThrow(NumericalError);
    expect(() => cholesky(psd)).toThrow(/pivot 1/);
    const { L, jitter } = cholesky(psd, { jitter: true });
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-4);
    const LLt = naiveMatmul(L, L, false, true);
    expect(maxAbsDiff(LLt.data, psd.data)).toBeLessThan(2 * jitter);
    expect(() =>
      cholesky(
        matrixFromRows([
          [-1, 0],
          [0, 1],
        ]),
        { jitter: true },
      ),
    ).toThrow(/still failing/);
    expect(() => cholesky(matrixFromRows([[1, 2, 3]]))).toThrow(InvalidInputError);
    expect(() => cholesky(matrixFromRows([[Number.NaN]]))).toThrow(/A\[0, 0\] is NaN/);
  });
});

describe('triangular solves', () => {
  const n = 9;
  const T = randomMatrix(n, n, 3);
  for (let i = 0; i < n; i++) T.data[i * n + i] = 3 + Math.abs(T.data[i * n + i]!);
  const tri = (upper: boolean, unit: boolean) => {
    const M = T.data.slice();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (upper ? j < i : j > i) M[i * n + j] = 0;
      if (unit) M[i * n + i] = 1;
    }
    return { rows: n, cols: n, data: M };
  };
  for (const upper of [false, true]) {
    for (const trans of [false, true]) {
      for (const unit of [false, true]) {
        it(`dtrsv and dtrsm: upper=${upper} trans=${trans} unit=${unit}`, () => {
          const M = tri(upper, unit);
          const b = randomMatrix(1, n, 8).data;
          const x = b.slice();
          // T's other triangle holds junk: the kernels must not read it.
          dtrsv(upper, trans, unit, n, T.data, 0, n, x, 0, 1);
          const back = naiveMatmul(M, { rows: n, cols: 1, data: x }, trans).data;
          expect(maxAbsDiff(back, b)).toBeLessThan(1e-12);
          const B = randomMatrix(n, 4, 9);
          const X = B.data.slice();
          dtrsm(upper, trans, unit, n, 4, T.data, 0, n, X, 0, 4);
          expect(maxAbsDiff(naiveMatmul(M, { rows: n, cols: 4, data: X }, trans).data, B.data)).toBeLessThan(
            1e-12,
          );
        });
      }
    }
  }
});
