/**
 * Rolling accuracy of class predictions over the last N resolved predictions (methods.md §9.9).
 */
import { checkPositiveInteger, checkSameLength } from './checks.ts';

/**
 * Accuracy over the last `window` (default 100) resolved predictions: pairs where both the prediction and
 * the outcome are non-NaN (an unresolved prediction has a NaN outcome and is never scored). NaN if none.
 * R9.10: predictions [2, 1, 0, 2, 2] vs outcomes [2, 0, 0, 1, 2] → 0.6.
 */
export function accuracyOfLastResolved(
  predictions: Float64Array,
  outcomes: Float64Array,
  window = 100,
): number {
  checkSameLength('predictions', predictions, 'outcomes', outcomes);
  checkPositiveInteger('window', window);
  let n = 0;
  let hits = 0;
  for (let t = predictions.length - 1; t >= 0 && n < window; t--) {
    const p = predictions[t]!;
    const o = outcomes[t]!;
    if (Number.isNaN(p) || Number.isNaN(o)) continue;
    n++;
    if (p === o) hits++;
  }
  return n === 0 ? Number.NaN : hits / n;
}

export interface RollingAccuracyOptions {
  /** Number of most recent resolved predictions N; default 100. */
  readonly window?: number;
  /** Horizon h: a prediction made at s resolves at s + h. */
  readonly horizon: number;
  /** Minimum resolved predictions for a value; default `window`. */
  readonly minResolved?: number;
}

/**
 * For every t, the accuracy of the last N predictions already resolved at t, i.e. made at s ≤ t − h with
 * non-NaN prediction and outcome (`outcomes[s]` is the realised class of the prediction made at s). NaN
 * while fewer than `minResolved` are resolved. Point-in-time: the value at t uses only outcomes of s ≤ t − h.
 */
export function rollingAccuracy(
  predictions: Float64Array,
  outcomes: Float64Array,
  options: RollingAccuracyOptions,
): Float64Array {
  checkSameLength('predictions', predictions, 'outcomes', outcomes);
  const window = options.window ?? 100;
  checkPositiveInteger('window', window);
  if (!Number.isInteger(options.horizon) || options.horizon < 0)
    checkPositiveInteger('horizon', options.horizon);
  const minResolved = options.minResolved ?? window;
  checkPositiveInteger('minResolved', minResolved);
  const T = predictions.length;
  const out = new Float64Array(T).fill(Number.NaN);
  const ring = new Uint8Array(window);
  let size = 0;
  let head = 0;
  let hits = 0;
  for (let t = 0; t < T; t++) {
    const s = t - options.horizon;
    if (s >= 0 && !Number.isNaN(predictions[s]!) && !Number.isNaN(outcomes[s]!)) {
      const hit = predictions[s] === outcomes[s] ? 1 : 0;
      if (size === window) hits -= ring[head]!;
      else size++;
      ring[head] = hit;
      hits += hit;
      head = (head + 1) % window;
    }
    if (size >= minResolved) out[t] = hits / size;
  }
  return out;
}
