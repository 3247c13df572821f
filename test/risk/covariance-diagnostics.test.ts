import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { symmetricEigenvalues } from '../../src/linalg/index.ts';
import { operatorDiagnostics } from '../../src/risk/covariance/diagnostics.ts';
import { fitLW2020 } from '../../src/risk/covariance/lw2020.ts';
import { fitPCA } from '../../src/risk/covariance/pca.ts';
import { fitRMT } from '../../src/risk/covariance/rmt.ts';
import { fitSampleCovariance } from '../../src/risk/covariance/sample.ts';
import { fitLedoitWolf, fitOAS } from '../../src/risk/covariance/shrinkage.ts';
import type { CovarianceDiagnostics, FittedCovariance } from '../../src/risk/covariance/types.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';
import { naiveCentre, naiveCov } from './reference-data.ts';

function returns(T: number, p: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: p }, () => 0.5 + rng.uniform());
  const R = new Float64Array(T * p);
  for (let t = 0; t < T; t++) {
    const f = 2 * rng.normal();
    for (let j = 0; j < p; j++) R[t * p + j] = 0.01 * (b[j]! * f + (0.5 + rng.uniform()) * rng.normal());
  }
  return R;
}

/** Dense twin of every diagnostic, straight from the definitions. */
function naiveDiagnostics(fit: Pick<FittedCovariance, 'covariance'>, T: number, p: number, R: Float64Array) {
  const D = fit.covariance.toDense().data;
  const lambda = symmetricEigenvalues({ rows: p, cols: p, data: D }, { symmetryTolerance: 1e-9 });
  const trace = lambda.reduce((a, b) => a + b, 0);
  let H = 0;
  for (const l of lambda) if (l > 0) H -= (l / trace) * Math.log(l / trace);
  const S0 = naiveCov(T, p, R, 0);
  const X = naiveCentre(T, p, R);
  let diff = 0;
  let fro = 0;
  for (let k = 0; k < p * p; k++) {
    diff += (D[k]! - S0[k]!) ** 2;
    fro += D[k]! ** 2;
  }
  let eps2 = 0;
  for (let t = 0; t < T; t++)
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) eps2 += (X[t * p + a]! * X[t * p + b]! - S0[a * p + b]!) ** 2;
  eps2 /= T * T;
  const lmin = lambda[0]!;
  const lmax = lambda[p - 1]!;
  return {
    trace,
    conditionNumber: lmin > 1e-12 * lmax ? lmax / lmin : Number.POSITIVE_INFINITY,
    effectiveRank: Math.exp(H),
    samplingError: Math.sqrt(eps2),
    estimationErrorBound: Math.sqrt(diff) + Math.sqrt(eps2),
    frobenius: Math.sqrt(fro),
  };
}

const rel = (a: number, b: number, tol: number) => {
  if (b === Number.POSITIVE_INFINITY) expect(a).toBe(b);
  else expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.abs(b));
};

function compare(
  d: CovarianceDiagnostics,
  n: ReturnType<typeof naiveDiagnostics>,
  tol: number,
  condTol = tol,
) {
  rel(d.trace, n.trace, 1e-12);
  rel(d.conditionNumber, n.conditionNumber, condTol);
  rel(d.effectiveRank, n.effectiveRank, tol);
  rel(d.samplingError, n.samplingError, 1e-10);
  rel(d.estimationErrorBound, n.estimationErrorBound, 1e-8);
  rel(d.relativeErrorBound, n.estimationErrorBound / n.frobenius, 1e-8);
}

describe.each([
  { T: 50, p: 10 },
  { T: 20, p: 40 },
  { T: 90, p: 160 },
])('diagnostics against their dense definitions (T = $T, p = $p)', ({ T, p }) => {
  const R = returns(T, p, T + p);
  const w = CovarianceWindow.fromMatrix(T, p, R);
  it.each([
    ['sample', fitSampleCovariance],
    ['ledoit_wolf', fitLedoitWolf],
    ['oas', fitOAS],
    ['lw2020', fitLW2020],
  ] as const)('%s: closed form is exact', (_, estimate) => {
    const f = estimate(w);
    const d = f.diagnostics();
    expect(d.spectrum).toBe('closed-form');
    // The closed form's condition number of a near-singular matrix is a ratio of O(ε) numbers.
    compare(d, naiveDiagnostics(f, T, p, R), 1e-9, T > p ? 1e-7 : 1e-9);
  });
  it.each([
    ['rmt', fitRMT],
    ['pca', (x: CovarianceWindow) => fitPCA(x, 2)],
  ] as const)('%s: dense route is exact, Lanczos route within tolerance', (_, estimate) => {
    const f = estimate(w);
    const n = naiveDiagnostics(f, T, p, R);
    compare(f.diagnostics(), n, 1e-9, 1e-8);
    // The Lanczos route serves p > 400; at p = 10 Hutchinson's estimator has too few dimensions to average.
    if (p < 40) return;
    const lz = operatorDiagnostics(f.covariance, w, w.shrinkageStatistics(), 'lanczos');
    expect(lz.spectrum).toBe('lanczos');
    // Extremes converge to 1e-8; the entropy is a stochastic-quadrature estimate.
    compare(lz, n, 0.03, 1e-6);
  });
  it('the sample covariance of T ≤ p is singular', () => {
    if (T <= p) expect(fitSampleCovariance(w).diagnostics().conditionNumber).toBe(Number.POSITIVE_INFINITY);
  });
});
