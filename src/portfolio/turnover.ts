/**
 * Turnover controls of seed 001 P1.3 (methods.md §7): staggered rebalance buckets by FNV-1a, entry/exit bands
 * on percentile rank (hysteresis), and EWMA smoothing toward the target. Each is optional. They act on the
 * inputs of the optimiser (which names may trade, and the reference weights w0), not on its output, because
 * banding or smoothing after the solve would break exact neutrality.
 */
import { InvalidInputError } from '../core/errors.ts';
import { fnv1a32 } from '../core/rng.ts';

/** bucket(ticker) = FNV-1a-32(UTF-8 bytes) mod B (methods.md R7.6). */
export function rebalanceBucket(ticker: string, buckets: number): number {
  if (!(Number.isInteger(buckets) && buckets >= 1))
    throw new InvalidInputError(`buckets must be a positive integer, got ${buckets}`);
  return fnv1a32(ticker) % buckets;
}

/** Per ticker, whether it may trade at rebalance number `k` (bucket k mod B); all true when B ≤ 1. */
export function tradableByBucket(tickers: readonly string[], buckets: number, k: number): Uint8Array {
  const out = new Uint8Array(tickers.length);
  if (buckets <= 1) return out.fill(1);
  const active = ((k % buckets) + buckets) % buckets;
  tickers.forEach((t, i) => {
    out[i] = rebalanceBucket(t, buckets) === active ? 1 : 0;
  });
  return out;
}

export interface BandThresholds {
  /** Enter long at π ≥ enterLong, keep while π ≥ exitLong. */
  readonly enterLong: number;
  readonly exitLong: number;
  /** Enter short at π ≤ enterShort, keep while π ≤ exitShort. */
  readonly enterShort: number;
  readonly exitShort: number;
}

export const DEFAULT_BANDS: BandThresholds = {
  enterLong: 0.9,
  exitLong: 0.85,
  enterShort: 0.1,
  exitShort: 0.15,
};

/** Side of a position: +1 long, −1 short, 0 none. */
export type Side = -1 | 0 | 1;

/**
 * Hysteresis on percentile rank π ∈ [0, 1] (methods.md §7, R7.7): a name not held enters long at
 * π ≥ enterLong (short at π ≤ enterShort); a held long is kept while π ≥ exitLong (a short while π ≤ exitShort).
 * NaN rank exits.
 */
export function bandedSide(pi: number, held: Side, b: BandThresholds = DEFAULT_BANDS): Side {
  if (Number.isNaN(pi)) return 0;
  if (held === 1) {
    if (pi >= b.exitLong) return 1;
  } else if (held === -1) {
    if (pi <= b.exitShort) return -1;
  }
  if (pi >= b.enterLong) return 1;
  if (pi <= b.enterShort) return -1;
  return 0;
}

/** EWMA step λ = 1 − 2^{−1/HL} for half-life HL (in rebalances). */
export function ewmaLambda(halfLife: number): number {
  if (!(halfLife > 0)) throw new InvalidInputError(`EWMA half-life must be positive, got ${halfLife}`);
  return 1 - 2 ** (-1 / halfLife);
}

/** w_t = w_{t−1} + λ(w*_t − w_{t−1}), elementwise into `out` (methods.md R7.5). */
export function ewmaTowardTarget(
  prev: Float64Array,
  target: Float64Array,
  lambda: number,
  out = new Float64Array(prev.length),
): Float64Array {
  for (let i = 0; i < prev.length; i++) out[i] = prev[i]! + lambda * (target[i]! - prev[i]!);
  return out;
}
