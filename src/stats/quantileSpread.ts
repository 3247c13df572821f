/**
 * Quantile buckets and the top-minus-bottom quantile spread of forward returns (methods.md §3).
 */
import { checkPositiveInteger, checkSameLength } from './checks.ts';
import { rankAverageTiesStrided, sharedRankWorkspace } from './rank.ts';

/**
 * Bucket q_i = ⌈Q·avg_rank_i/n⌉ ∈ {1..Q} of each non-NaN value among the n non-NaN values; 0 for NaN.
 * Without ties and with n divisible by Q this equals spec 002's quantile-cut-then-digitize rule.
 * Example (R3.4): [0.3, −1.2, 0.8, 2.1, −0.5, 1.5, −2.0, 0.0, 0.9, −0.7], Q = 5 → [3, 1, 4, 5, 2, 5, 1, 3, 4, 2].
 */
export function quantileBuckets(x: Float64Array, quantiles = 5, out?: Int32Array): Int32Array {
  checkPositiveInteger('quantiles', quantiles);
  const buckets = out ?? new Int32Array(x.length);
  checkSameLength('x', x, 'out', buckets);
  const ranks = new Float64Array(x.length);
  const n = rankAverageTiesStrided(x.length, x, 0, 1, ranks, 0, 1, sharedRankWorkspace());
  for (let i = 0; i < x.length; i++) {
    const r = ranks[i]!;
    // Q·r/n is exact whenever it is an integer, so ceil never rounds across a bucket edge.
    buckets[i] = Number.isNaN(r) ? 0 : Math.ceil((quantiles * r) / n);
  }
  return buckets;
}

export interface QuantileSpreadOptions {
  /** Number of buckets Q; default 5. */
  readonly quantiles?: number;
  /** A date is NaN if any bucket has fewer stocks than this; default 11 (spec 002: ≤ 10 stocks is NaN). */
  readonly minBucketSize?: number;
}

/** Reused buffers: the spread runs once per date × signal × horizon (~10⁶ times per research run). */
const scratch = {
  s: new Float64Array(2048),
  r: new Float64Array(2048),
  counts: new Float64Array(6),
  sums: new Float64Array(6),
};

/**
 * One date's spread: mean forward return of bucket Q minus that of bucket 1, with buckets formed on the
 * stocks where both signal and forward return are non-NaN. NaN if any bucket has fewer than
 * `minBucketSize` stocks. R3.4 (minBucketSize ≤ 2): 0.05.
 */
export function quantileSpread(
  signal: Float64Array,
  forward: Float64Array,
  options: QuantileSpreadOptions = {},
): number {
  checkSameLength('signal', signal, 'forward', forward);
  const Q = options.quantiles ?? 5;
  const minSize = options.minBucketSize ?? 11;
  checkPositiveInteger('quantiles', Q);
  checkPositiveInteger('minBucketSize', minSize);
  const n = signal.length;
  if (scratch.s.length < n) {
    scratch.s = new Float64Array(n);
    scratch.r = new Float64Array(n);
  }
  if (scratch.counts.length < Q + 1) {
    scratch.counts = new Float64Array(Q + 1);
    scratch.sums = new Float64Array(Q + 1);
  }
  const { s, r, counts, sums } = scratch;
  // Complete pairs only: a stock without a forward return takes no part in the ranking.
  let m = 0;
  for (let i = 0; i < n; i++) {
    const f = forward[i]!;
    const v = signal[i]!;
    if (!Number.isNaN(f) && !Number.isNaN(v)) {
      s[m] = v;
      r[m] = f;
      m++;
    }
  }
  if (m < Q * minSize) return Number.NaN;
  // Ranks of the compacted signal overwrite s (the kernel compacts before writing, so aliasing is safe).
  rankAverageTiesStrided(m, s, 0, 1, s, 0, 1, sharedRankWorkspace());
  counts.fill(0, 0, Q + 1);
  sums.fill(0, 0, Q + 1);
  for (let k = 0; k < m; k++) {
    // Q·rank/m is exact whenever it is an integer, so ceil never rounds across a bucket edge.
    const b = Math.ceil((Q * s[k]!) / m);
    counts[b]!++;
    sums[b]! += r[k]!;
  }
  for (let b = 1; b <= Q; b++) if (counts[b]! < minSize) return Number.NaN;
  return sums[Q]! / counts[Q]! - sums[1]! / counts[1]!;
}

/**
 * Annualised spread = mean over dates of the non-NaN daily spreads × 252/h (arithmetic, as spec 002).
 * NaN if no date has a spread. R3.4: one date with 0.05 and h = 5 gives 2.52.
 */
export function annualizedQuantileSpread(spreads: Float64Array, horizon: number): number {
  checkPositiveInteger('horizon', horizon);
  let sum = 0;
  let n = 0;
  for (let t = 0; t < spreads.length; t++) {
    if (!Number.isNaN(spreads[t]!)) {
      sum += spreads[t]!;
      n++;
    }
  }
  return n === 0 ? Number.NaN : ((sum / n) * 252) / horizon;
}
