import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { icDecayHalfLife, icPersistenceHalfLife, summarizeIC } from '../../src/stats/icSummary.ts';
import { annualizedQuantileSpread, quantileBuckets, quantileSpread } from '../../src/stats/quantileSpread.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol * Math.max(1, Math.abs(b)));

describe('summarizeIC — R3.2', () => {
  const ic = Float64Array.from([0.05, 0.02, -0.01, 0.04, 0.03, 0.06, -0.02, 0.01, 0.05, 0.03]);

  it('every value with L = max(h, 2) = 5', () => {
    const s = summarizeIC(ic, { horizon: 5, minObs: 10 });
    expect(s.n).toBe(10);
    close(s.mean, 0.026);
    close(s.sd, 0.026331223544175334);
    close(s.icir, 0.9874208829065749);
    close(s.icirAnnualized, 7.009992867328753);
    close(s.tStatIid, 3.1224989991991996);
    expect(s.hitRate).toBe(0.8);
    expect(s.neweyWestLags).toBe(5);
    close(s.neweyWestStandardError, 0.003678767909685706);
    close(s.tStatNeweyWest, 7.06758366885431);
  });

  it('L = 2 override, NaN below minObs, NaN skipped, zero counts as a miss', () => {
    close(summarizeIC(ic, { horizon: 5, minObs: 10, lags: 2 }).tStatNeweyWest, 4.9514079821605);
    const short = summarizeIC(ic, { horizon: 5 });
    expect(short.n).toBe(10);
    expect(short.mean).toBeNaN();
    expect(short.tStatNeweyWest).toBeNaN();
    const withNaN = Float64Array.from([Number.NaN, ...ic, Number.NaN]);
    close(summarizeIC(withNaN, { horizon: 5, minObs: 10 }).icir, 0.9874208829065749);
    expect(summarizeIC(Float64Array.from([0, 0.1, 0, 0.2]), { horizon: 1, minObs: 1 }).hitRate).toBe(0.5);
  });

  it('constant ICs give NaN ratios, not infinities or 0', () => {
    const s = summarizeIC(new Float64Array(80).fill(0.02), { horizon: 1 });
    expect(s.mean).toBeCloseTo(0.02, 15);
    expect(s.icir).toBeNaN();
    expect(s.tStatIid).toBeNaN();
    expect(s.tStatNeweyWest).toBeNaN();
    expect(() => summarizeIC(ic, { horizon: 0 })).toThrow(/horizon/);
  });
});

