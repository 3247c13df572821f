/**
 * Out-of-sample classification metrics of the training pipeline (methods.md §3, §9): accuracy, log loss beside
 * the class-prior log loss of the training rows (the no-skill baseline), the Sharpe of signal-based returns and
 * the rank IC of the score P(UP) − P(DOWN).
 */

import { accuracy, argmaxRow, multiclassLogLoss } from '../ml/validation/metrics.ts';
import { rankIC } from '../stats/correlation.ts';
import type { FitSettings, LabelledRows } from './training-evaluate.ts';

export interface ClassificationMetrics {
  readonly rows: number;
  readonly accuracy: number;
  readonly log_loss: number;
  /** Log loss of predicting the training class frequencies for every row (the no-skill baseline). */
  readonly prior_log_loss: number;
  readonly sharpe: number;
  readonly signals: number;
  /**
   * Mean over decision dates of the cross-sectional rank IC of the score P(UP) − P(DOWN) against the label's
   * return (methods.md §3), and its t-statistic mean/sd·√n (iid: decision dates h bars apart do not overlap).
   * Unlike the log loss, it cannot be earned by forecasting the class frequencies of a date.
   */
  readonly rank_ic: number;
  readonly rank_ic_t: number;
}

/** Minimum stocks on a date for its rank IC. */
const IC_MIN_COUNT = 5;

/**
 * Per-date rank IC of P(UP) − P(DOWN) against R over rows grouped by date (rows of one date contiguous),
 * summarised as mean and iid t-statistic; NaN with fewer than 2 dates or a zero spread.
 */
export function scoreRankIC(
  P: Float64Array,
  R: Float64Array,
  rowDate: Int32Array,
): { mean: number; t: number; dates: number } {
  const ics: number[] = [];
  for (let a = 0; a < rowDate.length; ) {
    let b = a;
    while (b < rowDate.length && rowDate[b] === rowDate[a]) b++;
    const score = new Float64Array(b - a);
    for (let r = a; r < b; r++) score[r - a] = P[3 * r + 2]! - P[3 * r]!;
    const ic = rankIC(score, R.subarray(a, b), IC_MIN_COUNT);
    if (Number.isFinite(ic)) ics.push(ic);
    a = b;
  }
  const n = ics.length;
  if (n < 2) return { mean: n ? ics[0]! : Number.NaN, t: Number.NaN, dates: n };
  const m = ics.reduce((x, y) => x + y, 0) / n;
  const v = ics.reduce((x, y) => x + (y - m) ** 2, 0) / (n - 1);
  return { mean: m, t: v > 1e-24 ? (m / Math.sqrt(v)) * Math.sqrt(n) : Number.NaN, dates: n };
}

/** Class-prior probabilities of labels y (floored at 1e-6 and renormalised). */
export function classPriors(y: ArrayLike<number>, K = 3): Float64Array {
  const p = new Float64Array(K);
  for (let i = 0; i < y.length; i++) p[y[i]!]!++;
  let s = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.max(1e-6, p[k]! / Math.max(1, y.length));
    s += p[k]!;
  }
  for (let k = 0; k < K; k++) p[k]! /= s;
  return p;
}

/**
 * Signal-based returns: each row with top probability > threshold and class UP (DOWN) earns +R (−R); per
 * decision date the equal-weighted mean over its signalled rows (dates without a signal are skipped). Sharpe
 * = mean/sd (ddof 1) × √(252/Δ) with Δ the spacing of decision dates; NaN with fewer than 2 dates or sd ≤ 1e-12.
 */
export function signalSharpe(
  P: Float64Array,
  R: Float64Array,
  rowDate: Int32Array,
  threshold: number,
  spacing: number,
): { sharpe: number; signals: number; periods: number } {
  const byDate = new Map<number, { s: number; n: number }>();
  let signals = 0;
  for (let r = 0; r < rowDate.length; r++) {
    const c = argmaxRow(P, r, 3);
    if (c === 1 || !(P[r * 3 + c]! > threshold) || !Number.isFinite(R[r]!)) continue;
    const e = byDate.get(rowDate[r]!) ?? { s: 0, n: 0 };
    e.s += c === 2 ? R[r]! : -R[r]!;
    e.n++;
    signals++;
    byDate.set(rowDate[r]!, e);
  }
  const x = [...byDate.values()].map((e) => e.s / e.n);
  if (x.length < 2) return { sharpe: Number.NaN, signals, periods: x.length };
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
  const sharpe = v > 1e-24 ? (m / Math.sqrt(v)) * Math.sqrt(252 / spacing) : Number.NaN;
  return { sharpe, signals, periods: x.length };
}

/**
 * Accuracy, log loss, the no-skill log loss and the signal Sharpe of probabilities P on `rows`. `priors` is
 * either one class-prior vector (3) or one per row (rows × 3), always taken from the rows a model was
 * trained on, so the baseline is a model one could have deployed.
 */
export function classificationMetrics(
  P: Float64Array,
  rows: Int32Array,
  data: LabelledRows,
  priors: Float64Array,
  s: FitSettings,
): ClassificationMetrics {
  const y = Int32Array.from(rows, (r) => data.y[r]!);
  let prior = priors;
  if (priors.length !== rows.length * 3) {
    prior = new Float64Array(rows.length * 3);
    for (let r = 0; r < rows.length; r++) prior.set(priors, r * 3);
  }
  const R = Float64Array.from(rows, (r) => data.forwardReturn[r]!);
  const dates = Int32Array.from(rows, (r) => data.rowDate[r]!);
  const sig = signalSharpe(P, R, dates, s.confidenceThreshold, s.sampleEvery);
  const ic = scoreRankIC(P, R, dates);
  return {
    rows: rows.length,
    accuracy: accuracy(P, y, 3),
    log_loss: multiclassLogLoss(P, y, 3),
    prior_log_loss: multiclassLogLoss(prior, y, 3),
    sharpe: sig.sharpe,
    signals: sig.signals,
    rank_ic: ic.mean,
    rank_ic_t: ic.t,
  };
}
