/**
 * Signal weighting as of a date (methods.md §4, Appendix A item 11): only ICs already resolved at the
 * as-of date enter — the IC of date s uses returns up to s + d + h, so it is known at s + d + h — which
 * lets a backtest call this at every rebalance without look-ahead. The series are aligned on the dates
 * where every included signal has an IC (not seed 002's "last min_len values of each"), signed by their
 * mean IC, standardised, shrunk (Ledoit–Wolf or OAS) and weighted by maximum IC-Sharpe on the simplex.
 * Called at the last date it gives the full-sample weights, which are in-sample.
 */
import { InvalidInputError } from '../core/errors.ts';
import { effectiveNumber, type ShrinkageMethod } from '../stats/index.ts';
import { standardisedShrunkCorrelation, undefinedCorrelation } from '../stats/shrinkage.ts';
import { maxSharpeSimplexWeights } from './simplex-weights.ts';

/** Daily IC series of several signals at one horizon. */
export interface IcSeriesSet {
  readonly names: readonly string[];
  readonly dates: readonly string[];
  readonly horizon: number;
  readonly executionDelay: number;
  /** One per name, each of length dates.length; NaN where no IC. */
  readonly series: readonly Float64Array[];
}

export interface SignalWeightOptions {
  /** Date index of the decision; ICs of dates s with s + d + h ≤ asOf are used. Default: the last date. */
  readonly asOf?: number;
  readonly shrinkage?: ShrinkageMethod;
  /** Minimum common dates (and resolved ICs per signal); default 60. */
  readonly minObs?: number;
  /** Names to leave out (e.g. exact duplicates of another signal). */
  readonly exclude?: ReadonlySet<string>;
}

export interface SignalWeights {
  readonly asOf: number;
  readonly asOfDate: string;
  readonly horizon: number;
  /** True when every IC of the sample was used (asOf at the end): the weights are in-sample. */
  readonly inSample: boolean;
  readonly names: readonly string[];
  /** Signed weights w_j·sign(mean IC_j) with Σ|w| = 1; 0 for signals left out. Empty sum → all 0. */
  readonly weights: Float64Array;
  /** Names that entered the optimisation. */
  readonly included: readonly string[];
  /** Per name: ICIR over the common dates (NaN if not included). */
  readonly icir: Float64Array;
  readonly shrinkage: { readonly method: ShrinkageMethod; readonly intensity: number };
  /** Number of common dates and their range. */
  readonly commonDates: number;
  /** IC-Sharpe μ′w/√(w′C̃w) per bet and annualised ×√(252/h). */
  readonly sharpe: number;
  readonly sharpeAnn: number;
  /** exp(−Σ p ln p) of the weights (methods.md §4, R4.4). */
  readonly effectiveN: number;
  /** True when no signal had positive |ICIR| (equal weights) or too little history (all 0). */
  readonly fallback: boolean;
  readonly notes: readonly string[];
}

function emptyWeights(set: IcSeriesSet, asOf: number, method: ShrinkageMethod, note: string): SignalWeights {
  const M = set.names.length;
  return {
    asOf,
    asOfDate: set.dates[asOf] ?? '',
    horizon: set.horizon,
    inSample: asOf >= set.dates.length - 1,
    names: set.names,
    weights: new Float64Array(M),
    included: [],
    icir: new Float64Array(M).fill(Number.NaN),
    shrinkage: { method, intensity: Number.NaN },
    commonDates: 0,
    sharpe: Number.NaN,
    sharpeAnn: Number.NaN,
    effectiveN: Number.NaN,
    fallback: true,
    notes: [note],
  };
}

/**
 * What every as-of date reads of one set, computed once: which ICs are NaN (a bit per series and date) and
 * how many ICs each series has before each date. The as-of weightings of a walk-forward share it.
 */
class IcSeriesIndex {
  readonly words: number;
  /** nan[t·words + ⌊j/32⌋] has bit j mod 32 set when series j has no IC on date t. */
  readonly nan: Uint32Array;
  /** countBefore[t·M + j] = non-NaN ICs of series j on dates < t. */
  readonly countBefore: Int32Array;

