/**
 * The monitor's input for MLSignalStrategy on a universe: the active model replays its predictions on the
 * point-in-time feature rows of each recent decision date s (features at s use data ≤ s only), outcomes are
 * the realised h-day forward returns over bars s + d + 1 … s + d + h (methods.md §1), known from bar s + d + h,
 * the strategy's daily gross returns come from its position book (weights decided at s earn from s + d + 1),
 * and PSI compares the whitelisted features on the date with their values over the training range.
 */
import { addBusinessDays } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import { requirePanel, type Universe } from '../core/universe.ts';
import { type FeatureSet, featureMatrixAt } from '../ml/features/feature-set.ts';
import type { MLSignalStrategy } from '../ml/strategy/strategy.ts';
import {
  DOWN,
  FLAT,
  subtractCrossSectionalMeanInPlace,
  TARGET_TOLERANCE,
  type TargetKind,
  UP,
} from '../ml/target.ts';
import type { DeployedModel, DriftInput, FeatureSample, PredictionBatch } from './types.ts';

export interface UniverseSourceOptions {
  readonly strategyId: string;
  /** Index of the monitored date D in the universe. */
  readonly dateIndex: number;
  /** Prediction horizon h (ml.prediction_horizon) and execution delay d (research.execution_delay). */
  readonly horizon: number;
  readonly delay: number;
  /** Class thresholds (ml.up_threshold, ml.down_threshold), as the training labels. */
  readonly upThreshold: number;
  readonly downThreshold: number;
  /**
   * The training target (ml.target): `market_relative` classes the realised return minus the equal-weighted
   * cross-sectional mean of the same window (src/ml/target.ts); default `absolute`.
   */
  readonly target?: TargetKind;
  /** Decision dates replayed before D (they feed IC, accuracy and the strategy returns); default 80. */
  readonly lookback?: number;
  /** Training range of the model (inclusive date indices) for the PSI baseline; null = no baseline. */
  readonly baselineRange: readonly [number, number] | null;
  /** Baseline rows are taken every this many bars; default 1. */
  readonly baselineEvery?: number;
  /** Days (ending at D) pooled into the current PSI sample; default 1. */
  readonly psiDays?: number;
  readonly model: DeployedModel | null;
}

/** Predicted class of a probability row (ties to the lower class, as MLSignalStrategy). */
function argmax3(P: Float64Array, i: number): number {
  let c = DOWN;
  if (P[3 * i + FLAT]! > P[3 * i + c]!) c = FLAT;
  if (P[3 * i + UP]! > P[3 * i + c]!) c = UP;
  return c;
}

/** Builds the DriftInput of D (see the file comment). */
export function universeDriftInput(
  u: Universe,
  fs: FeatureSet,
  strategy: MLSignalStrategy,
  o: UniverseSourceOptions,
): DriftInput {
  const T = u.dates.length;
  const N = u.tickers.length;
  const t = o.dateIndex;
  if (!(Number.isInteger(t) && t >= 0 && t < T))
    throw new InvalidInputError(`date index ${t} is outside the universe (0…${T - 1})`);
  const close = requirePanel(u, 'close').values;
  const { horizon: h, delay: d } = o;
  const names = strategy.bundle.whitelist.names;
  const tickerIndex = Int32Array.from({ length: N }, (_, i) => i);
  const s0 = Math.max(0, t - (o.lookback ?? 80));

  const predictions: PredictionBatch[] = [];
  const book = strategy.positionBook(u.tickers);
  const weights: Float64Array[] = [];
  for (let s = s0; s <= t; s++) {
    const X = featureMatrixAt(fs, new Int32Array(N).fill(s), tickerIndex, names);
    const P = strategy.predictProba(X);
    const signals = strategy.signalsFromProbabilities(u.dates[s]!, u.tickers, P);
    weights.push(Float64Array.from(book.update(s, signals)));
    const e = s + d + h;
    const resolved = e <= t;
    const score = new Float64Array(N);
    const predictedClass = new Float64Array(N);
    const realisedReturn = new Float64Array(N).fill(Number.NaN);
    const realisedClass = new Float64Array(N).fill(Number.NaN);
    for (let i = 0; i < N; i++) {
      const up = P[3 * i + UP]!;
      const down = P[3 * i + DOWN]!;
      score[i] = up - down;
      predictedClass[i] = Number.isNaN(up) ? Number.NaN : argmax3(P, i);
      if (!resolved) continue;
      const R = close[e * N + i]! / close[(s + d) * N + i]! - 1;
      if (!Number.isFinite(R)) continue;
      realisedReturn[i] = R;
    }
    // The realised class is cut from the return the model was trained to predict (ml.target).
    if (resolved && o.target === 'market_relative') subtractCrossSectionalMeanInPlace(realisedReturn, 1, N);
    for (let i = 0; i < N; i++) {
      const R = realisedReturn[i]!;
      if (Number.isNaN(R)) continue;
      realisedClass[i] =
        R - o.upThreshold > TARGET_TOLERANCE ? UP : R - o.downThreshold < -TARGET_TOLERANCE ? DOWN : FLAT;
    }
    predictions.push({
      date: u.dates[s]!,
      horizon: h,
      resolvesOn: e < T ? u.dates[e]! : addBusinessDays(u.dates[T - 1]!, e - (T - 1)),
      score,
      predictedClass,
      realisedReturn,
      realisedClass,
    });
  }

  // Gross daily return of the book: weights decided at s earn the returns of bar s + d + 1. A held name
  // with a missing return contributes nothing that day (the final linear step, methods.md §0).
  const dates: string[] = [];
  const values: number[] = [];
  for (let v = s0 + d + 1; v <= t; v++) {
    const w = weights[v - d - 1 - s0]!;
    let r = 0;
    for (let i = 0; i < N; i++) {
      if (w[i] === 0) continue;
      const ri = close[v * N + i]! / close[(v - 1) * N + i]! - 1;
      if (Number.isFinite(ri)) r += w[i]! * ri;
    }
    dates.push(u.dates[v]!);
    values.push(r);
  }

  const features: FeatureSample[] = [];
  const every = o.baselineEvery ?? 1;
  const psiDays = Math.max(1, o.psiDays ?? 1);
  const pos = new Map(fs.names.map((n, j) => [n, j] as const));
  for (const name of names) {
    const col = fs.columns[pos.get(name)!]!;
    const baseline: number[] = [];
    if (o.baselineRange)
      for (let s = o.baselineRange[0]; s <= o.baselineRange[1]; s += every)
        for (let i = 0; i < N; i++) baseline.push(col[s * N + i]!);
    const from = Math.max(0, t - psiDays + 1);
    const current = col.slice(from * N, (t + 1) * N);
    features.push({ name, baseline: Float64Array.from(baseline), current });
  }

  return {
    date: u.dates[t]!,
    strategyId: o.strategyId,
    predictions,
    returns: { dates, values: Float64Array.from(values) },
    features,
    model: o.model,
  };
}
