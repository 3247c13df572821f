/**
 * Types of the Fama–MacBeth structural factor risk model (methods.md §6, seed 000).
 */
import type { Panel } from '../../core/panel.ts';
import type { StructuredCovariance } from '../../linalg/index.ts';

/** One loading column: a dates × tickers panel on the same grid as the returns. */
export interface LoadingInput {
  readonly name: string;
  readonly panel: Panel;
}

export interface FamaMacBethOptions {
  /** As-of date index (inclusive) into the returns panel; default the last date. */
  readonly end?: number;
  /** Return dates used, ending at `end` (default: every date with a lagged loading row). */
  readonly lookback?: number;
  /** Bars between a loading and the return it explains (default 1; 0 only if the caller already lagged). */
  readonly loadingLag?: number;
  /** Build skip rule: fewer return dates than this → skipped (default 60). */
  readonly minDates?: number;
  /** Build skip rule: fewer tickers carrying every loading → skipped (default 30). */
  readonly minTickers?: number;
  /** Per-date rule N_t < max(minAssetsPerDate, 2·K_eff) → date skipped (default 30). */
  readonly minAssetsPerDate?: number;
  /** Per-date rule cond(BᵀB) > maxCondition → date skipped (default 1e10). */
  readonly maxCondition?: number;
  /** D_i needs this many residuals, else the cross-sectional median of D (default 20). */
  readonly minSpecificObs?: number;
  /** Newey–West lags for the premia t-statistics (default ⌊4(T/100)^{2/9}⌋). */
  readonly nwLags?: number;
  /** Keep the dates × tickers residual panel in the result (default false; it is T·N doubles). */
  readonly keepResiduals?: boolean;
}

export type DateSkipReason = 'too-few-assets' | 'rank-deficient' | 'ill-conditioned';

export interface SkippedDate {
  readonly date: string;
  readonly reason: DateSkipReason;
  /** Complete assets on that date. */
  readonly assets: number;
  /** cond(BᵀB) when computed (NaN otherwise). */
  readonly condition: number;
}

export interface DroppedItem {
  readonly name: string;
  readonly reason: string;
}

export interface FactorPremium {
  readonly factor: string;
  /** f̄_k = mean_t f̂_{t,k}, per bar. */
  readonly mean: number;
  /** Standard deviation of f̂_{·,k}, ddof 1. */
  readonly sd: number;
  /** f̄/(sd/√T_valid). */
  readonly tIid: number;
  /** f̄ over its Newey–West standard error (Bartlett, 1/T, `nwLags` lags). */
  readonly tNeweyWest: number;
}

/** The fitted model: Σ = B_T F B_Tᵀ + diag(D) over `tickers`. Immutable. */
export interface FactorRiskModel {
  readonly asOf: string;
  /** K_eff names; 'intercept' first. */
  readonly factors: readonly string[];
  /** Tickers of Σ: complete loadings on the as-of date and not malformed. */
  readonly tickers: readonly string[];
  /** N × K_eff loadings on the as-of date, row-major. */
  readonly B: Float64Array;
  /** K_eff × K_eff factor covariance (ddof 1), row-major. */
  readonly F: Float64Array;
  /** N specific variances. */
  readonly D: Float64Array;
  /** Residual observations behind each D_i; D_i is the median fallback when below `minSpecificObs`. */
  readonly specificObs: Int32Array;
  /** Dates with a valid regression, and their f̂ (T_valid × K_eff, row-major). */
  readonly factorReturnDates: readonly string[];
  readonly factorReturns: Float64Array;
  readonly premia: readonly FactorPremium[];
  readonly nwLags: number;
  readonly skippedDates: readonly SkippedDate[];
  /** Σ as a structured operator (U = B, C = F, D = diag(D)). */
  covariance(): StructuredCovariance;
}

export interface FamaMacBethDiagnostics {
  readonly returnDates: number;
  readonly validDates: number;
  readonly tickersWithAllLoadings: number;
  readonly droppedFactors: readonly DroppedItem[];
  readonly malformedTickers: readonly DroppedItem[];
  /** Tickers left out of Σ because their as-of loadings are incomplete. */
  readonly tickersWithoutLoadings: readonly string[];
}

export type FamaMacBethResult =
  | {
      readonly status: 'ok';
      readonly model: FactorRiskModel;
      readonly diagnostics: FamaMacBethDiagnostics;
      /** Present only with `keepResiduals`: residuals on the return dates × input tickers (NaN where not in). */
      readonly residuals?: Panel;
    }
  | { readonly status: 'skipped'; readonly reason: string; readonly diagnostics: FamaMacBethDiagnostics };
