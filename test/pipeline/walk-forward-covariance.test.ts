/**
 * The walk-forward's window estimates (src/pipeline/walk-forward-covariance.ts) against the estimators' own
 * fits: sharing work between estimators (one eigendecomposition, one set of p-space eigenvectors, PCA's
 * factors taken from that set — decisions 152 and 157) must not change a single bit of any operator.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  type RiskOperatorSpec,
  structuredSpec,
  windowEstimates,
} from '../../src/pipeline/walk-forward-covariance.ts';
import { fitPCA, formedColumns } from '../../src/risk/covariance/pca.ts';
import { fitRMT } from '../../src/risk/covariance/rmt.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';

/** T × p returns with a few strong factors (distinct top eigenvalues) plus noise. */
function factorWindow(T: number, p: number, factors: number, seed: number): CovarianceWindow {
  const rng = new Rng(seed);
  const B = Float64Array.from({ length: p * factors }, () => rng.normal());
  const R = new Float64Array(T * p);
  for (let t = 0; t < T; t++) {
    const f = Array.from({ length: factors }, (_, k) => (0.02 / (k + 1)) * rng.normal());
    for (let j = 0; j < p; j++) {
      let x = 0.01 * rng.normal();
      for (let k = 0; k < factors; k++) x += B[j * factors + k]! * f[k]!;
      R[t * p + j] = x;
    }
  }
  return CovarianceWindow.fromMatrix(T, p, R);
}

function expectSameSpec(a: RiskOperatorSpec | undefined, b: RiskOperatorSpec): void {
  expect(a?.kind).toBe(b.kind);
  if (a?.kind !== 'structured' || b.kind !== 'structured') throw new Error('structured specs expected');
  expect([a.p, a.k]).toEqual([b.p, b.k]);
  const same = (x: number | Float64Array, y: number | Float64Array) =>
    expect(
      Object.is(x, y) || (x instanceof Float64Array && y instanceof Float64Array && sameBits(x, y)),
    ).toBe(true);
  same(a.diag, b.diag);
  same(a.U, b.U);
  same(a.C, b.C);
}

function sameBits(x: Float64Array, y: Float64Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

describe('windowEstimates', () => {
  const methods = ['sample', 'ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca'] as const;
  for (const [T, p, k] of [
    [60, 150, 5], // gram side, PCA's factors among the shared eigenvectors
    [40, 300, 3], // more factors asked for than strong ones
    [120, 50, 4], // primal side (T > p)
  ] as const) {
    it(`gives PCA and RMT the bits of their own fits (T = ${T}, p = ${p})`, () => {
      const est = windowEstimates(factorWindow(T, p, k, T + p), methods, {
        pcaFactors: 8,
        diagnostics: false,
      });
      expectSameSpec(
        est.operators.get('pca'),
        structuredSpec(fitPCA(factorWindow(T, p, k, T + p), 8).covariance),
      );
      expectSameSpec(
        est.operators.get('rmt'),
        structuredSpec(fitRMT(factorWindow(T, p, k, T + p)).covariance),
      );
      // PCA alone forms its own factors (no shared set to take them from): the same bits again.
      const alone = windowEstimates(factorWindow(T, p, k, T + p), ['pca'], {
        pcaFactors: 8,
        diagnostics: false,
      });
      expectSameSpec(
        alone.operators.get('pca'),
        structuredSpec(fitPCA(factorWindow(T, p, k, T + p), 8).covariance),
      );
    });
  }

  it('formedColumns gathers the asked columns, and gives up when one was not formed', () => {
    // p = 2 rows, formed indices [1, 4, 7] → columns 0, 1, 2 of V.
    const formed = { indices: [1, 4, 7], V: Float64Array.of(10, 11, 12, 20, 21, 22) };
    expect(Array.from(formedColumns(formed, 2, [7, 1])!)).toEqual([12, 10, 22, 20]);
    expect(formedColumns(formed, 2, [7, 3])).toBeUndefined();
  });
});
