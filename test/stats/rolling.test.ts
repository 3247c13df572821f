import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { rollingMean, rollingStd, rollingSum, rollingVariance } from '../../src/stats/rolling.ts';
import { rollingBeta, rollingCovariance } from '../../src/stats/rollingBeta.ts';

/** Naive twin: for each (t, i) collect the window's non-NaN values and apply the textbook formula. */
function naiveRolling(
  x: Float64Array,
  N: number,
  W: number,
  minObs: number,
  stat: (v: number[]) => number,
): Float64Array {
  const T = x.length / N;
  const out = new Float64Array(x.length);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const v: number[] = [];
      for (let u = Math.max(0, t - W + 1); u <= t; u++)
        if (!Number.isNaN(x[u * N + i]!)) v.push(x[u * N + i]!);
      out[t * N + i] = v.length < minObs ? Number.NaN : stat(v);
    }
  }
  return out;
}

const sum = (v: number[]) => v.reduce((s, a) => s + a, 0);
const mean = (v: number[]) => sum(v) / v.length;
const variance = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? sum(v.map((a) => (a - m) ** 2)) / (v.length - 1) : Number.NaN;
};

function expectClose(a: Float64Array, b: Float64Array, relTol: number, absTol = 0): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) {
    if (Number.isNaN(b[k]!)) expect(a[k], `index ${k}`).toBeNaN();
    else
      expect(Math.abs(a[k]! - b[k]!), `index ${k}: ${a[k]} vs ${b[k]}`).toBeLessThanOrEqual(
        relTol * Math.abs(b[k]!) + absTol,
      );
  }
}

function panel(
  rng: Rng,
  T: number,
  N: number,
  offset: number,
  scale: number,
  nanShare: number,
): Float64Array {
  const x = new Float64Array(T * N);
  for (let k = 0; k < x.length; k++)
    x[k] = rng.uniform() < nanShare ? Number.NaN : offset + scale * rng.normal();
  return x;
}

