/**
 * The covariance estimates of one rebalance (methods.md §5), as the walk-forward portfolio stage hands them
 * to its solves: plain operator descriptions that cross to a worker thread — the large arrays on
 * SharedArrayBuffers, so the threads share them instead of copying (docs/decisions/154-parallel-portfolio-stage.md).
 *
 * Sample, Ledoit–Wolf, OAS and LW-2020 share one set of p-space eigenvectors of the window
 * (docs/decisions/152-walk-forward-shared-spectrum.md); RMT and PCA are their structured fits; the
 * Fama–MacBeth model is fitted in rebalance order by the stage itself (walk-forward-factor-model.ts).
 */
import { StructuredCovariance } from '../linalg/index.ts';
import type { RiskOperator } from '../portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../portfolio/spectral-operator.ts';
import { gathered, scaled, shifted } from '../risk/covariance/common.ts';
import { fitLW2020, lw2020ShrunkSpectrum } from '../risk/covariance/lw2020.ts';
import { fitPCA } from '../risk/covariance/pca.ts';
import { fitRMT } from '../risk/covariance/rmt.ts';
import { fitSampleCovariance } from '../risk/covariance/sample.ts';
import { fitLedoitWolf, fitOAS } from '../risk/covariance/shrinkage.ts';
import type { CovarianceDiagnostics, CovarianceMethod } from '../risk/covariance/types.ts';
import { type CovarianceWindow, sharedFloat64 } from '../risk/covariance/window.ts';
import { ledoitWolfTerms, oasIntensity } from '../stats/shrinkage.ts';

/** A covariance as the optimiser will see it, in a form that can be posted to another thread. */
export type RiskOperatorSpec =
  | {
      /** a·I + V·diag(c)·Vᵀ with orthonormal V (p × k), portfolio/spectral-operator.ts. */
      readonly kind: 'spectral';
      readonly a: number;
      readonly V: Float64Array;
      readonly c: Float64Array;
    }
  | {
      /** D + U·C·Uᵀ (linalg's StructuredCovariance, through Woodbury). */
      readonly kind: 'structured';
      readonly p: number;
      readonly k: number;
      readonly diag: number | Float64Array;
      readonly U: Float64Array;
      readonly C: Float64Array;
    };

export function structuredSpec(S: StructuredCovariance): RiskOperatorSpec {
  return { kind: 'structured', p: S.p, k: S.k, diag: S.diagScalar ?? S.d, U: S.U, C: S.C };
}

/** The operator a spec describes; the same numbers give the same operator (and the same solves) anywhere. */
export function riskOperatorFrom(spec: RiskOperatorSpec): RiskOperator {
  return spec.kind === 'spectral'
    ? new SpectralRiskOperator(spec.a, spec.V, spec.c)
    : new StructuredCovariance({ p: spec.p, k: spec.k, diag: spec.diag, U: spec.U, C: spec.C });
}

/** The window estimators the walk-forward uses (every risk method but the factor model). */
export type WindowMethod = CovarianceMethod;

const SPECTRAL = ['sample', 'ledoit_wolf', 'oas', 'lw2020'] as const;
type SpectralMethod = (typeof SPECTRAL)[number];
const isSpectral = (m: WindowMethod): m is SpectralMethod => (SPECTRAL as readonly string[]).includes(m);

/** The full fits, run only where their diagnostics are reported (the last rebalance). */
const FULL_FIT: Record<SpectralMethod, (w: CovarianceWindow) => { diagnostics(): CovarianceDiagnostics }> = {
  sample: (w) => fitSampleCovariance(w),
  ledoit_wolf: (w) => fitLedoitWolf(w),
  oas: (w) => fitOAS(w),
  lw2020: (w) => fitLW2020(w),
};

/** The window's eigenvectors shared by the spectral estimators: V (p × q) for the eigenvalues `indices`. */
interface SharedSpectrum {
  readonly indices: readonly number[];
  readonly V: Float64Array;
  readonly lambda: Float64Array;
  readonly T: number;
}

function sharedSpectrumOf(w: CovarianceWindow): SharedSpectrum {
  const spec = w.covarianceSpectrum();
  let max = 0;
  for (const v of spec.values) max = Math.max(max, v);
  const idx: number[] = [];
  for (let i = 0; i < spec.values.length; i++) if (spec.values[i]! > 1e-12 * max) idx.push(i);
  return {
    indices: idx,
    V: w.pSpaceVectors(spec, idx, w.X, sharedFloat64(w.p * idx.length)),
    lambda: gathered(spec.values, idx),
    T: w.T,
  };
}

