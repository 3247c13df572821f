/**
 * The day's drift metrics of one strategy (seed 004 §4 with its defects fixed, methods.md §8, §9.8, §9.9):
 * rank IC of resolved predictions, its 5-batch mean, PSI per feature against the training baseline with the
 * minimum-sample rule, rolling Sharpe with Lo's standard error, rolling accuracy against the majority-class
 * rate, and the model's age. Every statistic comes from src/stats; degenerate input gives NaN, never 0.
 */

import { closeTime, isIsoDate, lastIndexAtOrBefore } from '../core/calendar.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { accuracyOfLastResolved } from '../stats/accuracy.ts';
import { rankIC } from '../stats/correlation.ts';
import { rollingSharpe } from '../stats/performance.ts';
import { psi } from '../stats/psi.ts';
import type { DriftInput, DriftMetrics, FeaturePsi, PredictionBatch, StrategyReturns } from './types.ts';

export interface DriftMetricOptions {
  /** Minimum n_a (and n_e) for a PSI to be alert-eligible (methods.md §9.8); config monitor.psi_min_samples. */
  readonly psiMinSamples: number;
  /** N of the rolling accuracy (methods.md §9.9); config monitor.accuracy_window. */
  readonly accuracyWindow: number;
  /** Rolling Sharpe windows in bars; default [5, 20, 63]. */
  readonly sharpeWindows: readonly number[];
  /** Minimum names with both a score and a realised return for a rank IC; default 20. */
  readonly icMinCount: number;
  /** Batches in the IC average; default 5. */
  readonly icAverageBatches: number;
}

export const DEFAULT_DRIFT_METRIC_OPTIONS: DriftMetricOptions = Object.freeze({
  psiMinSamples: 500,
  accuracyWindow: 100,
  sharpeWindows: Object.freeze([5, 20, 63]),
  icMinCount: 20,
  icAverageBatches: 5,
});

export function driftMetricOptionsFromConfig(
  config: AlphalabConfig,
  overrides: Partial<DriftMetricOptions> = {},
): DriftMetricOptions {
  return {
    ...DEFAULT_DRIFT_METRIC_OPTIONS,
    psiMinSamples: config.monitor.psi_min_samples,
    accuracyWindow: config.monitor.accuracy_window,
    ...overrides,
  };
}

const DAY_MS = 86_400_000;

function checkBatch(b: PredictionBatch, k: number): void {
  const n = b.score.length;
  if (!isIsoDate(b.date) || !isIsoDate(b.resolvesOn))
    throw new InvalidInputError(`prediction batch ${k} has dates '${b.date}' / '${b.resolvesOn}'`, {
      where: { row: k },
    });
  if (!(b.resolvesOn > b.date))
    throw new InvalidInputError(`prediction batch ${k} resolves on ${b.resolvesOn}, not after ${b.date}`, {
      where: { row: k, date: b.date },
    });
  for (const [name, a] of [
    ['predictedClass', b.predictedClass],
    ['realisedReturn', b.realisedReturn],
    ['realisedClass', b.realisedClass],
  ] as const) {
    if (a.length !== n)
      throw new InvalidInputError(`prediction batch ${k}: ${name} has ${a.length} names, score has ${n}`, {
        where: { row: k, date: b.date, field: name },
      });
  }
}

/** Batches resolved by D (resolvesOn ≤ D), ordered by resolution then decision date. */
export function resolvedBatches(batches: readonly PredictionBatch[], date: string): PredictionBatch[] {
  return batches
    .filter((b) => b.resolvesOn <= date)
    .sort((a, b) =>
      a.resolvesOn < b.resolvesOn ? -1 : a.resolvesOn > b.resolvesOn ? 1 : a.date < b.date ? -1 : 1,
    );
}

/**
 * Accuracy of the last N resolved predictions (stats.accuracyOfLastResolved over the batches flattened in
 * (resolution, name) order) and the majority-class rate of the same N outcomes: the accuracy of always
 * predicting the window's most frequent class, the bar methods.md §9.9 asks to beat.
 */
export function accuracyAgainstMajority(
  resolved: readonly PredictionBatch[],
  window: number,
): { accuracy: number; majorityRate: number; count: number } {
  // Only the newest batches that hold the last N resolved pairs are flattened.
  let need = window;
  let first = resolved.length;
  while (first > 0 && need > 0) {
    first--;
    const b = resolved[first]!;
    for (let i = 0; i < b.score.length; i++)
      if (!Number.isNaN(b.predictedClass[i]!) && !Number.isNaN(b.realisedClass[i]!)) need--;
  }
  const tail = resolved.slice(first);
  const len = tail.reduce((s, b) => s + b.score.length, 0);
  const pred = new Float64Array(len);
  const out = new Float64Array(len);
  let o = 0;
  for (const b of tail) {
    pred.set(b.predictedClass, o);
    out.set(b.realisedClass, o);
    o += b.score.length;
  }
  const accuracy = len === 0 ? Number.NaN : accuracyOfLastResolved(pred, out, window);
  const classCount = new Map<number, number>();
  let count = 0;
  for (let t = len - 1; t >= 0 && count < window; t--) {
    if (Number.isNaN(pred[t]!) || Number.isNaN(out[t]!)) continue;
    count++;
    classCount.set(out[t]!, (classCount.get(out[t]!) ?? 0) + 1);
  }
  const majority = Math.max(0, ...classCount.values());
  return { accuracy, majorityRate: count === 0 ? Number.NaN : majority / count, count };
}

