/**
 * Ledoit–Wolf (2004) and OAS linear shrinkage, methods.md §5: Σ = (1 − ρ)S₀ + ρμI with μ = tr S₀/p and ρ
 * as scikit-learn computes it (stats/shrinkage.ts; OAS without Chen et al.'s 2/p terms, methods.md
 * Appendix A item 4). The intensities come from the sufficient statistics tr S₀, ‖S₀‖²_F, Σ_k‖x_k‖⁴, which
 * the window takes from its T × T Gram matrix when T < p — no p × p matrix.
 * Representation: ρμ·I + (Xᵀ/√T)·(1 − ρ)I·(Xᵀ/√T)ᵀ (T ≤ p) or the p × p eigenbasis (T > p).
 */
import type { Panel } from '../../core/panel.ts';
import type { StructuredCovariance } from '../../linalg/index.ts';
import { ledoitWolfTerms, oasIntensity } from '../../stats/shrinkage.ts';
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

export interface ShrinkageDetails {
  /** Shrinkage intensity ρ ∈ [0, 1]. */
  readonly rho: number;
  /** Target level μ = tr S₀/p. */
  readonly mu: number;
}

export type LedoitWolfFit = FittedCovariance<'ledoit_wolf', ShrinkageDetails>;
export type OASFit = FittedCovariance<'oas', ShrinkageDetails>;

function shrunk<M extends 'ledoit_wolf' | 'oas'>(method: M, w: CovarianceWindow, rho: number, mu: number) {
  const { T, p } = w;
  // The spectrum is needed for the operator only on the primal side; on the Gram side only by diagnostics.
  const spec = () => mapWindowSpectrum(w, (l) => ((1 - rho) * l) / T + rho * mu, rho * mu);
  let op: StructuredCovariance;
  if (w.side === 'gram') {
    op = gramSideOperator(w, rho * mu, 1 - rho);
  } else {
    const ws = w.covarianceSpectrum();
    op = eigenbasisOperator(
      p,
      w.pSpaceVectors(
        ws,
        Array.from({ length: p }, (_, j) => j),
      ),
      spec().sigma.subarray(0, p),
    );
  }
  return fitted(method, w, op, { rho, mu }, sharedSpectrumDiagnostics(w, spec));
}

export function fitLedoitWolf(w: CovarianceWindow): LedoitWolfFit {
  const t = ledoitWolfTerms(w.shrinkageStatistics());
  return shrunk('ledoit_wolf', w, t.intensity, t.mu);
}

export function fitOAS(w: CovarianceWindow): OASFit {
  const m = w.shrinkageStatistics();
  return shrunk('oas', w, oasIntensity(m), m.traceS / m.p);
}

/** Ledoit–Wolf 2004 estimator (style.md habit 5). */
export class LedoitWolf {
  constructor(readonly options: Readonly<CovarianceOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): LedoitWolfFit {
    return fitLedoitWolf(asWindow(returns, this.options));
  }
}

/** One-shot `new LedoitWolf(options).fit(returns)`. */
export function ledoitWolf(
  returns: Panel | CovarianceWindow,
  options: CovarianceOptions = {},
): LedoitWolfFit {
  return new LedoitWolf(options).fit(returns);
}

/** OAS estimator (style.md habit 5). */
export class OAS {
  constructor(readonly options: Readonly<CovarianceOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): OASFit {
    return fitOAS(asWindow(returns, this.options));
  }
}

/** One-shot `new OAS(options).fit(returns)`. */
export function oas(returns: Panel | CovarianceWindow, options: CovarianceOptions = {}): OASFit {
  return new OAS(options).fit(returns);
}
