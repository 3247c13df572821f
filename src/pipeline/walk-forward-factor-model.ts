/**
 * The Fama–MacBeth risk model of every rebalance, built from cross-sections computed once (methods.md §6,
 * docs/decisions/151-walk-forward-factor-model.md). Each date's regression of r_t on [1, loadings_{t−lag}]
 * reads only that date's returns and the lagged loadings, so it is point-in-time by construction and the same
 * in every window that contains the date. The walk-forward refitted all of them at every rebalance (≈ 500
 * cross-sections × 108 rebalances); here each date is regressed once, its f̂ and residuals are kept while a
 * window can still use them (the residuals as dense rows in a ring, walk-forward-residuals.ts), and a
 * rebalance only sums the residual moments over its window and assembles F, D and Σ (assembleFactorModel).
 *
 * The result is identical to `fitFamaMacBeth(returns, loadings, { end, lookback, … })`, bit for bit: the
 * cross-sections run the same kernels on the same inputs and the moments are summed in the same date order.
 * That holds when the window has no malformed (±Infinity) value and keeps every loading column; otherwise the
 * cached cross-sections (fitted with every column and no banned ticker) would differ, and the full fit is run
 * instead. Skip outcomes are also delegated to the full fit so their reasons read exactly as before.
 */
import type { Panel } from '../core/panel.ts';
import { assembleFactorModel } from '../risk/factor-model/assemble.ts';
import {
  CrossSectionScratch,
  crossSectionResiduals,
  gatherCompleteAssets,
  normalEquations,
  solveCrossSection,
} from '../risk/factor-model/cross-section.ts';
import { FM_DEFAULTS, fitFamaMacBeth } from '../risk/factor-model/fama-macbeth.ts';
import type { FamaMacBethResult, LoadingInput, SkippedDate } from '../risk/factor-model/types.ts';
import { ResidualRing } from './walk-forward-residuals.ts';

export interface WalkForwardFactorModelOptions {
  readonly lookback: number;
  readonly minDates: number;
  readonly minTickers: number;
}

/** One date's regression: f̂ (its residuals are in the ring while it holds the date), or why it was skipped. */
type CrossSection =
  | { readonly ok: true; readonly f: Float64Array }
  | { readonly ok: false; readonly skip: SkippedDate };

export class WalkForwardFactorModel {
  private readonly N: number;
  private readonly K: number;
  private readonly lag = FM_DEFAULTS.loadingLag;
  private readonly cols: readonly Float64Array[];
  /** Rows with a ±Infinity return, or a ±Infinity in any loading column. */
  private readonly infiniteReturnRow: Uint8Array;
  private readonly infiniteLoadingRow: Uint8Array;
  /** nonConstant[c·T + t] = 1 when loading column c has cross-sectional spread on row t. */
  private readonly nonConstant: Uint8Array;
  /** completeBefore[t·N + i] = rows < t on which ticker i has every loading (prefix counts). */
  private readonly completeBefore: Int32Array;
  private readonly sections = new Map<number, CrossSection>();
  /** The residual rows of the dates a window can use (a window spans at most `lookback` dates). */
  private readonly residuals: ResidualRing;
  /** The cached cross-sections ban no ticker. */
  private readonly noBan: Uint8Array;
  private readonly scratch: {
    idx: Int32Array;
    Bt: Float64Array;
    eRow: Float64Array;
    BtB: Float64Array;
    Btr: Float64Array;
    f: Float64Array;
    cs: CrossSectionScratch;
  };