  constructor(set: IcSeriesSet) {
    const T = set.dates.length;
    const M = set.names.length;
    if (set.series.length !== M || set.series.some((s) => s.length !== T)) {
      throw new InvalidInputError(`IC series must be ${M} arrays of length ${T}`, {
        where: { field: 'series' },
      });
    }
    const W = Math.ceil(M / 32);
    this.words = W;
    this.nan = new Uint32Array(T * W);
    this.countBefore = new Int32Array((T + 1) * M);
    for (let j = 0; j < M; j++) {
      const s = set.series[j]!;
      const bit = 1 << (j & 31);
      const word = j >> 5;
      let c = 0;
      for (let t = 0; t < T; t++) {
        if (Number.isNaN(s[t]!)) this.nan[t * W + word]! |= bit;
        else c++;
        this.countBefore[(t + 1) * M + j] = c;
      }
    }
  }
}

function checkAsOf(asOf: number, T: number): void {
  if (!Number.isInteger(asOf) || asOf < 0 || asOf >= T) {
    throw new InvalidInputError(`asOf must be a date index in [0, ${T}), got ${asOf}`, {
      where: { field: 'asOf' },
    });
  }
}

/** Signal weights from the ICs resolved at date index `asOf`. */
export function signalWeightsAsOf(set: IcSeriesSet, options: SignalWeightOptions = {}): SignalWeights {
  const asOf = options.asOf ?? set.dates.length - 1;
  checkAsOf(asOf, set.dates.length);
  return weightsFromIndex(set, new IcSeriesIndex(set), asOf, options);
}

function weightsFromIndex(
  set: IcSeriesSet,
  index: IcSeriesIndex,
  asOf: number,
  options: SignalWeightOptions,
): SignalWeights {
  const T = set.dates.length;
  const M = set.names.length;
  const method = options.shrinkage ?? 'ledoit-wolf';
  const minObs = options.minObs ?? 60;
  // Last IC date whose label is fully known at the close of asOf; the resolved dates are [0, resolved).
  const resolved = Math.max(0, asOf - set.executionDelay - set.horizon + 1);
  const notes: string[] = [];
  const counts = new Int32Array(M);
  for (let j = 0; j < M; j++)
    counts[j] = options.exclude?.has(set.names[j]!) ? 0 : index.countBefore[resolved * M + j]!;
  let members = [...Array(M).keys()].filter((j) => counts[j]! >= minObs);
  const W = index.words;
  const nan = index.nan;
  const mask = new Uint32Array(W);
  const common = new Int32Array(resolved);
  let n = 0;
  for (;;) {
    mask.fill(0);
    for (const j of members) mask[j >> 5]! |= 1 << (j & 31);
    n = 0;
    for (let t = 0; t < resolved; t++) {
      let clash = 0;
      for (let w = 0; w < W; w++) clash |= nan[t * W + w]! & mask[w]!;
      if (clash === 0) common[n++] = t;
    }
    if (n >= minObs || members.length === 0) break;
    // Too few common dates: drop the member with the shortest IC history (the latest starter), then retry.
    let drop = members[0]!;
    for (const j of members)
      if (counts[j]! < counts[drop]! || (counts[j] === counts[drop] && j > drop)) drop = j;
    notes.push(
      `${set.names[drop]} left out: too few IC dates in common with the others as of ${set.dates[asOf]}`,
    );
    members = members.filter((j) => j !== drop);
  }
  if (members.length === 0)
    return emptyWeights(set, asOf, method, `fewer than ${minObs} resolved IC dates as of ${set.dates[asOf]}`);
  const icir = new Float64Array(M).fill(Number.NaN);
  const sign = new Float64Array(M);
  const meanOf = new Float64Array(M);
  const ssOf = new Float64Array(M);
  for (const j of members) {
    const s = set.series[j]!;
    let mean = 0;
    for (let r = 0; r < n; r++) mean += s[common[r]!]!;
    mean /= n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (s[common[r]!]! - mean) ** 2;
    meanOf[j] = mean;
    ssOf[j] = ss;
    const sd = Math.sqrt(ss / (n - 1));
    icir[j] = sd > 1e-12 ? mean / sd : Number.NaN;
    sign[j] = mean > 0 ? 1 : mean < 0 ? -1 : 0;
  }
  const constant = members.filter((j) => Number.isNaN(icir[j]!) || sign[j] === 0);
  for (const j of constant) notes.push(`${set.names[j]} left out: constant or zero-mean IC series`);
  members = members.filter((j) => !constant.includes(j));
  if (members.length === 0) return emptyWeights(set, asOf, method, 'no signal with a usable IC series');
  const K = members.length;
  // The shrunk correlation of the signed series x = sign·s (a negatively predictive signal enters with its
  // sign flipped, its correlations too), standardised here as shrunkCorrelation would: no member has a
  // non-finite IC on the common dates (it would have made its ICIR NaN), so every row is complete, and
  // negation is exact, so x's mean is sign·mean(s) and its sum of squared deviations is s's, to the bit.
  const Z = new Float64Array(n * K);
  let defined = n >= 2;
  members.forEach((j, c) => {
    const s = set.series[j]!;
    const sg = sign[j]!;
    const mean = sg * meanOf[j]!;
    const sd = Math.sqrt(ssOf[j]! / n);
    if (!(sd > 1e-12)) defined = false;
    for (let r = 0; r < n; r++) Z[r * K + c] = (sg * s[common[r]!]! - mean) / sd;
  });
  const shrunk = defined ? standardisedShrunkCorrelation(Z, n, K, method) : undefinedCorrelation(n, K);
  const mu = Float64Array.from(members, (j) => Math.abs(icir[j]!));
  const sw = maxSharpeSimplexWeights(mu, shrunk.shrunk);
  const weights = new Float64Array(M);
  members.forEach((j, c) => {
    weights[j] = sign[j]! * sw.weights[c]!;
  });
  if (sw.fallback) notes.push('no signal has a positive |ICIR|: equal weights');
  return {
    asOf,
    asOfDate: set.dates[asOf]!,
    horizon: set.horizon,
    inSample: asOf >= T - 1,
    names: set.names,
    weights,
    included: members.map((j) => set.names[j]!),
    icir,
    shrinkage: { method, intensity: shrunk.intensity },
    commonDates: n,
    sharpe: sw.sharpe,
    sharpeAnn: sw.sharpe * Math.sqrt(252 / set.horizon),
    effectiveN: effectiveNumber(sw.weights),
    fallback: sw.fallback,
    notes,
  };
}

