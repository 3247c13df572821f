/**
 * Sanity baselines (seed 001 P2.4): plain cross-sectional decile long–short books on 12-1 momentum and on
 * value (book-to-market), equal-weighted, +½ long and −½ short, run through the same simulator and cost model
 * as the optimised portfolios. A strategy that cannot beat these is not worth its complexity. Each decision
 * reads only its point-in-time view.
 */
import type { PointInTimeView } from './view.ts';

/** A baseline's raw score at decision time (higher = long), or undefined when its inputs are missing. */
export interface BaselineSpec {
  readonly name: string;
  readonly description: string;
  readonly requires: readonly string[];
  score(view: PointInTimeView): Float64Array;
}

export const MOMENTUM_BASELINE: BaselineSpec = {
  name: 'baseline_momentum',
  description: '12-1 month momentum decile long–short: ln(P[t−21]/P[t−252])',
  requires: ['close'],
  score(view) {
    const close = view.panel('close');
    const N = view.tickers.length;
    const out = new Float64Array(N).fill(Number.NaN);
    const t = view.t;
    if (t < 252) return out;
    for (let i = 0; i < N; i++) {
      const recent = close.values[(t - 21) * N + i]!;
      const past = close.values[(t - 252) * N + i]!;
      if (recent > 0 && past > 0) out[i] = Math.log(recent / past);
    }
    return out;
  },
};

export const VALUE_BASELINE: BaselineSpec = {
  name: 'baseline_value',
  description: 'book-to-market decile long–short (latest value known at t)',
  requires: ['book_to_market'],
  score(view) {
    const p = view.panel('book_to_market');
    const N = view.tickers.length;
    return Float64Array.from(p.values.subarray(view.t * N, (view.t + 1) * N));
  },
};

/**
 * Equal-weight decile book from a score: the top `fraction` of the valid names long (total +½), the bottom
 * `fraction` short (total −½); names without a score are not held. Ties at the cut-off go by ticker order.
 */
export function decileBook(score: Float64Array, fraction = 0.1): Float64Array {
  const N = score.length;
  const idx: number[] = [];
  for (let i = 0; i < N; i++) if (Number.isFinite(score[i]!)) idx.push(i);
  const w = new Float64Array(N);
  const k = Math.floor(idx.length * fraction);
  if (k < 1) return w;
  idx.sort((a, b) => score[a]! - score[b]! || a - b);
  for (let j = 0; j < k; j++) {
    w[idx[j]!] = -0.5 / k;
    w[idx[idx.length - 1 - j]!] = 0.5 / k;
  }
  return w;
}
