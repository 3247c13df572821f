import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import {
  daxpy,
  ddot,
  dgemm,
  dgemv,
  dgemvT,
  dnrm2,
  dscal,
  dsyrk,
  gram,
  matmul,
  matrixFromRows,
  matvec,
} from '../../src/linalg/index.ts';
import { maxAbs, maxAbsDiff, naiveMatmul, randomMatrix } from './naive.ts';

describe('level 1', () => {
  it('ddot, daxpy, dscal on hand cases and strides', () => {
    const x = new Float64Array([1, 2, 3, 4, 5]);
    const y = new Float64Array([4, 5, 6, 7, 8]);
    expect(ddot(3, x, 0, 1, y, 0, 1)).toBe(32);
    expect(ddot(5, x, 0, 1, y, 0, 1)).toBe(4 + 10 + 18 + 28 + 40);
    expect(ddot(2, x, 1, 2, y, 0, 3)).toBe(2 * 4 + 4 * 7);
    expect(ddot(0, x, 0, 1, y, 0, 1)).toBe(0);
    const z = y.slice();
    daxpy(3, 2, x, 0, 1, z, 1, 1);
    expect([...z]).toEqual([4, 7, 10, 13, 8]);
    dscal(2, 0, new Float64Array([Number.NaN, 1]), 0, 1);
    const w = new Float64Array([Number.NaN, 3]);
    dscal(2, 0, w, 0, 1);
    expect([...w]).toEqual([0, 0]);
    expect(Number.isNaN(ddot(2, new Float64Array([Number.NaN, 1]), 0, 1, y, 0, 1))).toBe(true);
  });

  it('dnrm2 survives overflow and underflow', () => {
    expect(dnrm2(2, new Float64Array([3, 4]), 0, 1)).toBe(5);
    expect(dnrm2(2, new Float64Array([3e200, 4e200]), 0, 1)).toBeCloseTo(5e200, -190);
    expect(dnrm2(2, new Float64Array([3e-200, 4e-200]), 0, 1) / 5e-200).toBeCloseTo(1, 14);
    expect(dnrm2(0, new Float64Array(0), 0, 1)).toBe(0);
    expect(Number.isNaN(dnrm2(2, new Float64Array([Number.NaN, 1]), 0, 1))).toBe(true);
  });
});

describe('gemv', () => {
  it('matches the naive product in both directions, with β and offsets', () => {
    for (const [m, n] of [
      [1, 1],
      [7, 5],
      [13, 9],
      [4, 0],
    ] as const) {
      const A = randomMatrix(m, n, 11 + m);
      const x = randomMatrix(1, n, 3).data;
      const xt = randomMatrix(1, m, 4).data;
      const y0 = randomMatrix(1, m, 5).data;
      const y = y0.slice();
      dgemv(m, n, 0.5, A.data, 0, n, x, 0, 1, -2, y, 0, 1);
      const ref = naiveMatmul(A, { rows: n, cols: 1, data: x }).data.map((v, i) => 0.5 * v - 2 * y0[i]!);
      expect(maxAbsDiff(y, ref)).toBeLessThan(1e-13);
      const yt0 = randomMatrix(1, n, 6).data;
      const yt = yt0.slice();
      dgemvT(m, n, 1.5, A.data, 0, n, xt, 0, 1, 0.25, yt, 0, 1);
      const reft = naiveMatmul(A, { rows: m, cols: 1, data: xt }, true).data.map(
        (v, i) => 1.5 * v + 0.25 * yt0[i]!,
      );
      expect(maxAbsDiff(yt, reft)).toBeLessThan(1e-13);
    }
    expect([
      ...matvec(
        matrixFromRows([
          [1, 2],
          [3, 4],
        ]),
        new Float64Array([1, 1]),
      ),
    ]).toEqual([3, 7]);
    expect([
      ...matvec(
        matrixFromRows([
          [1, 2],
          [3, 4],
        ]),
        new Float64Array([1, 1]),
        true,
      ),
    ]).toEqual([4, 6]);
  });
});

