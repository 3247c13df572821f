/** Options and outputs of the per-date IC reductions (ic-accumulator.ts, ic-accumulator-js.ts). */
import { InvalidInputError } from '../core/errors.ts';

export interface IcOptions {
  /** Minimum stocks for a daily IC or spread (spec 002: 252). */
  readonly minCoverage: number;
  /** Number of quantile buckets Q for the spread (5). */
  readonly quantiles: number;
  /** A spread needs at least this many stocks in every bucket (spec 002: more than 10, i.e. 11). */
  readonly minBucketSize: number;
  /** Skips ℓ for IC decay and the score-decay curve (methods.md §8: 0, 1, 3, 5, 10, 20). */
  readonly skips: readonly number[];
}

export const defaultIcOptions: IcOptions = {
  minCoverage: 252,
  quantiles: 5,
  minBucketSize: 11,
  skips: [0, 1, 3, 5, 10, 20],
};

/** Per-horizon reductions of one signal. Arrays indexed by date have length T; by skip, length of `skips`. */
export interface HorizonAccumulation {
  readonly horizon: number;
  /** Daily rank IC at skip 0; NaN where not computable. */
  readonly ic: Float64Array;
  /** Stocks used by each daily IC (0 where NaN). */
  readonly icStocks: Int32Array;
  /** Daily Q5 − Q1 spread of R^{(h)}_t (per h-day period, not annualised). */
  readonly spread: Float64Array;
  /** Σ_t IC_t(ℓ) and the number of dates, per skip. */
  readonly lagIcSum: Float64Array;
  readonly lagIcCount: Int32Array;
  /** Σ_t LS_t(s) and the number of dates, per skip. */
  readonly lsSum: Float64Array;
  readonly lsCount: Int32Array;
}

export function newAccumulation(h: number, T: number, L: number): HorizonAccumulation {
  return {
    horizon: h,
    ic: new Float64Array(T).fill(Number.NaN),
    icStocks: new Int32Array(T),
    spread: new Float64Array(T).fill(Number.NaN),
    lagIcSum: new Float64Array(L),
    lagIcCount: new Int32Array(L),
    lsSum: new Float64Array(L),
    lsCount: new Int32Array(L),
  };
}

/** Throws InvalidInputError unless `skips` starts with 0 and increases (the daily IC is skip 0). */
export function checkSkips(sk: readonly number[]): void {
  if (sk[0] !== 0 || sk.some((s, k) => !Number.isInteger(s) || (k > 0 && s <= sk[k - 1]!))) {
    throw new InvalidInputError(`decay skips must start at 0 and increase, got [${sk.join(', ')}]`, {
      where: { field: 'decay_skips' },
    });
  }
}