describe('icDecayHalfLife — R3.3', () => {
  it('exact geometric decay', () => {
    const ic = Float64Array.from({ length: 5 }, (_, l) => 0.05 * 0.8 ** l);
    const fit = icDecayHalfLife(ic);
    close(fit.halfLife, 3.106283719505393);
    close(fit.halfLife, Math.LN2 / -Math.log(0.8));
    expect(fit.points).toBe(5);
  });

  it('noisy decay: slope −0.23906435812062346, HL 2.899416650851013', () => {
    const fit = icDecayHalfLife(Float64Array.from([0.05, 0.041, 0.03, 0.026, 0.019]));
    close(fit.slope, -0.23906435812062346);
    close(fit.halfLife, 2.899416650851013);
  });

  it('skips non-positive and NaN ICs, needs 3 points, +∞ for a non-negative slope', () => {
    const fit = icDecayHalfLife(Float64Array.from([0.05, -0.01, 0.04, Number.NaN, 0.032, 0]));
    expect(fit.points).toBe(3);
    // Points at ℓ = 0, 2, 4 on an exact geometric curve.
    close(
      icDecayHalfLife(Float64Array.from([0.05, -1, 0.05 * 0.8 ** 2, -1, 0.05 * 0.8 ** 4])).halfLife,
      3.106283719505393,
    );
    expect(icDecayHalfLife(Float64Array.from([0.05, 0.04, -0.01])).halfLife).toBeNaN();
    expect(icDecayHalfLife(Float64Array.from([0.01, 0.02, 0.03])).halfLife).toBe(Number.POSITIVE_INFINITY);
    expect(icDecayHalfLife(Float64Array.from([0.02, 0.02, 0.02])).halfLife).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('icPersistenceHalfLife (spec 002 autocorrelation version)', () => {
  it('matches a naive twin on an AR(1) series and is near the AR half-life', () => {
    const rng = new Rng(31);
    const phi = 0.9;
    const n = 3000;
    const x = new Float64Array(n);
    for (let t = 1; t < n; t++) x[t] = phi * x[t - 1]! + rng.normal();
    const fit = icPersistenceHalfLife(x);
    // Naive: per-lag np.corrcoef, then τ = −Σℓ²/Σℓ ln ρ over ρ > 0.
    let sll = 0;
    let sly = 0;
    for (let lag = 1; lag <= Math.min(120, Math.floor(n / 3)); lag++) {
      const a = Array.from(x.subarray(0, n - lag));
      const b = Array.from(x.subarray(lag));
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      const cov = a.reduce((s, v, k) => s + (v - ma) * (b[k]! - mb), 0);
      const rho =
        cov / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
      if (rho > 0) {
        sll += lag * lag;
        sly += lag * Math.log(rho);
      }
    }
    close(fit.halfLife, (-sll / sly) * Math.LN2, 1e-10);
    expect(fit.halfLife).toBeGreaterThan(3);
    expect(fit.halfLife).toBeLessThan(12);
  });

  it('is NaN with too few positive autocorrelations', () => {
    expect(
      icPersistenceHalfLife(Float64Array.from([0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1])).halfLife,
    ).toBeNaN();
    expect(icPersistenceHalfLife(new Float64Array(0)).halfLife).toBeNaN();
  });
});

describe('quantile buckets and spread — R3.4', () => {
  const s = Float64Array.from([0.3, -1.2, 0.8, 2.1, -0.5, 1.5, -2.0, 0.0, 0.9, -0.7]);
  const R = Float64Array.from([0.01, -0.02, 0.005, 0.03, -0.01, 0.02, -0.03, 0.0, 0.012, -0.004]);

  it('buckets, spread 0.05, annualised 2.52', () => {
    expect(Array.from(quantileBuckets(s, 5))).toEqual([3, 1, 4, 5, 2, 5, 1, 3, 4, 2]);
    const spread = quantileSpread(s, R, { minBucketSize: 2 });
    close(spread, 0.05);
    close(annualizedQuantileSpread(Float64Array.from([spread]), 5), 2.52);
  });

  it('spec 002 rule: ≤ 10 stocks in a bucket gives NaN by default', () => {
    expect(quantileSpread(s, R)).toBeNaN();
    expect(quantileSpread(s, R, { minBucketSize: 3 })).toBeNaN();
  });

  it('buckets on the complete pairs only and matches a naive twin with ties', () => {
    const rng = new Rng(8);
    const n = 300;
    const sig = Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? Number.NaN : rng.int(40)));
    const fwd = Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? Number.NaN : rng.normal()));
    const keep = Array.from({ length: n }, (_, i) => i).filter(
      (i) => !Number.isNaN(sig[i]!) && !Number.isNaN(fwd[i]!),
    );
    const m = keep.length;
    const rank = (i: number) =>
      keep.filter((j) => sig[j]! < sig[i]!).length + (keep.filter((j) => sig[j] === sig[i]).length + 1) / 2;
    const bucket = new Map(keep.map((i) => [i, Math.ceil((5 * rank(i)) / m)]));
    const meanOf = (q: number) => {
      const v = keep.filter((i) => bucket.get(i) === q).map((i) => fwd[i]!);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    close(quantileSpread(sig, fwd), meanOf(5) - meanOf(1), 1e-12);
    expect(annualizedQuantileSpread(Float64Array.from([Number.NaN]), 5)).toBeNaN();
    expect(Array.from(quantileBuckets(Float64Array.from([Number.NaN, 1])))).toEqual([0, 5]);
  });
});
