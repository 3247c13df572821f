import { describe, expect, it } from 'vitest';
import { InvalidInputError, NumericalError } from '../../src/core/errors.ts';
import {
  cholesky,
  choleskyLogDet,
  choleskySolve,
  StructuredCovariance,
  structuredFromDense,
  structuredFromEigenpairs,
  symmetricEigenvalues,
} from '../../src/linalg/index.ts';
import { maxAbs, maxAbsDiff, naiveMatmul, randomMatrix, symmetricWithSpectrum } from './naive.ts';

/** D + UCUᵀ formed naively. */
function dense(S: StructuredCovariance) {
  const { p, k } = S;
  const U = { rows: p, cols: k, data: S.U };
  const UC = naiveMatmul(U, { rows: k, cols: k, data: S.C });
  const M = naiveMatmul(UC, U, false, true);
  for (let i = 0; i < p; i++) M.data[i * p + i] += S.d[i]!;
  return M;
}

function randomStructured(p: number, k: number, seed: number, kind: 'pd' | 'psd' | 'indefinite' | 'scalar') {
  const U = randomMatrix(p, k, seed).data;
  const Cm = randomMatrix(k + 2, k, seed + 1);
  const C = naiveMatmul(Cm, Cm, true, false).data.map((v) => v / (k + 2));
  if (kind === 'psd' && k > 1) {
    // Rank-1-deficient C.
    const v = randomMatrix(k, k - 1, seed + 2);
    C.set(naiveMatmul(v, v, false, true).data);
  }
  if (kind === 'indefinite') for (let i = 0; i < k; i++) C[i * k + i] -= 0.3; // may turn some directions negative
  const diag = kind === 'scalar' ? 0.7 : randomMatrix(1, p, seed + 3).data.map((v) => 1 + 0.5 * Math.abs(v));
  return new StructuredCovariance({ p, k, diag, U, C });
}

describe('StructuredCovariance: methods.md R5.3', () => {
  const S = new StructuredCovariance({
    p: 4,
    k: 1,
    diag: new Float64Array([0.04, 0.09, 0.01, 0.0625]),
    U: new Float64Array([1.0, 0.8, 1.2, 0.5]),
    C: new Float64Array([0.03]),
  });
  it('Woodbury solve', () => {
    const x = S.solve(new Float64Array([1, 2, 3, 4]));
    const ref = [-25.923997917751173, 4.11591185146625, 55.56480999479438, 47.704320666319624];
    for (let i = 0; i < 4; i++) expect(Math.abs(x[i]! - ref[i]!)).toBeLessThan(1e-12 * Math.abs(ref[i]!));
  });
  it('quadratic form', () => {
    expect(Math.abs(S.quadForm(new Float64Array([0.25, -0.25, 0.5, -0.5])) - 0.03105)).toBeLessThan(1e-15);
  });
});