describe('gemm', () => {
  const shapes = [
    [1, 1, 1],
    [3, 5, 2],
    [4, 4, 4],
    [5, 7, 3],
    [17, 13, 29],
    [101, 9, 300], // m > MC, k > KC
    [6, 1030, 5], // n > NC
    [0, 3, 4],
    [3, 4, 0],
  ] as const;
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches the naive twin (transA=${transA}, transB=${transB}) with β ≠ 0`, () => {
        for (const [m, n, k] of shapes) {
          const A = transA ? randomMatrix(k, m, m + 1) : randomMatrix(m, k, m + 1);
          const B = transB ? randomMatrix(n, k, n + 2) : randomMatrix(k, n, n + 2);
          const C0 = randomMatrix(m, n, 7);
          const C = C0.data.slice();
          dgemm(transA, transB, m, n, k, 0.75, A.data, 0, A.cols, B.data, 0, B.cols, -0.5, C, 0, n);
          const P = naiveMatmul(A, B, transA, transB).data;
          const ref = P.map((v, i) => 0.75 * v - 0.5 * C0.data[i]!);
          expect(maxAbsDiff(C, ref)).toBeLessThan(1e-12 * Math.max(1, k));
        }
      });
    }
  }

  it('works on sub-blocks through offsets and leading dimensions, leaving the rest untouched', () => {
    const big = randomMatrix(20, 30, 1);
    const Bbig = randomMatrix(25, 15, 2);
    const Cbig = randomMatrix(12, 40, 3);
    const Cref = Cbig.data.slice();
    // op(A) = A[2..9, 3..14] (7 × 11), op(B) = B[1..12, 4..10] (11 × 6), C[5..12, 10..16]
    dgemm(
      false,
      false,
      7,
      6,
      11,
      1,
      big.data,
      2 * 30 + 3,
      30,
      Bbig.data,
      15 + 4,
      15,
      1,
      Cbig.data,
      5 * 40 + 10,
      40,
    );
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 40; j++) {
        let expected = Cref[i * 40 + j]!;
        if (i >= 5 && j >= 10 && j < 16) {
          for (let p = 0; p < 11; p++)
            expected += big.data[(2 + i - 5) * 30 + 3 + p]! * Bbig.data[(1 + p) * 15 + 4 + j - 10]!;
        }
        expect(Math.abs(Cbig.data[i * 40 + j]! - expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('β = 0 overwrites NaN in C; α = 0 scales only', () => {
    const A = randomMatrix(3, 2, 1);
    const B = randomMatrix(2, 3, 2);
    const C = new Float64Array(9).fill(Number.NaN);
    dgemm(false, false, 3, 3, 2, 1, A.data, 0, 2, B.data, 0, 3, 0, C, 0, 3);
    expect(maxAbsDiff(C, naiveMatmul(A, B).data)).toBeLessThan(1e-14);
    const D = new Float64Array(9).fill(2);
    dgemm(false, false, 3, 3, 2, 0, A.data, 0, 2, B.data, 0, 3, 3, D, 0, 3);
    expect([...D]).toEqual(new Array(9).fill(6));
  });

  it('matmul checks shapes and names them', () => {
    expect(() => matmul(randomMatrix(2, 3, 1), randomMatrix(2, 3, 1))).toThrow(InvalidInputError);
    expect(() => matmul(randomMatrix(2, 3, 1), randomMatrix(2, 3, 1))).toThrow(/inner dimensions differ/);
    const P = matmul(randomMatrix(2, 3, 1), randomMatrix(2, 3, 1), { transB: true });
    expect(
      maxAbsDiff(P.data, naiveMatmul(randomMatrix(2, 3, 1), randomMatrix(2, 3, 1), false, true).data),
    ).toBe(0);
  });
});

describe('syrk', () => {
  for (const lower of [true, false]) {
    for (const trans of [false, true]) {
      it(`computes the ${lower ? 'lower' : 'upper'} triangle of ${trans ? 'AᵀA' : 'AAᵀ'} and leaves the other alone`, () => {
        for (const [n, k] of [
          [1, 1],
          [5, 3],
          [130, 7], // more than one 128-wide block column
          [260, 40],
          [9, 0],
        ] as const) {
          const A = trans ? randomMatrix(k, n, n) : randomMatrix(n, k, n);
          const C0 = randomMatrix(n, n, 99);
          const C = C0.data.slice();
          dsyrk(lower, trans, n, k, 2, A.data, 0, A.cols, 0.5, C, 0, n);
          const P = trans ? naiveMatmul(A, A, true, false) : naiveMatmul(A, A, false, true);
          let err = 0;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              const inTri = lower ? j <= i : j >= i;
              const expected = inTri
                ? 2 * P.data[i * n + j]! + 0.5 * C0.data[i * n + j]!
                : C0.data[i * n + j]!;
              err = Math.max(err, Math.abs(C[i * n + j]! - expected));
            }
          }
          expect(err).toBeLessThan(1e-12 * Math.max(1, k));
        }
      });
    }
  }

  it('gram mirrors to an exactly symmetric matrix and matches XᵀX and XXᵀ', () => {
    const X = randomMatrix(37, 150, 4);
    const G = gram(X, { scale: 1 / 36 });
    const ref = naiveMatmul(X, X, true, false).data.map((v) => v / 36);
    expect(maxAbsDiff(G.data, ref)).toBeLessThan(1e-13 * maxAbs(ref));
    for (let i = 0; i < 150; i++)
      for (let j = 0; j < i; j++) expect(G.data[i * 150 + j]).toBe(G.data[j * 150 + i]);
    const H = gram(X, { side: 'XXt' });
    expect(H.rows).toBe(37);
    expect(maxAbsDiff(H.data, naiveMatmul(X, X, false, true).data)).toBeLessThan(1e-11);
  });
});
