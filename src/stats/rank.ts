/**
 * Average ranks with ties (scipy `rankdata` default, methods.md §0 "Ranks") and percentile ranks.
 *
 * The argsort is an LSD radix sort on the IEEE-754 bits of the values: a double maps to an unsigned 64-bit
 * key with the same order (flip every bit of a negative number, only the sign bit of a positive one), which
 * is sorted in six 11/11/10-bit digit passes over the low and high 32-bit words. Passes whose digit is the
 * same for every key are skipped. It is O(n) with small constants and allocates nothing once the workspace
 * is large enough; rank IC calls it ~10⁶ times per research run on ~1500 values.
 */
import { outputArray } from './checks.ts';

/** Below this size an insertion sort beats the radix passes (their histograms cost ~6·2048 steps). */
const INSERTION_SORT_MAX = 40;
const RADIX_PASSES = 6;
const RADIX_BUCKETS = 2048;

/** Scratch buffers for ranking; grows on demand, never shrinks. Not shared between threads. */
export class RankWorkspace {
  capacity = 0;
  /** Compacted non-NaN values; its bytes are read as key words through `bits`. */
  values = new Float64Array(0);
  bits = new Uint32Array(0);
  /** Position in the input of each compacted value. */
  position = new Uint32Array(0);
  keyLo = new Uint32Array(0);
  keyHi = new Uint32Array(0);
  order = new Uint32Array(0);
  orderTmp = new Uint32Array(0);
  readonly histogram = new Uint32Array(RADIX_PASSES * RADIX_BUCKETS);

  constructor(capacity = 0) {
    this.ensure(capacity);
  }

  ensure(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2, 16);
    this.capacity = cap;
    this.values = new Float64Array(cap);
    this.bits = new Uint32Array(this.values.buffer);
    this.position = new Uint32Array(cap);
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.order = new Uint32Array(cap);
    this.orderTmp = new Uint32Array(cap);
  }
}

const sharedWorkspace = new RankWorkspace(2048);

/** Shift and mask of radix digit `pass` inside its 32-bit word (passes 0–2 read keyLo, 3–5 keyHi). */
const DIGIT_SHIFT = [0, 11, 22, 0, 11, 22] as const;
const DIGIT_MASK = [0x7ff, 0x7ff, 0x3ff, 0x7ff, 0x7ff, 0x3ff] as const;

/**
 * Sorts the `m` compacted values in `ws.values[0..m)`: on return `ws.order[0..m)` holds their indices in
 * ascending order (ties in input order, since both sorts are stable). Base kernel: no checks, no allocation
 * beyond `ws` (which must have capacity ≥ m). NaN must not be present.
 */
export function argsortCompactedValues(m: number, ws: RankWorkspace): Uint32Array {
  let order = ws.order;
  const values = ws.values;
  if (m <= INSERTION_SORT_MAX) {
    for (let k = 0; k < m; k++) {
      const v = values[k]!;
      let j = k - 1;
      while (j >= 0 && values[order[j]!]! > v) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = k;
    }
    return order;
  }
  const bits = ws.bits;
  const keyLo = ws.keyLo;
  const keyHi = ws.keyHi;
  const hist = ws.histogram;
  hist.fill(0);
  for (let k = 0; k < m; k++) {
    // Little-endian: word 2k is the low half of the double. `+ 0` in compaction made −0 into +0.
    const hi = bits[2 * k + 1]!;
    const lo = bits[2 * k]!;
    const neg = hi >>> 31;
    // Negative: flip all bits (larger magnitude sorts first). Positive: set the sign bit.
    const kHi = (neg ? ~hi : hi | 0x80000000) >>> 0;
    const kLo = (neg ? ~lo : lo) >>> 0;
    keyHi[k] = kHi;
    keyLo[k] = kLo;
    order[k] = k;
    hist[kLo & 0x7ff]!++;
    hist[RADIX_BUCKETS + ((kLo >>> 11) & 0x7ff)]!++;
    hist[2 * RADIX_BUCKETS + (kLo >>> 22)]!++;
    hist[3 * RADIX_BUCKETS + (kHi & 0x7ff)]!++;
    hist[4 * RADIX_BUCKETS + ((kHi >>> 11) & 0x7ff)]!++;
    hist[5 * RADIX_BUCKETS + (kHi >>> 22)]!++;
  }
  let tmp = ws.orderTmp;
  for (let pass = 0; pass < RADIX_PASSES; pass++) {
    const base = pass * RADIX_BUCKETS;
    const words = pass < 3 ? keyLo : keyHi;
    const shift = DIGIT_SHIFT[pass]!;
    const mask = DIGIT_MASK[pass]!;
    // Every key has the same digit: the pass would not move anything.
    if (hist[base + ((words[0]! >>> shift) & mask)] === m) continue;
    let sum = 0;
    for (let b = 0; b <= mask; b++) {
      const c = hist[base + b]!;
      hist[base + b] = sum;
      sum += c;
    }
    for (let j = 0; j < m; j++) {
      const k = order[j]!;
      const d = base + ((words[k]! >>> shift) & mask);
      tmp[hist[d]!++] = k;
    }
    const swap = order;
    order = tmp;
    tmp = swap;
  }
  return order;
}

