/**
 * Shared types of the covariance estimators (methods.md §5). Every estimate is a StructuredCovariance
 * Σ = A + U C Uᵀ over the window's tickers; a p × p matrix appears only through `toDense()`.
 */
import type { StructuredCovariance } from '../../linalg/index.ts';

export type CovarianceMethod = 'sample' | 'ledoit_wolf' | 'oas' | 'lw2020' | 'rmt' | 'pca';

export const COVARIANCE_METHODS: readonly CovarianceMethod[] = [
  'sample',
  'ledoit_wolf',
  'oas',
  'lw2020',
  'rmt',
  'pca',
];

/**
 * Spectrum of Σ̂ in closed form, for estimators whose Σ̂ shares its eigenvectors with S₀ = XᵀX/T:
 * eigenvalue `sigma[i]` of Σ̂ and `s0[i]` of S₀ on the same eigenspace, of multiplicity `mult[i]`.
 */
export interface SharedEigenSpectrum {
  readonly sigma: Float64Array;
  readonly s0: Float64Array;
  readonly mult: Float64Array;
}

/** How the spectral diagnostics were obtained. */
export type SpectrumSource = 'closed-form' | 'dense' | 'lanczos';

export interface CovarianceDiagnostics {
  /** tr Σ̂ (exact). */
  readonly trace: number;
  /** λ_max/λ_min of Σ̂; Infinity when Σ̂ is singular (λ_min ≤ 1e-12·λ_max). */
  readonly conditionNumber: number;
  /** exp(−Σ π_i ln π_i), π_i = λ_i/Σλ (methods.md §4–5). */
  readonly effectiveRank: number;
  /**
   * Frobenius estimation-error bound ‖Σ̂ − S₀‖_F + ε_S, where ε_S² = (1/T)[(1/T)Σ_k‖x_k‖⁴ − ‖S₀‖²_F] is
   * Ledoit–Wolf's (2004, Lemma 3.3) estimate of E‖S₀ − Σ‖²_F: by the triangle inequality, an estimate of an
   * upper bound on ‖Σ̂ − Σ‖_F. See docs/decisions/081-risk-covariance-diagnostics.md.
   */
  readonly estimationErrorBound: number;
  /** estimationErrorBound / ‖Σ̂‖_F. */
  readonly relativeErrorBound: number;
  /** ε_S alone: the sampling error of the sample covariance. */
  readonly samplingError: number;
  readonly spectrum: SpectrumSource;
}

export interface FittedCovariance<
  M extends CovarianceMethod = CovarianceMethod,
  D = Readonly<Record<string, number>>,
> {
  readonly method: M;
  readonly tickers: readonly string[];
  /** Dates used after the missing-data policy. */
  readonly T: number;
  readonly p: number;
  readonly covariance: StructuredCovariance;
  /** Method-specific numbers (ρ, λ₊, d̃_0, …). */
  readonly details: D;
  /** Computed on first call and cached. */
  diagnostics(): CovarianceDiagnostics;
}
