import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { cholesky, choleskySolve, leastSquares, matrixFromRows, qrPivoted } from '../../src/linalg/index.ts';
import { frobenius, maxAbsDiff, naiveMatmul, randomMatrix } from './naive.ts';

/** A·P with P from the permutation. */
function permuteColumns(A: { rows: number; cols: number; data: Float64Array }, perm: Int32Array) {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++)
    for (let j = 0; j < A.cols; j++) out[i * A.cols + j] = A.data[i * A.cols + perm[j]!]!;
  return { rows: A.rows, cols: A.cols, data: out };
}

/** m × n matrix of rank r: (m × r)(r × n). */
function lowRank(m: number, n: number, r: number, seed: number) {
  return naiveMatmul(randomMatrix(m, r, seed), randomMatrix(r, n, seed + 1));
}

describe('pivoted QR', () => {
  it('A·P = Q·R with orthonormal Q and non-increasing |R_jj|, for tall, wide and square A', () => {
    for (const [m, n] of [
      [8, 5],
      [5, 8],
      [6, 6],
      [1, 4],
      [4, 1],
    ] as const) {
      const A = randomMatrix(m, n, m * 10 + n);
      const qr = qrPivoted(A);
      const Q = qr.Q();
      const R = qr.R();
      const QR = naiveMatmul(Q, R);
      expect(maxAbsDiff(QR.data, permuteColumns(A, qr.permutation).data)).toBeLessThan(1e-13);
      const QtQ = naiveMatmul(Q, Q, true, false);
      for (let i = 0; i < QtQ.rows; i++) {
        for (let j = 0; j < QtQ.cols; j++)
          expect(Math.abs(QtQ.data[i * QtQ.cols + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-14);
      }
      const d = qr.diagonalR();
      for (let j = 1; j < d.length; j++) expect(d[j]!).toBeLessThanOrEqual(d[j - 1]! * (1 + 1e-12));
      expect(qr.rank).toBe(Math.min(m, n));
      const b = randomMatrix(1, m, 1).data;
      expect(maxAbsDiff(qr.applyQ(qr.applyQt(b)), b)).toBeLessThan(1e-14);
    }
  });

  it('detects the rank of rank-deficient matrices', () => {
    for (const [m, n, r] of [
      [10, 6, 3],
      [6, 10, 2],
      [30, 30, 29],
      [7, 7, 1],
    ] as const) {
      const qr = qrPivoted(lowRank(m, n, r, m + n + r));
      expect(qr.rank).toBe(r);
      expect(qr.independentColumns().length).toBe(r);
    }
    expect(qrPivoted({ rows: 3, cols: 2, data: new Float64Array(6) }).rank).toBe(0);
    expect(qrPivoted({ rows: 0, cols: 3, data: new Float64Array(0) }).rank).toBe(0);
  });

  it('exact duplicate and dependent columns: the dependent one is pivoted out (methods.md §7 rank 3 of 4)', () => {
    // Rows = constraints: two sector rows, a β row and the dollar-neutral row (sum of the sector rows).
    const constraints = matrixFromRows([
      [1, 1, 1, 0, 0, 0],
      [0, 0, 0, 1, 1, 1],
      [1.1, 0.9, 1.2, 0.8, 1.0, 1.0],
      [1, 1, 1, 1, 1, 1],
    ]);
    const Ct = { rows: 6, cols: 4, data: new Float64Array(24) };
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) Ct.data[j * 4 + i] = constraints.data[i * 6 + j]!;
    const qr = qrPivoted(Ct);
    expect(qr.rank).toBe(3);
    expect(qr.independentColumns().length).toBe(3);
  });

  it('rejects non-finite input and bad tolerances', () => {
    expect(() => qrPivoted(matrixFromRows([[1, Number.NaN]]))).toThrow(/A\[0, 1\] is NaN/);
    expect(() => qrPivoted(matrixFromRows([[1]]), { rankTolerance: -1 })).toThrow(InvalidInputError);
  });
});

describe('least squares', () => {
  it('hand case: fitting a constant gives the mean', () => {
    const r = leastSquares(matrixFromRows([[1], [1], [1]]), new Float64Array([1, 2, 6]));
    expect(r.x[0]).toBeCloseTo(3, 14);
    expect(maxAbsDiff(r.residual, [-2, -1, 3])).toBeLessThan(1e-14);
    expect(r.residualNorm).toBeCloseTo(Math.sqrt(14), 14);
    expect(r.rank).toBe(1);
  });

  it('full-rank problems agree with the normal equations AᵀA x = Aᵀb', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 1e6 }),
        (n, extra, seed) => {
          const m = n + extra;
          const A = randomMatrix(m, n, seed);
          const b = randomMatrix(1, m, seed + 1).data;
          const r = leastSquares(A, b);
          const AtA = naiveMatmul(A, A, true, false);
          const Atb = naiveMatmul(A, { rows: m, cols: 1, data: b }, true).data;
          const xn = choleskySolve(cholesky(AtA).L, Atb);
          expect(r.rank).toBe(n);
          expect(maxAbsDiff(r.x, xn)).toBeLessThan(1e-8 * (1 + frobenius(xn)));
          // The residual is orthogonal to the columns of A.
          const Atr = naiveMatmul(A, { rows: m, cols: 1, data: r.residual }, true).data;
          expect(frobenius(Atr)).toBeLessThan(1e-11 * (1 + frobenius(b)) * frobenius(A.data));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rank-deficient problems: basic solution with n − r zeros, optimal residual', () => {
    const A = lowRank(12, 5, 3, 21);
    const b = randomMatrix(1, 12, 22).data;
    const r = leastSquares(A, b);
    expect(r.rank).toBe(3);
    expect(r.x.filter((v) => v === 0).length).toBe(2);
    const Atr = naiveMatmul(A, { rows: 12, cols: 1, data: r.residual }, true).data;
    expect(frobenius(Atr)).toBeLessThan(1e-12 * frobenius(A.data) * frobenius(b));
    // Same residual norm as the fit on a maximal independent set of columns.
    const cols = Array.from(r.x.keys()).filter((j) => r.x[j] !== 0);
    const Asub = { rows: 12, cols: 3, data: new Float64Array(36) };
    for (let i = 0; i < 12; i++) for (let c = 0; c < 3; c++) Asub.data[i * 3 + c] = A.data[i * 5 + cols[c]!]!;
    expect(leastSquares(Asub, b).residualNorm).toBeCloseTo(r.residualNorm, 12);
  });

  it('underdetermined (m < n) problems fit exactly', () => {
    const A = randomMatrix(3, 6, 5);
    const b = randomMatrix(1, 3, 6).data;
    const r = leastSquares(A, b);
    expect(r.rank).toBe(3);
    expect(r.residualNorm).toBeLessThan(1e-13);
  });

  it('checks b', () => {
    expect(() => leastSquares(randomMatrix(3, 2, 1), new Float64Array(2))).toThrow(
      /b has length 2, expected 3/,
    );
    expect(() => leastSquares(randomMatrix(2, 2, 1), new Float64Array([1, Number.NaN]))).toThrow(
      /b\[1\] is NaN/,
    );
  });
});
