/**
 * Calibration diagnostics: reliability table (equal-width probability bins), Brier score and log loss before
 * and after calibration. Empty bins report NaN means (never 0, methods.md §0).
 */
import { InvalidInputError } from '../../core/errors.ts';
import { checkProbLabels, multiclassLogLossKernel } from '../validation/metrics.ts';

export interface ReliabilityBin {
  /** Bin [lower, upper); the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin (NaN if empty). */
  readonly meanPredicted: number;
  /** Observed frequency of the event in the bin (NaN if empty). */
  readonly observedFrequency: number;
}

/** Reliability table of binary forecasts p ∈ [0, 1] against outcomes o ∈ {0, 1}, `bins` equal-width bins. */
export function reliabilityTable(
  p: ArrayLike<number>,
  outcome: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  if (p.length !== outcome.length)
    throw new InvalidInputError(`${p.length} forecasts and ${outcome.length} outcomes`);
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new InvalidInputError(`bins must be an integer ≥ 1, got ${bins}`);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumO = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1))
      throw new InvalidInputError(`forecast ${v} is not a probability`, { where: { row: i } });
    const b = Math.min(bins - 1, Math.floor(v * bins));
    count[b]!++;
    sumP[b]! += v;
    sumO[b]! += outcome[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    meanPredicted: count[b]! > 0 ? sumP[b]! / count[b]! : Number.NaN,
    observedFrequency: count[b]! > 0 ? sumO[b]! / count[b]! : Number.NaN,
  }));
}

/** Multi-class Brier score (1/n) Σ_i Σ_k (P_ik − 1{y_i = k})²; NaN when n = 0. */
export function brierScoreMulticlass(P: Float64Array, y: ArrayLike<number>, K: number): number {
  checkProbLabels(P, y, K);
  const n = y.length;
  if (n === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const d = P[i * K + k]! - (y[i] === k ? 1 : 0);
      s += d * d;
    }
  }
  return s / n;
}

export interface CalibrationReport {
  readonly brierBefore: number;
  readonly brierAfter: number;
  readonly logLossBefore: number;
  readonly logLossAfter: number;
  /** Top-class confidence against correctness, before and after. */
  readonly reliabilityBefore: ReliabilityBin[];
  readonly reliabilityAfter: ReliabilityBin[];
}

/** Confidence (max probability) and whether the argmax class was right, per row. */
export function confidenceAndCorrect(
  P: Float64Array,
  y: ArrayLike<number>,
  K: number,
): { confidence: Float64Array; correct: Uint8Array } {
  const n = y.length;
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + b]!) b = k;
    confidence[i] = P[i * K + b]!;
    correct[i] = b === y[i] ? 1 : 0;
  }
  return { confidence, correct };
}

/** Brier score, log loss and top-class reliability tables of uncalibrated vs calibrated probabilities. */
export function calibrationReport(
  before: Float64Array,
  after: Float64Array,
  y: ArrayLike<number>,
  K: number,
  bins = 10,
): CalibrationReport {
  checkProbLabels(before, y, K);
  checkProbLabels(after, y, K);
  const a = confidenceAndCorrect(before, y, K);
  const b = confidenceAndCorrect(after, y, K);
  return {
    brierBefore: brierScoreMulticlass(before, y, K),
    brierAfter: brierScoreMulticlass(after, y, K),
    logLossBefore: multiclassLogLossKernel(before, y, y.length, K),
    logLossAfter: multiclassLogLossKernel(after, y, y.length, K),
    reliabilityBefore: reliabilityTable(a.confidence, a.correct, bins),
    reliabilityAfter: reliabilityTable(b.confidence, b.correct, bins),
  };
}