describe('rolling sum, mean, variance, std', () => {
  it('hand cases', () => {
    expect(
      Array.from(rollingSum(Float64Array.from([1, 2, Number.NaN, 4]), { window: 2, minObs: 1 })),
    ).toEqual([1, 3, 2, 4]);
    expect(Array.from(rollingMean(Float64Array.from([1, 2, 3]), { window: 2 }))).toEqual([
      Number.NaN,
      1.5,
      2.5,
    ]);
    const v = rollingVariance(Float64Array.from([1, 2, 4]), { window: 3 });
    expect(v[2]).toBeCloseTo(7 / 3, 15);
    expect(rollingVariance(Float64Array.from([1, 2, 4]), { window: 3, ddof: 0 })[2]).toBeCloseTo(14 / 9, 15);
    expect(rollingStd(Float64Array.from([5, 5, 5]), { window: 2 })[2]).toBe(0);
    expect(rollingVariance(Float64Array.from([5]), { window: 1 })[0]).toBeNaN();
    expect(rollingSum(new Float64Array(0), { window: 3 }).length).toBe(0);
    expect(
      Array.from(rollingMean(Float64Array.from([Number.NaN, Number.NaN]), { window: 2, minObs: 1 })).every(
        Number.isNaN,
      ),
    ).toBe(true);
  });

  it('matches the naive twin on a panel with NaN and a 1e6 offset (numerical safety)', () => {
    const rng = new Rng(1);
    for (const [T, N, W, minObs] of [
      [300, 7, 20, 15],
      [257, 3, 60, 45],
      [50, 4, 1, 1],
      [40, 2, 100, 10],
    ] as const) {
      const x = panel(rng, T, N, 1e6, 1, 0.15);
      const opts = { window: W, minObs, columns: N };
      expectClose(rollingSum(x, opts), naiveRolling(x, N, W, minObs, sum), 1e-14);
      expectClose(rollingMean(x, opts), naiveRolling(x, N, W, minObs, mean), 1e-14);
      expectClose(rollingVariance(x, opts), naiveRolling(x, N, W, minObs, variance), 1e-7, 1e-9);
      expectClose(
        rollingStd(x, opts),
        naiveRolling(x, N, W, minObs, (v) => Math.sqrt(variance(v))),
        1e-7,
        1e-9,
      );
    }
  });

  it('stays accurate on a long trending series (rebasing bounds drift)', () => {
    const rng = new Rng(8);
    const T = 5000;
    const x = new Float64Array(T);
    let p = 100;
    for (let t = 0; t < T; t++) x[t] = p = p * (1 + 0.02 * rng.normal()) + 1e-3 * t;
    expectClose(rollingVariance(x, { window: 63 }), naiveRolling(x, 1, 63, 63, variance), 1e-9, 1e-12);
  });

  it('is point-in-time: changing data after t leaves every output ≤ t unchanged', () => {
    const rng = new Rng(2);
    const x = panel(rng, 120, 3, 0, 1, 0.1);
    const before = rollingStd(x, { window: 20, minObs: 10, columns: 3 });
    const y = x.slice();
    for (let k = 70 * 3; k < y.length; k++) y[k] = 1e9 * rng.normal();
    const after = rollingStd(y, { window: 20, minObs: 10, columns: 3 });
    expect(Array.from(after.subarray(0, 70 * 3))).toEqual(Array.from(before.subarray(0, 70 * 3)));
  });

  it('rejects bad shapes and options with typed errors', () => {
    expect(() => rollingSum(new Float64Array(5), { window: 2, columns: 2 })).toThrow(
      /not a multiple of columns/,
    );
    expect(() => rollingSum(new Float64Array(4), { window: 0 })).toThrow(/window must be a positive integer/);
    expect(() => rollingSum(new Float64Array(4), { window: 2, minObs: 3 })).toThrow(/minObs/);
    expect(() => rollingVariance(new Float64Array(4), { window: 2, ddof: -1 })).toThrow(/ddof/);
  });
});

/** Naive twin of beta and alpha: OLS with intercept over the complete pairs of the window. */
function naiveBeta(x: Float64Array, y: Float64Array, N: number, W: number, minObs: number) {
  const T = y.length;
  const beta = new Float64Array(T * N);
  const alpha = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let u = Math.max(0, t - W + 1); u <= t; u++) {
        if (!Number.isNaN(x[u * N + i]!) && !Number.isNaN(y[u]!)) {
          a.push(x[u * N + i]!);
          b.push(y[u]!);
        }
      }
      const ma = a.length ? mean(a) : 0;
      const mb = b.length ? mean(b) : 0;
      const cov = sum(a.map((v, k) => (v - ma) * (b[k]! - mb)));
      const varB = sum(b.map((v) => (v - mb) ** 2));
      const ok = a.length >= minObs && varB / (a.length - 1) > 1e-12;
      beta[t * N + i] = ok ? cov / varB : Number.NaN;
      alpha[t * N + i] = ok ? ma - (cov / varB) * mb : Number.NaN;
    }
  }
  return { beta, alpha };
}