/**
 * The eigenbasis form a·I + V·diag(c)·Vᵀ (orthonormal V) of the estimators that share the window's spectrum
 * (methods.md §5): sample c = λ/(T − 1), a = 0; Ledoit–Wolf and OAS c = (1 − ρ)λ/T, a = ρμ; LW-2020
 * c = d̃ − d̃_0, a = d̃_0 (or a = max(min d̃, 0) at full rank, as its fit does). One V serves all of them, so
 * (γΣ + ρI)⁻¹ costs O(pq) for any γ and ρ, and the estimators themselves need only their scalars: the p-space
 * eigenvectors (a p·T·q product) are formed once per rebalance, not once per estimator
 * (docs/decisions/152-walk-forward-shared-spectrum.md).
 */
function spectralSpec(
  method: SpectralMethod,
  w: CovarianceWindow,
  shared: () => SharedSpectrum,
): RiskOperatorSpec {
  if (method === 'lw2020') {
    const s = lw2020ShrunkSpectrum(w);
    const sh = shared();
    let same = s.indices.length === sh.indices.length;
    for (let j = 0; same && j < s.indices.length; j++) same = s.indices[j] === sh.indices[j];
    const V = same
      ? sh.V
      : w.pSpaceVectors(w.covarianceSpectrum(), s.indices, w.X, sharedFloat64(w.p * s.indices.length));
    let a = s.d0;
    if (s.fullRank) {
      a = Number.POSITIVE_INFINITY;
      for (const x of s.d) a = Math.min(a, x);
      a = Math.max(a, 0);
    }
    return { kind: 'spectral', a, V, c: shifted(s.d, a) };
  }
  const { V, lambda, T } = shared();
  if (method === 'sample') {
    const scale = 1 / (T - 1);
    return { kind: 'spectral', a: 0, V, c: scaled(lambda, scale) };
  }
  const m = w.shrinkageStatistics();
  const { rho, mu } =
    method === 'ledoit_wolf'
      ? (() => {
          const t = ledoitWolfTerms(m);
          return { rho: t.intensity, mu: t.mu };
        })()
      : { rho: oasIntensity(m), mu: m.traceS / m.p };
  const scale = (1 - rho) / T;
  return { kind: 'spectral', a: rho * mu, V, c: scaled(lambda, scale) };
}

export interface WindowEstimates {
  /** Per method, Σ over the window's tickers (in window order). */
  readonly operators: ReadonlyMap<WindowMethod, RiskOperatorSpec>;
  /** Per method, when asked for. */
  readonly diagnostics: ReadonlyMap<WindowMethod, CovarianceDiagnostics>;
}

/**
 * Every window estimator of one rebalance on window `w`, sharing the work the estimators have in common: one
 * eigendecomposition of the window's small-side cross-product (sample, Ledoit–Wolf, OAS, LW-2020, PCA's
 * top k) and one set of p-space eigenvectors for the four spectral ones.
 */
export function windowEstimates(
  w: CovarianceWindow,
  methods: readonly WindowMethod[],
  options: { readonly pcaFactors: number; readonly diagnostics: boolean },
): WindowEstimates {
  const operators = new Map<WindowMethod, RiskOperatorSpec>();
  const diagnostics = new Map<WindowMethod, CovarianceDiagnostics>();
  let shared: SharedSpectrum | undefined;
  const spectrum = () => {
    shared ??= sharedSpectrumOf(w);
    return shared;
  };
  // PCA's factors are eigenvectors the spectral estimators form anyway: when one of those runs, PCA takes
  // its columns of the shared set instead of a p·T·k product of its own (docs/decisions/157).
  const sharesWithPCA = methods.some(isSpectral);
  for (const m of methods) {
    if (m === 'rmt' || m === 'pca') {
      const f =
        m === 'rmt' ? fitRMT(w) : fitPCA(w, options.pcaFactors, sharesWithPCA ? spectrum() : undefined);
      operators.set(m, structuredSpec(f.covariance));
      if (options.diagnostics) diagnostics.set(m, f.diagnostics());
    } else if (isSpectral(m)) {
      operators.set(m, spectralSpec(m, w, spectrum));
      if (options.diagnostics) diagnostics.set(m, FULL_FIT[m](w).diagnostics());
    }
  }
  return { operators, diagnostics };
}