describe('StructuredCovariance against toDense()', () => {
  const cases = [
    [12, 3, 'pd'],
    [30, 5, 'psd'],
    [25, 4, 'indefinite'],
    [20, 6, 'scalar'],
    [7, 7, 'pd'],
    [5, 9, 'pd'], // k > p
    [6, 0, 'pd'], // pure diagonal
    [1, 1, 'pd'],
  ] as const;
  for (const [p, k, kind] of cases) {
    it(`p=${p} k=${k} ${kind}: mul, solve, solveMany, quadForm, diagonal, trace, logDet`, () => {
      const S = randomStructured(p, k, p * 31 + k, kind);
      if (kind === 'indefinite') {
        // The case must really exercise the indefinite-capacitance branch.
        expect(symmetricEigenvalues({ rows: k, cols: k, data: S.C })[0]).toBeLessThan(0);
      }
      const M = dense(S);
      expect(maxAbsDiff(S.toDense().data, M.data)).toBeLessThan(1e-13 * maxAbs(M.data));
      const x = randomMatrix(1, p, 5).data;
      const Mx = naiveMatmul(M, { rows: p, cols: 1, data: x }).data;
      expect(maxAbsDiff(S.mul(x), Mx)).toBeLessThan(1e-13 * maxAbs(Mx));
      let xMx = 0;
      for (let i = 0; i < p; i++) xMx += x[i]! * Mx[i]!;
      expect(Math.abs(S.quadForm(x) - xMx)).toBeLessThan(1e-12 * Math.abs(xMx));
      const diag = S.diagonal();
      let tr = 0;
      for (let i = 0; i < p; i++) {
        expect(Math.abs(diag[i]! - M.data[i * p + i]!)).toBeLessThan(1e-13 * Math.abs(M.data[i * p + i]!));
        tr += M.data[i * p + i]!;
      }
      expect(Math.abs(S.trace() - tr)).toBeLessThan(1e-13 * Math.abs(tr));

      const sol = S.solve(x);
      const back = naiveMatmul(M, { rows: p, cols: 1, data: sol }).data;
      expect(maxAbsDiff(back, x)).toBeLessThan(1e-10 * maxAbs(x));
      const B = randomMatrix(p, 3, 6);
      const X = S.solveMany(B);
      expect(maxAbsDiff(naiveMatmul(M, X).data, B.data)).toBeLessThan(1e-10 * maxAbs(B.data));

      const ev = symmetricEigenvalues(M);
      if (ev[0]! > 0) {
        expect(Math.abs(S.logDet() - choleskyLogDet(cholesky(M).L))).toBeLessThan(1e-10 * Math.max(1, p));
      } else {
        expect(Number.isNaN(S.logDet())).toBe(true);
      }
    });
  }

  it('shifted(a, ρ) solves (aΣ + ρI)x = b without forming it', () => {
    const S = randomStructured(40, 5, 7, 'pd');
    const M = dense(S);
    const a = 10;
    const rho = 0.3;
    for (let i = 0; i < 40 * 40; i++) M.data[i] *= a;
    for (let i = 0; i < 40; i++) M.data[i * 40 + i] += rho;
    const b = randomMatrix(1, 40, 8).data;
    const solver = S.shiftedSolver(a, rho);
    const x = solver.solve(b);
    expect(maxAbsDiff(x, choleskySolve(cholesky(M).L, b))).toBeLessThan(1e-12 * maxAbs(x));
    const out = new Float64Array(40);
    expect(solver.solve(b, out)).toBe(out);
    expect(maxAbsDiff(S.shifted(a, rho).toDense().data, M.data)).toBeLessThan(1e-12 * maxAbs(M.data));
  });

  it('sample covariance (D = 0, C = I, p > T): solve refuses with a typed error, ridge works, logDet = −∞', () => {
    const T = 6;
    const p = 15;
    const X = randomMatrix(T, p, 4);
    const U = new Float64Array(p * T);
    for (let t = 0; t < T; t++)
      for (let j = 0; j < p; j++) U[j * T + t] = X.data[t * p + j]! / Math.sqrt(T - 1);
    const C = new Float64Array(T * T);
    for (let i = 0; i < T; i++) C[i * T + i] = 1;
    const S = new StructuredCovariance({ p, k: T, diag: 0, U, C });
    expect(() => S.solve(new Float64Array(p))).toThrow(NumericalError);
    expect(() => S.solve(new Float64Array(p))).toThrow(/D\[0\] = 0/);
    expect(S.logDet()).toBe(Number.NEGATIVE_INFINITY);
    const ridge = S.shifted(1, 0.5);
    const b = randomMatrix(1, p, 2).data;
    const M = dense(ridge);
    expect(maxAbsDiff(naiveMatmul(M, { rows: p, cols: 1, data: ridge.solve(b) }).data, b)).toBeLessThan(
      1e-11,
    );
  });

  it('validates its inputs, naming the bad entry', () => {
    const U = new Float64Array(6);
    expect(() => new StructuredCovariance({ p: 3, k: 2, diag: 1, U, C: new Float64Array(3) })).toThrow(
      /C \(k × k\) has length 3/,
    );
    expect(
      () =>
        new StructuredCovariance({
          p: 3,
          k: 2,
          diag: new Float64Array([1, -1, 1]),
          U,
          C: new Float64Array(4),
        }),
    ).toThrow(/diag\[1\] is -1/);
    expect(
      () => new StructuredCovariance({ p: 3, k: 2, diag: 1, U, C: new Float64Array([1, 2, 0, 1]) }),
    ).toThrow(/not symmetric/);
    expect(
      () =>
        new StructuredCovariance({
          p: 3,
          k: 2,
          diag: 1,
          U: new Float64Array([0, 0, Number.NaN, 0, 0, 0]),
          C: new Float64Array(4),
        }),
    ).toThrow(/U\[1, 0\] is NaN/);
    const S = new StructuredCovariance({ p: 3, k: 2, diag: 1, U, C: new Float64Array(4) });
    expect(() => S.mul(new Float64Array(2))).toThrow(InvalidInputError);
    expect(() => S.shifted(-1, 0)).toThrow(InvalidInputError);
  });
});

describe('structuredFromDense / structuredFromEigenpairs', () => {
  it('keeps the top k eigenpairs, flattens the rest to their mean and preserves the trace', () => {
    const lambda = [0.5, 0.6, 0.7, 0.8, 4, 9];
    const A = symmetricWithSpectrum(lambda, 3);
    const S = structuredFromDense(A, 2);
    expect(S.diagScalar).toBeCloseTo(0.65, 13);
    const ev = symmetricEigenvalues(S.toDense());
    expect(maxAbsDiff(ev, [0.65, 0.65, 0.65, 0.65, 4, 9])).toBeLessThan(1e-13);
    expect(S.trace()).toBeCloseTo(
      lambda.reduce((a, b) => a + b),
      12,
    );
    const full = structuredFromDense(A, 6);
    expect(maxAbsDiff(full.toDense().data, A.data)).toBeLessThan(1e-13);
    const E = structuredFromEigenpairs(
      2,
      new Float64Array([3]),
      new Float64Array([Math.SQRT1_2, Math.SQRT1_2]),
      1,
    );
    expect(maxAbsDiff(E.toDense().data, [2, 1, 1, 2])).toBeLessThan(1e-15);
  });
});
