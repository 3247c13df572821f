/**
 * Kelly sizing from calibrated class probabilities and the empirical payoff of each class (seed 003's
 * "Kelly sizing" of ML signals). A position of fraction f in a bet whose h-day return is μ_k with probability
 * q_k has expected log growth g(f) = Σ_k q_k ln(1 + f μ_k); the Kelly fraction maximises it:
 *   g'(f) = Σ_k q_k μ_k / (1 + f μ_k) = 0,  f ∈ [0, f_max),  f_max = min_{μ_k < 0} (−1/μ_k).
 * g' is strictly decreasing, so the root is unique; it is 0 when the edge Σ q_k μ_k ≤ 0 and unbounded when no
 * outcome loses. With two outcomes {+b, −1} this is the classic f* = p − (1 − p)/b.
 */
import { InvalidInputError } from '../../core/errors.ts';

/**
 * The growth-optimal fraction of a discrete bet (see module comment): 0 without an edge, +∞ when no outcome
 * loses, else the root of g' found by bisection to 1e-15 relative width. NaN if q or μ hold NaN.
 */
export function kellyFractionDiscrete(q: ArrayLike<number>, payoff: ArrayLike<number>): number {
  if (q.length !== payoff.length)
    throw new InvalidInputError(`${q.length} probabilities for ${payoff.length} payoffs`);
  let edge = 0;
  let fMax = Number.POSITIVE_INFINITY;
  for (let k = 0; k < q.length; k++) {
    const p = q[k]!;
    const m = payoff[k]!;
    if (Number.isNaN(p) || Number.isNaN(m)) return Number.NaN;
    edge += p * m;
    if (p > 0 && m < 0) fMax = Math.min(fMax, -1 / m);
  }
  if (!(edge > 0)) return 0;
  if (fMax === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const slope = (f: number) => {
    let s = 0;
    for (let k = 0; k < q.length; k++) if (q[k]! > 0) s += (q[k]! * payoff[k]!) / (1 + f * payoff[k]!);
    return s;
  };
  let lo = 0;
  let hi = fMax;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * fMax; it++) {
    const mid = 0.5 * (lo + hi);
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Per-class mean forward return on the training rows (the empirical payoff of predicting DOWN, FLAT, UP):
 * μ_k = mean of R_i over rows with y_i = k; NaN for an absent class.
 */
export function classPayoffs(forwardReturn: ArrayLike<number>, y: ArrayLike<number>, K = 3): Float64Array {
  const sum = new Float64Array(K);
  const count = new Float64Array(K);
  for (let i = 0; i < y.length; i++) {
    const r = forwardReturn[i]!;
    if (!Number.isFinite(r)) continue;
    sum[y[i]!]! += r;
    count[y[i]!]!++;
  }
  return Float64Array.from(sum, (s, k) => (count[k]! > 0 ? s / count[k]! : Number.NaN));
}

/**
 * Suggested position size of a signal: kellyFraction × f* for the signal's direction (payoffs negated for a
 * short), capped at maxPosition; 0 when the calibrated probabilities show no edge in that direction.
 */
export function suggestedPositionSize(
  q: ArrayLike<number>,
  payoff: ArrayLike<number>,
  direction: 1 | -1,
  kellyFraction: number,
  maxPosition: number,
): number {
  const signed = Array.from(payoff, (m) => direction * m);
  const f = kellyFractionDiscrete(q, signed);
  if (Number.isNaN(f)) return Number.NaN;
  return Math.min(maxPosition, kellyFraction * f);
}