  constructor(
    private readonly returns: Panel,
    private readonly loadings: readonly LoadingInput[],
    private readonly options: WalkForwardFactorModelOptions,
  ) {
    const N = returns.tickers.length;
    const T = returns.dates.length;
    this.N = N;
    this.K = loadings.length + 1;
    this.noBan = new Uint8Array(N);
    this.residuals = new ResidualRing(N, Math.max(1, Math.min(options.lookback, T)));
    this.cols = loadings.map((l) => l.panel.values);
    this.infiniteReturnRow = new Uint8Array(T);
    this.infiniteLoadingRow = new Uint8Array(T);
    this.nonConstant = new Uint8Array(this.cols.length * T);
    this.completeBefore = new Int32Array((T + 1) * N);
    const isInfinite = (x: number) => x - x !== 0 && !Number.isNaN(x);
    const complete = new Uint8Array(N);
    for (let t = 0; t < T; t++) {
      const o = t * N;
      for (let i = 0; i < N; i++) if (isInfinite(returns.values[o + i]!)) this.infiniteReturnRow[t] = 1;
      complete.fill(1);
      for (let c = 0; c < this.cols.length; c++) {
        const v = this.cols[c]!;
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < N; i++) {
          const x = v[o + i]!;
          if (isInfinite(x)) this.infiniteLoadingRow[t] = 1;
          if (Number.isNaN(x)) {
            complete[i] = 0;
            continue;
          }
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
        // the test of fitFamaMacBeth's constantOnEveryDate, one date at a time, with no banned ticker
        if (hi - lo > 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi))) this.nonConstant[c * T + t] = 1;
      }
      const next = (t + 1) * N;
      for (let i = 0; i < N; i++) this.completeBefore[next + i] = this.completeBefore[o + i]! + complete[i]!;
    }
    const K = this.K;
    this.scratch = {
      idx: new Int32Array(N),
      Bt: new Float64Array(N * (K + 1)),
      eRow: new Float64Array(N),
      BtB: new Float64Array(K * K),
      Btr: new Float64Array(K),
      f: new Float64Array(K),
      cs: new CrossSectionScratch(K),
    };
  }

  /** The model as of row `end`: the same result as fitFamaMacBeth with this lookback and these limits. */
  fit(end: number): FamaMacBethResult {
    const o = this.options;
    const full = () =>
      fitFamaMacBeth(this.returns, this.loadings, {
        end,
        lookback: o.lookback,
        minDates: o.minDates,
        minTickers: o.minTickers,
      });
    const { N, K, lag } = this;
    const T = this.returns.dates.length;
    const start = Math.max(lag, end - o.lookback + 1);
    if (this.loadings.length === 0 || end - start + 1 < o.minDates || end >= T) return full();
    // The window's malformed tickers and dropped columns, as fitFamaMacBeth would find them.
    for (let t = start; t <= end; t++) if (this.infiniteReturnRow[t]) return full();
    for (let t = Math.min(start - lag, end); t <= end; t++) if (this.infiniteLoadingRow[t]) return full();
    for (let c = 0; c < this.cols.length; c++) {
      let spread = false;
      for (let t = start - lag; t <= end - lag && !spread; t++) spread = this.nonConstant[c * T + t] === 1;
      if (!spread) return full();
    }
    let carrying = 0;
    const a = (start - lag) * N;
    const b = (end - lag + 1) * N;
    for (let i = 0; i < N; i++) if (this.completeBefore[b + i]! > this.completeBefore[a + i]!) carrying++;
    if (carrying < o.minTickers) return full();

    for (const t of this.sections.keys()) if (t < start) this.sections.delete(t);
    const fHat = new Float64Array((end - start + 1) * K);
    const validDates: string[] = [];
    const skippedDates: SkippedDate[] = [];
    const validRows: number[] = [];
    for (let t = start; t <= end; t++) {
      const cs = this.crossSection(t);
      if (!cs.ok) {
        skippedDates.push(cs.skip);
        continue;
      }
      fHat.set(cs.f, validDates.length * K);
      validDates.push(this.returns.dates[t]!);
      validRows.push(t);
    }
    const { epsSum, epsSumSq, epsCount } = this.residuals.moments(validRows);
    let withOwnD = 0;
    for (let i = 0; i < N; i++) if (epsCount[i]! >= FM_DEFAULTS.minSpecificObs) withOwnD++;
    if (validDates.length < Math.max(2, FM_DEFAULTS.minSpecificObs) || withOwnD === 0) return full();
    const { model, tickersWithoutLoadings } = assembleFactorModel({
      asOf: this.returns.dates[end]!,
      factors: ['intercept', ...this.loadings.map((l) => l.name)],
      tickers: this.returns.tickers,
      asOfLoadings: this.cols,
      asOfOffset: end * N,
      banned: new Uint8Array(N),
      fHat: fHat.subarray(0, validDates.length * K),
      validDates,
      skippedDates,
      epsSum,
      epsSumSq,
      epsCount,
      minSpecificObs: FM_DEFAULTS.minSpecificObs,
    });
    return {
      status: 'ok',
      model,
      diagnostics: {
        returnDates: end - start + 1,
        validDates: validDates.length,
        tickersWithAllLoadings: carrying,
        droppedFactors: [],
        malformedTickers: [],
        tickersWithoutLoadings,
      },
    };
  }

  /** Date t's regression (fitFamaMacBeth's per-date loop with no banned ticker), computed once. */
  private crossSection(t: number): CrossSection {
    const cached = this.sections.get(t);
    // (a date left behind by a later window may have lost its residual row to a newer date)
    if (cached && (!cached.ok || this.residuals.holds(t))) return cached;
    const { N, K, lag } = this;
    const { idx, Bt, eRow, BtB, Btr, f, cs } = this.scratch;
    const n = gatherCompleteAssets(
      N,
      this.returns.values,
      t * N,
      this.cols,
      (t - lag) * N,
      this.noBan,
      idx,
      Bt,
    );
    const date = this.returns.dates[t]!;
    let out: CrossSection;
    if (n < Math.max(FM_DEFAULTS.minAssetsPerDate, 2 * K)) {
      out = { ok: false, skip: { date, reason: 'too-few-assets', assets: n, condition: Number.NaN } };
    } else {
      normalEquations(n, K, Bt, N, BtB, Btr);
      const fit = solveCrossSection(n, K, BtB, Btr, FM_DEFAULTS.maxCondition, f, cs);
      if (!fit.ok) {
        out = { ok: false, skip: { date, reason: fit.reason!, assets: n, condition: fit.condition } };
      } else {
        crossSectionResiduals(n, K, Bt, N, f, eRow);
        const { e, entered } = this.residuals.row(t);
        for (let s = 0; s < n; s++) {
          e[idx[s]!] = eRow[s]!;
          entered[idx[s]!] = 1;
        }
        out = { ok: true, f: f.slice(0, K) };
      }
    }
    this.sections.set(t, out);
    return out;
  }
}