/**
 * Base kernel: average ranks 1..m of the m non-NaN values among `x[xOffset + k·xStride]`, k < n, written to
 * `out[outOffset + k·outStride]`; NaN inputs give NaN. Tied values share the mean of the ranks they span
 * (scipy `rankdata(method='average')`). −0 and +0 tie. Returns m. No checks; uses `ws`.
 */
export function rankAverageTiesStrided(
  n: number,
  x: Float64Array,
  xOffset: number,
  xStride: number,
  out: Float64Array,
  outOffset: number,
  outStride: number,
  ws: RankWorkspace,
): number {
  ws.ensure(n);
  const values = ws.values;
  const position = ws.position;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const v = x[xOffset + k * xStride]!;
    if (!Number.isNaN(v)) {
      values[m] = v + 0;
      position[m] = k;
      m++;
    } else {
      out[outOffset + k * outStride] = Number.NaN;
    }
  }
  const order = argsortCompactedValues(m, ws);
  let start = 0;
  while (start < m) {
    const v = values[order[start]!]!;
    let end = start + 1;
    while (end < m && values[order[end]!] === v) end++;
    // Sorted positions start..end−1 hold ranks start+1..end; their mean is (start + 1 + end)/2.
    const r = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) out[outOffset + position[order[j]!]! * outStride] = r;
    start = end;
  }
  return m;
}

/**
 * Average ranks 1..n of the non-NaN values of `x` (scipy `rankdata` default, methods.md §0); NaN stays NaN.
 * Example: rankAverageTies([1, 2, 2, 3, 4, 5]) = [1, 2.5, 2.5, 4, 5, 6] (R3.1).
 */
export function rankAverageTies(x: Float64Array, out?: Float64Array): Float64Array {
  const r = outputArray(out, x.length);
  rankAverageTiesStrided(x.length, x, 0, 1, r, 0, 1, sharedWorkspace);
  return r;
}

/**
 * Percentile rank (avg_rank − 1)/(n − 1) ∈ [0, 1] over the n non-NaN values (methods.md §0); NaN stays NaN.
 * With a single non-NaN value the percentile is undefined (0/0) and is NaN.
 * Example: percentileRank([10, NaN, 30, 20]) = [0, NaN, 1, 0.5].
 */
export function percentileRank(x: Float64Array, out?: Float64Array): Float64Array {
  const r = outputArray(out, x.length);
  const m = rankAverageTiesStrided(x.length, x, 0, 1, r, 0, 1, sharedWorkspace);
  const scale = 1 / (m - 1);
  for (let k = 0; k < r.length; k++) r[k] = m > 1 ? (r[k]! - 1) * scale : Number.NaN;
  return r;
}

/** The module's shared workspace, for callers in stats/ that rank inside a larger kernel. */
export function sharedRankWorkspace(): RankWorkspace {
  return sharedWorkspace;
}
