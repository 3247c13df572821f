/**
 * Full-sample statistics of one (signal, horizon) from its streamed reductions (methods.md §3, §8). These
 * use every date of the sample, so they are in-sample by construction; weighting at a rebalance date uses
 * `weights.ts`, which sees only resolved ICs.
 */
import {
  annualizedQuantileSpread,
  icDecayHalfLife,
  icPersistenceHalfLife,
  summarizeIC,
} from '../stats/index.ts';
import type { HorizonAccumulation } from './ic-accumulator.ts';

export interface SignalHorizonStats {
  readonly signal: string;
  readonly horizon: number;
  /** Number of dates with a valid IC. */
  readonly n: number;
  readonly meanIc: number;
  /** ddof 1. */
  readonly icSd: number;
  readonly icir: number;
  /** ICIR·√(252/h) (methods.md Appendix A item 7). */
  readonly icirAnn: number;
  readonly tIid: number;
  /** Newey–West t with L = max(h, ⌊4(n/100)^{2/9}⌋). */
  readonly tNw: number;
  readonly nwLags: number;
  readonly hitRate: number;
  /** IC-decay half-life in days from IC(ℓ) over the skips (methods.md §3); +∞ if no decay. */
  readonly decayHalfLife: number;
  /** Spec 002's autocorrelation half-life of the IC series, labelled as persistence (methods.md §3). */
  readonly persistenceHalfLife: number;
  /** mean daily Q5 − Q1 × 252/h. */
  readonly q5q1Ann: number;
  /** Mean number of stocks behind a valid daily IC. */
  readonly coverage: number;
  /** IC(ℓ) = mean_t rankcorr(s_t, R_{t+ℓ}) per skip. */
  readonly icDecay: readonly number[];
  /** LS(s) × 252/h per skip: top-minus-bottom decile holding-period curve (methods.md §8). */
  readonly scoreDecay: readonly number[];
}

export interface SummaryOptions {
  /** Minimum valid ICs for summary statistics (spec 002: 60). */
  readonly minObs: number;
  readonly skips: readonly number[];
}

export function summarizeHorizon(
  signal: string,
  acc: HorizonAccumulation,
  options: SummaryOptions,
): SignalHorizonStats {
  const h = acc.horizon;
  const s = summarizeIC(acc.ic, { horizon: h, minObs: options.minObs });
  const icDecay = options.skips.map((_, k) =>
    acc.lagIcCount[k]! > 0 ? acc.lagIcSum[k]! / acc.lagIcCount[k]! : Number.NaN,
  );
  const scoreDecay = options.skips.map((_, k) =>
    acc.lsCount[k]! > 0 ? ((acc.lsSum[k]! / acc.lsCount[k]!) * 252) / h : Number.NaN,
  );
  let stocks = 0;
  for (let t = 0; t < acc.icStocks.length; t++) stocks += acc.icStocks[t]!;
  const enough = s.n >= options.minObs;
  return {
    signal,
    horizon: h,
    n: s.n,
    meanIc: s.mean,
    icSd: s.sd,
    icir: s.icir,
    icirAnn: s.icirAnnualized,
    tIid: s.tStatIid,
    tNw: s.tStatNeweyWest,
    nwLags: s.neweyWestLags,
    hitRate: s.hitRate,
    decayHalfLife: enough
      ? icDecayHalfLife(Float64Array.from(icDecay), Float64Array.from(options.skips)).halfLife
      : Number.NaN,
    persistenceHalfLife: enough ? icPersistenceHalfLife(acc.ic).halfLife : Number.NaN,
    q5q1Ann: annualizedQuantileSpread(acc.spread, h),
    coverage: s.n > 0 ? stocks / s.n : Number.NaN,
    icDecay,
    scoreDecay,
  };
}