export interface HorizonChoice {
  readonly horizon: number;
  /** Weights at the chosen horizon. */
  readonly weights: SignalWeights;
  /** Annualised IC-Sharpe of the optimal combination per horizon (NaN when not computable). */
  readonly scores: readonly { readonly horizon: number; readonly sharpeAnn: number }[];
}

/**
 * The horizon whose optimal signal combination has the highest annualised IC-Sharpe SR*·√(252/h), using
 * only ICs resolved at `asOf` for every horizon (seed 002 picks each signal's best horizon on the full
 * sample, which is look-ahead). Ties go to the shorter horizon.
 */
export function chooseHorizonAsOf(
  sets: readonly IcSeriesSet[],
  options: SignalWeightOptions = {},
): HorizonChoice {
  if (sets.length === 0)
    throw new InvalidInputError('no horizons to choose from', { where: { field: 'horizons' } });
  return bestHorizon(sets.map((s) => signalWeightsAsOf(s, options)));
}

/**
 * `chooseHorizonAsOf` at each of several as-of dates (a walk-forward's rebalances): the same choices as one
 * call per date, with each set's NaN pattern and IC counts computed once instead of once per date.
 */
export function chooseHorizonsAsOf(
  sets: readonly IcSeriesSet[],
  asOfs: readonly number[],
  options: Omit<SignalWeightOptions, 'asOf'> = {},
): HorizonChoice[] {
  if (sets.length === 0)
    throw new InvalidInputError('no horizons to choose from', { where: { field: 'horizons' } });
  const indices = sets.map((s) => new IcSeriesIndex(s));
  return asOfs.map((asOf) =>
    bestHorizon(
      sets.map((s, k) => {
        checkAsOf(asOf, s.dates.length);
        return weightsFromIndex(s, indices[k]!, asOf, options);
      }),
    ),
  );
}

function bestHorizon(all: readonly SignalWeights[]): HorizonChoice {
  let best = 0;
  all.forEach((w, k) => {
    const b = all[best]!;
    const better = Number.isNaN(b.sharpeAnn)
      ? !Number.isNaN(w.sharpeAnn)
      : w.sharpeAnn > b.sharpeAnn || (w.sharpeAnn === b.sharpeAnn && w.horizon < b.horizon);
    if (better && !w.fallback) best = k;
  });
  return {
    horizon: all[best]!.horizon,
    weights: all[best]!,
    scores: all.map((w) => ({ horizon: w.horizon, sharpeAnn: w.sharpeAnn })),
  };
}
