/**
 * Signal weighting as of a date (methods.md §4, Appendix A item 11): only ICs already resolved at the
 * as-of date enter — the IC of date s uses returns up to s + d + h, so it is known at s + d + h — which
 * lets a backtest call this at every rebalance without look-ahead. The series are aligned on the dates
 * where every included signal has an IC (not seed 002's "last min_len values of each"), signed by their
 * mean IC, standardised, shrunk (Ledoit–Wolf or OAS) and weighted by maximum IC-Sharpe on the simplex.
 * Called at the last date it gives the full-sample weights, which are in-sample.
 */
import { InvalidInputError } from '../core/errors.ts';
import { effectiveNumber, type ShrinkageMethod, shrunkCorrelation } from '../stats/index.ts';
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

/** Signal weights from the ICs resolved at date index `asOf`. */
export function signalWeightsAsOf(set: IcSeriesSet, options: SignalWeightOptions = {}): SignalWeights {
  const T = set.dates.length;
  const M = set.names.length;
  const asOf = options.asOf ?? T - 1;
  const method = options.shrinkage ?? 'ledoit-wolf';
  const minObs = options.minObs ?? 60;
  if (!Number.isInteger(asOf) || asOf < 0 || asOf >= T) {
    throw new InvalidInputError(`asOf must be a date index in [0, ${T}), got ${asOf}`, {
      where: { field: 'asOf' },
    });
  }
  if (set.series.length !== M || set.series.some((s) => s.length !== T)) {
    throw new InvalidInputError(`IC series must be ${M} arrays of length ${T}`, {
      where: { field: 'series' },
    });
  }
  // Last IC date whose label is fully known at the close of asOf.
  const lastResolved = asOf - set.executionDelay - set.horizon;
  const notes: string[] = [];
  const counts = set.series.map((s, j) => {
    if (options.exclude?.has(set.names[j]!)) return 0;
    let c = 0;
    for (let t = 0; t <= lastResolved; t++) if (!Number.isNaN(s[t]!)) c++;
    return c;
  });
  let members = [...Array(M).keys()].filter((j) => counts[j]! >= minObs);
  let common: number[] = [];
  for (;;) {
    common = [];
    for (let t = 0; t <= lastResolved; t++)
      if (members.every((j) => !Number.isNaN(set.series[j]![t]!))) common.push(t);
    if (common.length >= minObs || members.length === 0) break;
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
  const n = common.length;
  const icir = new Float64Array(M).fill(Number.NaN);
  const sign = new Float64Array(M);
  for (const j of members) {
    const s = set.series[j]!;
    let mean = 0;
    for (const t of common) mean += s[t]!;
    mean /= n;
    let ss = 0;
    for (const t of common) ss += (s[t]! - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    icir[j] = sd > 1e-12 ? mean / sd : Number.NaN;
    sign[j] = mean > 0 ? 1 : mean < 0 ? -1 : 0;
  }
  const constant = members.filter((j) => Number.isNaN(icir[j]!) || sign[j] === 0);
  for (const j of constant) notes.push(`${set.names[j]} left out: constant or zero-mean IC series`);
  members = members.filter((j) => !constant.includes(j));
  if (members.length === 0) return emptyWeights(set, asOf, method, 'no signal with a usable IC series');
  const K = members.length;
  // Signed series, so a negatively predictive signal enters with its sign flipped (its correlations too).
  const X = new Float64Array(n * K);
  common.forEach((t, r) => {
    members.forEach((j, c) => {
      X[r * K + c] = sign[j]! * set.series[j]![t]!;
    });
  });
  const shrunk = shrunkCorrelation(X, n, K, method);
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
  const all = sets.map((s) => signalWeightsAsOf(s, options));
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
