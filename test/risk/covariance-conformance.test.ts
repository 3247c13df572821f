/**
 * One conformance suite run by every covariance estimator (style.md habit 4), on small random problems
 * with T > p and T < p: the structured operator is symmetric and PSD, `solve` inverts `mul` when Σ is
 * invertible, `quadForm` and `diagonal` agree with `toDense`, and the low-rank form equals the estimator's
 * dense formula (naive twins in naive-estimators.ts). The Fama–MacBeth model runs the operator checks too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import type { StructuredCovariance } from '../../src/linalg/index.ts';
import { fitLW2020 } from '../../src/risk/covariance/lw2020.ts';
import { fitPCA } from '../../src/risk/covariance/pca.ts';
import { fitRMT } from '../../src/risk/covariance/rmt.ts';
import { fitSampleCovariance } from '../../src/risk/covariance/sample.ts';
import { fitLedoitWolf, fitOAS } from '../../src/risk/covariance/shrinkage.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';
import { naiveLW2020, naivePCA, naiveRMT, naiveShrinkage } from './naive-estimators.ts';
import { checkOperator } from './operator-checks.ts';
import { naiveCov } from './reference-data.ts';

/** Returns with a 3-factor structure plus noise, so RMT and PCA have signal to find. */
function randomReturns(T: number, p: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const B = Float64Array.from({ length: p * 3 }, () => rng.normal());
  const R = new Float64Array(T * p);
  for (let t = 0; t < T; t++) {
    const f = [3 * rng.normal(), 1.5 * rng.normal(), rng.normal()];
    for (let j = 0; j < p; j++) {
      R[t * p + j] =
        0.01 *
        (B[j * 3]! * f[0]! + B[j * 3 + 1]! * f[1]! + B[j * 3 + 2]! * f[2]! + (0.5 + j / p) * rng.normal());
    }
  }
  return R;
}

interface Case {
  readonly name: string;
  readonly fit: (w: CovarianceWindow) => { covariance: StructuredCovariance };
  readonly naive: (T: number, p: number, R: Float64Array) => Float64Array;
  /** Whether Σ is invertible on the given shape (the sample covariance is not when T ≤ p). */
  readonly invertible: (T: number, p: number) => boolean;
}

const cases: Case[] = [
  {
    name: 'sample',
    fit: fitSampleCovariance,
    naive: (T, p, R) => naiveCov(T, p, R, 1),
    invertible: (T, p) => T > p,
  },
  {
    name: 'ledoit_wolf',
    fit: fitLedoitWolf,
    naive: (T, p, R) => naiveShrinkage(T, p, R, 'lw'),
    invertible: () => true,
  },
  { name: 'oas', fit: fitOAS, naive: (T, p, R) => naiveShrinkage(T, p, R, 'oas'), invertible: () => true },
  { name: 'lw2020', fit: fitLW2020, naive: naiveLW2020, invertible: () => true },
  { name: 'rmt', fit: fitRMT, naive: naiveRMT, invertible: () => true },
  { name: 'pca', fit: (w) => fitPCA(w, 3), naive: (T, p, R) => naivePCA(T, p, R, 3), invertible: () => true },
];

const shapes = [
  { T: 60, p: 12, label: 'T > p' },
  { T: 20, p: 35, label: 'T < p' },
];

describe.each(cases)('covariance conformance: $name', (c) => {
  describe.each(shapes)('$label (T = $T, p = $p)', ({ T, p }) => {
    const R = randomReturns(T, p, T * 1000 + p);
    const w = CovarianceWindow.fromMatrix(T, p, R);
    const fit = c.fit(w);
    it('is a symmetric PSD operator whose mul, solve, quadForm and diagonal agree with toDense', () => {
      expect(fit.covariance.p).toBe(p);
      checkOperator(fit.covariance, c.invertible(T, p), 17);
    });
    it('equals the dense formula', () => {
      const D = fit.covariance.toDense().data;
      const N = c.naive(T, p, R);
      let scale = 0;
      for (const v of N) scale = Math.max(scale, Math.abs(v));
      for (let k = 0; k < p * p; k++)
        expect(Math.abs(D[k]! - N[k]!), `entry ${k}`).toBeLessThanOrEqual(1e-9 * scale);
    });
    it('never keeps a p × p factor unless p < T', () => {
      if (T < p) expect(fit.covariance.k).toBeLessThanOrEqual(T);
    });
  });
});

describe('permutation invariance across tickers (architecture.md §10)', () => {
  it.each(cases)('$name: permuting the stocks permutes Σ', (c) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (seed, wide) => {
        const T = wide ? 18 : 40;
        const p = wide ? 30 : 10;
        const R = randomReturns(T, p, seed);
        const perm = new Rng(seed).shuffle(Array.from({ length: p }, (_, j) => j));
        const Rp = new Float64Array(T * p);
        for (let t = 0; t < T; t++) for (let j = 0; j < p; j++) Rp[t * p + j] = R[t * p + perm[j]!]!;
        const A = c.fit(CovarianceWindow.fromMatrix(T, p, R)).covariance.toDense().data;
        const B = c.fit(CovarianceWindow.fromMatrix(T, p, Rp)).covariance.toDense().data;
        let scale = 0;
        for (const v of A) scale = Math.max(scale, Math.abs(v));
        for (let a = 0; a < p; a++)
          for (let b = 0; b < p; b++) {
            expect(Math.abs(B[a * p + b]! - A[perm[a]! * p + perm[b]!]!)).toBeLessThanOrEqual(1e-10 * scale);
          }
      }),
      { numRuns: 6 },
    );
  });
});