/** Annualised Sharpe of the last W returns dated ≤ D, with Lo's SE; NaN unless all W are present. */
export function sharpeAt(
  returns: StrategyReturns,
  date: string,
  window: number,
): { value: number; se: number } {
  const end = lastIndexAtOrBefore(returns.dates, date);
  if (end + 1 < window) return { value: Number.NaN, se: Number.NaN };
  const r = rollingSharpe(returns.values.subarray(end + 1 - window, end + 1), window);
  return { value: r.sharpe[window - 1]!, se: r.standardError[window - 1]! };
}

/** PSI of each feature with its sample sizes; eligible when both samples reach `minSamples`. */
export function featurePsi(features: DriftInput['features'], minSamples: number): FeaturePsi[] {
  return features.map((f) => {
    const r = psi(f.baseline, f.current, { missing: 'bin' });
    const ne = r.baselineCounts.reduce((s, v) => s + v, 0);
    const na = r.currentCounts.reduce((s, v) => s + v, 0);
    return {
      feature: f.name,
      psi: r.psi,
      baselineCount: ne,
      currentCount: na,
      eligible: !Number.isNaN(r.psi) && ne >= minSamples && na >= minSamples,
    };
  });
}

/** The mean of `xs`, NaN if any is NaN or there are fewer than `n`. */
function meanOfLast(xs: readonly number[], n: number): number {
  if (xs.length < n) return Number.NaN;
  let s = 0;
  for (let k = xs.length - n; k < xs.length; k++) s += xs[k]!;
  return s / n;
}

/** Computes the day's drift metrics from the monitor's input interface. */
export function computeDriftMetrics(
  input: DriftInput,
  options: DriftMetricOptions = DEFAULT_DRIFT_METRIC_OPTIONS,
): DriftMetrics {
  const D = input.date;
  if (!isIsoDate(D))
    throw new InvalidInputError(`'${D}' is not a date of the form yyyy-mm-dd`, { where: { date: D } });
  input.predictions.forEach(checkBatch);
  if (input.returns.dates.length !== input.returns.values.length)
    throw new InvalidInputError(
      `strategy returns have ${input.returns.dates.length} dates but ${input.returns.values.length} values`,
    );

  const resolved = resolvedBatches(input.predictions, D);
  const recent = resolved.slice(-options.icAverageBatches);
  const ics = recent.map((b) => rankIC(b.score, b.realisedReturn, options.icMinCount));
  const last = resolved.at(-1);
  const today = last !== undefined && last.resolvesOn === D ? last : undefined;
  const ic = today ? ics.at(-1)! : Number.NaN;
  let icCount = 0;
  if (today)
    for (let i = 0; i < today.score.length; i++)
      if (!Number.isNaN(today.score[i]!) && !Number.isNaN(today.realisedReturn[i]!)) icCount++;
  const ic5dAvg = meanOfLast(ics, options.icAverageBatches);

  const sharpe = options.sharpeWindows.map((w) => ({ window: w, ...sharpeAt(input.returns, D, w) }));
  const acc = accuracyAgainstMajority(resolved, options.accuracyWindow);
  const psiList = featurePsi(input.features, options.psiMinSamples);
  let psiMax = Number.NaN;
  for (const p of psiList) if (p.eligible && !(p.psi <= psiMax)) psiMax = p.psi;
  const modelAgeDays = input.model ? (closeTime(D) - input.model.createdAtMs) / DAY_MS : Number.NaN;

  const values: Record<string, number> = {
    ic,
    ic_5d_avg: ic5dAvg,
    accuracy: acc.accuracy,
    majority_rate: acc.majorityRate,
    psi: psiMax,
    model_age_days: modelAgeDays,
  };
  for (const s of sharpe) {
    values[`sharpe_${s.window}d`] = s.value;
    values[`sharpe_${s.window}d_se`] = s.se;
  }
  for (const p of psiList) values[`psi:${p.feature}`] = p.eligible ? p.psi : Number.NaN;

  return {
    date: D,
    strategyId: input.strategyId,
    ic,
    icBatchDate: today?.date ?? null,
    icCount,
    ic5dAvg,
    sharpe,
    accuracy: acc.accuracy,
    majorityRate: acc.majorityRate,
    accuracyCount: acc.count,
    psi: psiList,
    psiMax,
    modelAgeDays,
    values,
  };
}
