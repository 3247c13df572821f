import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  neweyWestCovariance,
  neweyWestLags,
  neweyWestMeanStandardError,
  neweyWestStandardErrors,
  ols,
} from '../../src/stats/ols.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol * Math.max(1, Math.abs(b)));

/** Naive twin: normal equations solved by Gauss–Jordan, explicit matrix products. */
function naiveOls(y: number[], X: number[][]) {
  const n = y.length;
  const k = X[0]!.length;
  const xtx = Array.from({ length: k }, (_, a) =>
    Array.from({ length: k }, (_, b) => X.reduce((s, r) => s + r[a]! * r[b]!, 0)),
  );
  const inv: number[][] = Array.from({ length: k }, (_, a) =>
    Array.from({ length: k }, (_, b) => (a === b ? 1 : 0)),
  );
  const A = xtx.map((r) => r.slice());
  for (let c = 0; c < k; c++) {
    const p = A[c]![c]!;
    for (let j = 0; j < k; j++) {
      A[c]![j]! /= p;
      inv[c]![j]! /= p;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r]![c]!;
      for (let j = 0; j < k; j++) {
        A[r]![j] = A[r]![j]! - f * A[c]![j]!;
        inv[r]![j] = inv[r]![j]! - f * inv[c]![j]!;
      }
    }
  }
  const xty = Array.from({ length: k }, (_, a) => X.reduce((s, r, t) => s + r[a]! * y[t]!, 0));
  const beta = inv.map((r) => r.reduce((s, v, b) => s + v * xty[b]!, 0));
  const e = y.map((v, t) => v - X[t]!.reduce((s, x, a) => s + x * beta[a]!, 0));
  const s2 = e.reduce((s, v) => s + v * v, 0) / (n - k);
  return { beta, inv, e, se: inv.map((r, a) => Math.sqrt(s2 * r[a]!)) };
}

/** Naive HAC: explicit double sum over (t, s) pairs with |t − s| ≤ L and Bartlett weights. */
function naiveHac(X: number[][], e: number[], inv: number[][], L: number): number[][] {
  const k = X[0]!.length;
  const n = e.length;
  const S = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let t = 0; t < n; t++) {
    for (let s = 0; s < n; s++) {
      const d = Math.abs(t - s);
      if (d > L) continue;
      const w = 1 - d / (L + 1);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) S[a]![b]! += w * X[t]![a]! * e[t]! * X[s]![b]! * e[s]!;
    }
  }
  const mul = (P: number[][], Q: number[][]) =>
    P.map((r) => Q[0]!.map((_, j) => r.reduce((acc, v, m) => acc + v * Q[m]![j]!, 0)));
  return mul(mul(inv, S), inv);
}

describe('ols', () => {
  it('R2.2 as a regression: α and β with intercept', () => {
    const rm = [0.01, -0.02, 0.015, 0.006, -0.004];
    const ri = Float64Array.from([0.012, -0.025, 0.02, 0.004, -0.01]);
    const fit = ols(ri, Float64Array.from(rm.flatMap((m) => [1, m])), 2);
    close(fit.coefficients[0]!, -0.001593065693430657);
    close(fit.coefficients[1]!, 1.2807612095933265);
  });

  it('matches the naive normal-equations twin on random data, dropping NaN rows', () => {
    const rng = new Rng(17);
    for (let rep = 0; rep < 20; rep++) {
      const T = 10 + rng.int(80);
      const k = 1 + rng.int(4);
      const X = new Float64Array(T * k);
      const y = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        X[t * k] = 1;
        for (let j = 1; j < k; j++) X[t * k + j] = rng.normal() * (j + 1);
        y[t] = 0.3 + X[t * k + (k - 1)]! * 0.7 + rng.normal();
        if (rng.uniform() < 0.1) y[t] = Number.NaN;
        if (k > 1 && rng.uniform() < 0.05) X[t * k + 1] = Number.NaN;
      }
      const rows = Array.from({ length: T }, (_, t) => t).filter(
        (t) =>
          !Number.isNaN(y[t]!) && Array.from(X.subarray(t * k, t * k + k)).every((v) => !Number.isNaN(v)),
      );
      const Xr = rows.map((t) => Array.from(X.subarray(t * k, t * k + k)));
      const naive = naiveOls(
        rows.map((t) => y[t]!),
        Xr,
      );
      const fit = ols(y, X, k);
      expect(fit.n).toBe(rows.length);
      for (let j = 0; j < k; j++) {
        close(fit.coefficients[j]!, naive.beta[j]!, 1e-10);
        close(fit.standardErrors[j]!, naive.se[j]!, 1e-10);
      }
      rows.forEach((_, r) => close(fit.residuals[r]!, naive.e[r]!, 1e-10));
      const L = rng.int(6);
      const V = neweyWestCovariance(fit, L);
      const Vn = naiveHac(Xr, naive.e, naive.inv, L);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) close(V[a * k + b]!, Vn[a]![b]!, 1e-9);
    }
  });

  it('gives NaN for too few rows and for a rank-deficient design', () => {
    const one = ols(Float64Array.from([1, 2]), Float64Array.from([1, 1, 1, 2]), 2);
    expect(one.coefficients.every(Number.isNaN)).toBe(true);
    const flat = ols(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 5, 1, 5, 1, 5, 1, 5]), 2);
    expect(flat.coefficients.every(Number.isNaN)).toBe(true);
    expect(() => ols(new Float64Array(3), new Float64Array(5), 2)).toThrow(/design X has length 5/);
  });
});

describe('Newey–West', () => {
  const ic = Float64Array.from([0.05, 0.02, -0.01, 0.04, 0.03, 0.06, -0.02, 0.01, 0.05, 0.03]);

  it('R3.2: lag rule, SE and t for L = 5 and L = 2', () => {
    expect(Math.floor(4 * (10 / 100) ** (2 / 9))).toBe(2);
    expect(neweyWestLags(10, 5)).toBe(5);
    expect(neweyWestLags(10)).toBe(2);
    expect(neweyWestLags(8)).toBe(2);
    close(neweyWestMeanStandardError(ic, 5), 0.003678767909685706);
    close(0.026 / neweyWestMeanStandardError(ic, 5), 7.06758366885431);
    close(neweyWestMeanStandardError(ic, 2), 0.005251031644670724);
    close(0.026 / neweyWestMeanStandardError(ic, 2), 4.9514079821605);
  });

  it('the regression route on a constant equals the mean route', () => {
    const fit = ols(ic, new Float64Array(10).fill(1), 1);
    close(neweyWestStandardErrors(fit, 5)[0]!, 0.003678767909685706);
    close(
      neweyWestMeanStandardError(ic, 0),
      Math.sqrt(ic.reduce((s, v) => s + (v - 0.026) ** 2, 0) / 10 / 10),
    );
  });

  it('NaN for fewer than two values', () => {
    expect(neweyWestMeanStandardError(Float64Array.from([0.1, Number.NaN]), 3)).toBeNaN();
  });
});
