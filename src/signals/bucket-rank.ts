/**
 * Average ranks (scipy `rankdata` default, methods.md §0) specialised for the continuous cross-sections
 * of the signal tier (neutralised z-scores, forward returns), which are ranked ~3·10⁵ times per research
 * run. A distribution sort: values go to N equal-width buckets over mean ± 4 sd, each bucket is finished
 * by insertion sort, and ties get the mean of the ranks they span. For smooth cross-sections the buckets
 * hold a few values each, so the cost is a handful of linear passes (about half the radix sort's in
 * stats/, whose 2048-bucket histograms dominate at n ≈ 1500). The result is exact whatever the data: a
 * bucket that grows past BUCKET_MAX (clustered or discrete values) sends the whole row to the general
 * radix ranker `rankAverageTiesStrided` of stats/.
 */
import { RankWorkspace, rankAverageTiesStrided } from '../stats/index.ts';

const BUCKET_MAX = 48;

/** Scratch for {@link rankAverageTiesBucketed}; one per thread, sized for rows of length N. */
export class BucketRankWorkspace {
  readonly values: Float64Array;
  readonly position: Int32Array;
  readonly start: Int32Array;
  readonly sorted: Int32Array;
  readonly sortedValues: Float64Array;
  readonly bucket: Int32Array;
  readonly fallback: RankWorkspace;
  constructor(N: number) {
    this.values = new Float64Array(N);
    this.position = new Int32Array(N);
    this.start = new Int32Array(N + 2);
    this.sorted = new Int32Array(N);
    this.sortedValues = new Float64Array(N);
    this.bucket = new Int32Array(N);
    this.fallback = new RankWorkspace(N);
  }
}

/**
 * Base kernel: average ranks 1..m of the m non-NaN values of `x[off .. off+n)` into `out[0..n)` (NaN where
 * x is NaN); returns m. Equal to `rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws)` bit for bit. No
 * checks; `ws` must be sized for n.
 */
export function rankAverageTiesBucketed(
  n: number,
  x: Float64Array,
  off: number,
  out: Float64Array,
  ws: BucketRankWorkspace,
): number {
  let m = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i]!;
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    m++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A complete row (the usual case) is sorted in place of x; otherwise its values are compacted first.
  const complete = m === n;
  const values = complete ? x : ws.values;
  const base = complete ? off : 0;
  if (!complete) {
    const position = ws.position;
    for (let i = 0, k = 0; i < n; i++) {
      const v = x[off + i]!;
      if (Number.isNaN(v)) continue;
      ws.values[k] = v;
      position[k++] = i;
    }
  }
  if (m === 0) return 0;
  if (!(max > min) || !Number.isFinite(max - min)) {
    // All equal (or ±∞ present): let the general ranker decide.
    return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
  }
  // Spread the buckets over mean ± 4 sd (clipped to the data), not over [min, max]: one outlier (a +200 %
  // forward return) would otherwise crowd every other value into a few buckets. Values outside the range
  // go to the end buckets. The one-pass sd may lose digits (data far from 0); that only moves bucket
  // edges — the sort, hence the ranks, stays exact, and a degenerate range falls back below.
  const mean = sum / m;
  const sd = Math.sqrt(Math.max(0, sumSq / m - mean * mean));
  const lo = Math.max(min, mean - 4 * sd);
  const hi = Math.min(max, mean + 4 * sd);
  if (!(hi > lo)) return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
  const B = m;
  const scale = B / (hi - lo);
  const start = ws.start;
  start.fill(0, 0, B + 2);
  const bucketOf = ws.bucket;
  for (let k = 0; k < m; k++) {
    const u = (values[base + k]! - lo) * scale;
    const b = u < 0 ? 0 : u >= B ? B - 1 : u | 0;
    bucketOf[k] = b;
    start[b + 2]!++;
  }
  // start[b+1] = first slot of bucket b after the prefix sum; it then serves as the fill cursor.
  for (let b = 2; b < B + 2; b++) {
    const c = start[b]!;
    if (c > BUCKET_MAX) return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
    start[b] = c + start[b - 1]!;
  }
  // Scatter the values with their indices so the insertion sort and the tie walk read them in order.
  const sorted = ws.sorted;
  const sv = ws.sortedValues;
  // `sorted` holds stock indices, so the ranks scatter without another indirection.
  const position = ws.position;
  for (let k = 0; k < m; k++) {
    const slot = start[bucketOf[k]! + 1]!++;
    sorted[slot] = complete ? k : position[k]!;
    sv[slot] = values[base + k]!;
  }
  // Insertion sort inside each bucket (equal values keep input order; ties get one rank anyway).
  let from = 0;
  for (let b = 0; b < B; b++) {
    const to = start[b + 1]!;
    for (let j = from + 1; j < to; j++) {
      const v = sv[j]!;
      if (!(sv[j - 1]! > v)) continue;
      const k = sorted[j]!;
      let i = j - 1;
      while (i >= from && sv[i]! > v) {
        sorted[i + 1] = sorted[i]!;
        sv[i + 1] = sv[i]!;
        i--;
      }
      sorted[i + 1] = k;
      sv[i + 1] = v;
    }
    from = to;
  }
  let s = 0;
  while (s < m) {
    const v = sv[s]!;
    let e = s + 1;
    while (e < m && sv[e] === v) e++;
    const r = (s + 1 + e) / 2;
    for (let j = s; j < e; j++) out[sorted[j]!] = r;
    s = e;
  }
  return m;
}