describe('rollingBeta and rollingCovariance', () => {
  it('R2.2: β = 1.2807612095933265, α = −0.001593065693430657', () => {
    const rm = Float64Array.from([0.01, -0.02, 0.015, 0.006, -0.004]);
    const ri = Float64Array.from([0.012, -0.025, 0.02, 0.004, -0.01]);
    const { beta, alpha } = rollingBeta(ri, rm, { window: 5, minObs: 5 });
    expect(Math.abs(beta[4]! - 1.2807612095933265)).toBeLessThan(1e-9);
    expect(Math.abs(alpha[4]! - -0.001593065693430657)).toBeLessThan(1e-9);
    expect(beta[3]).toBeNaN();
  });

  it('matches the naive twin on a panel with NaN (defaults W = 60, minObs = 45)', () => {
    const rng = new Rng(12);
    const T = 400;
    const N = 6;
    const y = panel(rng, T, 1, 0.0005, 0.01, 0.05);
    const x = new Float64Array(T * N);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        x[t * N + i] =
          rng.uniform() < 0.2
            ? Number.NaN
            : 0.001 + (0.5 + i * 0.2) * (Number.isNaN(y[t]!) ? 0 : y[t]!) + 0.01 * rng.normal();
      }
    }
    // A column that is missing for a long stretch, and a market that is flat for a while.
    for (let t = 100; t < 180; t++) x[t * N + 2] = Number.NaN;
    for (let t = 250; t < 320; t++) y[t] = 0.001;
    const got = rollingBeta(x, y, { columns: N });
    const want = naiveBeta(x, y, N, 60, 45);
    expectClose(got.beta, want.beta, 1e-9, 1e-12);
    expectClose(got.alpha, want.alpha, 1e-9, 1e-12);
    const cov = rollingCovariance(x, y, { columns: N, window: 30, minObs: 20 });
    const wantCov = new Float64Array(T * N);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        const a: number[] = [];
        const b: number[] = [];
        for (let u = Math.max(0, t - 29); u <= t; u++) {
          if (!Number.isNaN(x[u * N + i]!) && !Number.isNaN(y[u]!)) {
            a.push(x[u * N + i]!);
            b.push(y[u]!);
          }
        }
        const ma = mean(a);
        const mb = mean(b);
        wantCov[t * N + i] =
          a.length < 20 ? Number.NaN : sum(a.map((v, k) => (v - ma) * (b[k]! - mb))) / (a.length - 1);
      }
    }
    expectClose(cov, wantCov, 1e-9, 1e-15);
  });

  it('is point-in-time: changing x or y after t leaves β and α at ≤ t unchanged', () => {
    const rng = new Rng(14);
    const T = 200;
    const N = 3;
    const x = panel(rng, T, N, 0, 0.01, 0.05);
    const y = panel(rng, T, 1, 0, 0.01, 0.05);
    const before = rollingBeta(x, y, { columns: N });
    const x2 = x.slice();
    const y2 = y.slice();
    for (let t = 130; t < T; t++) {
      y2[t] = rng.normal();
      for (let i = 0; i < N; i++) x2[t * N + i] = rng.uniform() < 0.5 ? Number.NaN : 1e3 * rng.normal();
    }
    const after = rollingBeta(x2, y2, { columns: N });
    expect(Array.from(after.beta.subarray(0, 130 * N))).toEqual(Array.from(before.beta.subarray(0, 130 * N)));
    expect(Array.from(after.alpha.subarray(0, 130 * N))).toEqual(
      Array.from(before.alpha.subarray(0, 130 * N)),
    );
  });

  it('gives NaN for a flat market and for too few pairs', () => {
    const y = new Float64Array(10).fill(0.01);
    const x = Float64Array.from({ length: 10 }, (_, k) => k * 0.001);
    expect(Array.from(rollingBeta(x, y, { window: 5, minObs: 3 }).beta).every(Number.isNaN)).toBe(true);
    expect(
      rollingCovariance(Float64Array.from([1, 2]), Float64Array.from([1, 3]), { window: 2 })[1],
    ).toBeCloseTo(1, 15);
    expect(() => rollingBeta(new Float64Array(5), new Float64Array(2), { columns: 2 })).toThrow(
      /expected y.length × columns/,
    );
  });

  it('handles a large offset in both series', () => {
    const rng = new Rng(13);
    const T = 300;
    const y = Float64Array.from({ length: T }, () => 1e4 + rng.normal());
    const x = Float64Array.from(y, (v) => 1e6 + 2 * (v - 1e4) + 0.1 * rng.normal());
    const got = rollingBeta(x, y, { window: 50, minObs: 50 });
    const want = naiveBeta(x, y, 1, 50, 50);
    expectClose(got.beta, want.beta, 1e-9);
  });
});
