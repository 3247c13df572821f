/**
 * Sample covariance S₁ = XᵀX/(T − 1) (methods.md §5) as a structured operator: 0 + (Xᵀ/√T)·(T/(T−1))I·(…)ᵀ
 * when T ≤ p (rank ≤ T − 1: singular, `solve` refuses it), or over the p × p eigenbasis when T > p.
 * Never inverted or regularised here (spec 002's +1e-6·I is not adopted).
 */
import type { Panel } from '../../core/panel.ts';
import type { StructuredCovariance } from '../../linalg/index.ts';
import {
  asWindow,
  type CovarianceOptions,
  eigenbasisOperator,
  fitted,
  gramSideOperator,
  mapWindowSpectrum,
  sharedSpectrumDiagnostics,
} from './common.ts';
import type { FittedCovariance } from './types.ts';
import type { CovarianceWindow } from './window.ts';

export type SampleCovarianceFit = FittedCovariance<'sample', Readonly<Record<string, never>>>;

export function fitSampleCovariance(w: CovarianceWindow): SampleCovarianceFit {
  const { T, p } = w;
  const scale = 1 / (T - 1);
  // The spectrum is needed for the operator only on the primal side; on the Gram side only by diagnostics.
  const spec = () => mapWindowSpectrum(w, (l) => l * scale, 0);
  let op: StructuredCovariance;
  if (w.side === 'gram') {
    // S₁ = (Xᵀ/√T)·(T/(T − 1))I·(Xᵀ/√T)ᵀ, sharing U with LW and OAS.
    op = gramSideOperator(w, 0, T * scale);
  } else {
    const ws = w.covarianceSpectrum();
    const V = w.pSpaceVectors(
      ws,
      Array.from({ length: p }, (_, j) => j),
    );
    op = eigenbasisOperator(p, V, spec().sigma.subarray(0, p));
  }
  return fitted('sample', w, op, {}, sharedSpectrumDiagnostics(w, spec));
}

/** Sample covariance estimator (style.md habit 5): readonly options, `fit` returns an immutable result. */
export class SampleCovariance {
  constructor(readonly options: Readonly<CovarianceOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): SampleCovarianceFit {
    return fitSampleCovariance(asWindow(returns, this.options));
  }
}

/** One-shot `new SampleCovariance(options).fit(returns)`. */
export function sampleCovariance(
  returns: Panel | CovarianceWindow,
  options: CovarianceOptions = {},
): SampleCovarianceFit {
  return new SampleCovariance(options).fit(returns);
}
