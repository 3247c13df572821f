/** Result types of the synthetic market. */
import type { Universe } from '../../core/universe.ts';

/** The generator's ground truth, for tests and for checking estimators against what really drove returns. */
export interface SyntheticTruth {
  /** The 8 factor names; column k of `loadings` and `factorReturns`. */
  readonly factorNames: readonly string[];
  /** B, N × 8 row-major (`loadings[i * 8 + k]`); column 0 is the market beta. */
  readonly loadings: Float64Array;
  /** f, T × 8 row-major, realised daily factor returns (premium + √h_t-scaled shock); row 0 is NaN. */
  readonly factorReturns: Float64Array;
  /** μ_k, daily factor premia. */
  readonly factorPremia: Float64Array;
  /** σ_k, unconditional daily factor vols (the day's vol is σ_k √h_t). */
  readonly factorVols: Float64Array;
  /** c_i, each stock's loading on its own sector factor. */
  readonly sectorLoadings: Float64Array;
  /** g, T × S row-major, realised sector factor returns (sector order = `universe.sectors`); row 0 NaN. */
  readonly sectorReturns: Float64Array;
  /** Unconditional daily vol of a sector factor. */
  readonly sectorVol: number;
  /** σ_i, unconditional daily idiosyncratic vols. */
  readonly idioVols: Float64Array;
  /** Each stock's unconditional annualised total vol, √(252(Σ_k B_ik²σ_k² + c_i²σ_sec² + σ_i²)). */
  readonly annualVols: Float64Array;
  /** h_t, the GARCH(1,1) variance multiplier that scales every shock of day t (h_0 = h_1 = 1). */
  readonly garchVariance: Float64Array;
  readonly garch: { readonly omega: number; readonly alpha: number; readonly beta: number };
  /**
   * φ_t, the momentum factor's daily return per unit cross-sectional z-score of 12-1 momentum (mean
   * `effects.momentum`, sd 1.5e-3·√h_t); NaN before day 253, when the window does not exist yet.
   */
  readonly momentumFactor: Float64Array;
  /**
   * Injected effects: daily expected return per cross-sectional sd of each characteristic visible at the
   * previous close; `announcementJump` is the same-day move in idiosyncratic sds per unit earnings surprise.
   */
  readonly effects: {
    readonly momentum: number;
    readonly epsRevision: number;
    readonly earningsSurprise: number;
    readonly shortInterest: number;
    readonly accruals: number;
    readonly assetGrowth: number;
    readonly insider: number;
    readonly announcementJump: number;
  };
}

export interface SyntheticMarket {
  readonly universe: Universe;
  readonly truth: SyntheticTruth;
}
