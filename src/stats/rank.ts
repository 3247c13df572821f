/**
 * Average ranks with ties (scipy `rankdata` default, methods.md §0 "Ranks") and percentile ranks.
 *
 * The argsort is a radix sort on the IEEE-754 bits of the values: a double maps to an unsigned 64-bit key
 * with the same order (flip every bit of a negative number, only the sign bit of a positive one). The top
 * 24 key bits are sorted in three 8-bit passes (constant digits skipped), then runs sharing them are
 * finished on the remaining 40 bits (see argsortCompactedValues). It is O(n) with small constants and
 * allocates nothing once the workspace is large enough; rank IC calls it ~10⁶ times per research run on
 * ~1500 values.
 */
import { outputArray } from './checks.ts';

/** Below this size an insertion sort beats the radix passes (their histograms cost ~6·2048 steps). */
const INSERTION_SORT_MAX = 40;
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
  readonly histogram = new Uint32Array(3 * RADIX_BUCKETS);

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

/** Runs of equal top-24-bit keys up to this length are finished by insertion sort. */
const RUN_INSERTION_MAX = 32;

/**
 * Stable LSD radix sort of `order[start..end)` by `passes` digits of `digitBits` bits of
 * `words[order[j]]`, starting at bit `shift` (digits must end at or below bit 32). Passes whose digit is the
 * same for every key are skipped. `tmp[start..end)` is scratch; `hist` needs passes·2^digitBits entries.
 */
function radixSortByDigits(
  order: Uint32Array,
  tmp: Uint32Array,
  start: number,
  end: number,
  words: Uint32Array,
  shift: number,
  digitBits: number,
  passes: number,
  hist: Uint32Array,
): void {
  const len = end - start;
  const buckets = 1 << digitBits;
  const mask = buckets - 1;
  hist.fill(0, 0, passes * buckets);
  for (let j = start; j < end; j++) {
    const w = words[order[j]!]! >>> shift;
    for (let p = 0; p < passes; p++) hist[p * buckets + ((w >>> (p * digitBits)) & mask)]!++;
  }
  let src = order;
  let dst = tmp;
  for (let p = 0; p < passes; p++) {
    const base = p * buckets;
    const s = shift + p * digitBits;
    // Every key has the same digit: the pass would not move anything.
    if (hist[base + ((words[src[start]!]! >>> s) & mask)] === len) continue;
    let sum = start;
    for (let b = 0; b < buckets; b++) {
      const c = hist[base + b]!;
      hist[base + b] = sum;
      sum += c;
    }
    for (let j = start; j < end; j++) {
      const k = src[j]!;
      dst[hist[base + ((words[k]! >>> s) & mask)]!++] = k;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== order) order.set(src.subarray(start, end), start);
}

/** radixSortByDigits(order, tmp, 0, m, keyHi, 8, 8, 3, hist) with the three digit loops unrolled. */
function radixSortTop24(
  order: Uint32Array,
  tmp: Uint32Array,
  m: number,
  keyHi: Uint32Array,
  hist: Uint32Array,
): void {
  hist.fill(0, 0, 768);
  for (let k = 0; k < m; k++) {
    const w = keyHi[k]!;
    hist[(w >>> 8) & 0xff]!++;
    hist[256 + ((w >>> 16) & 0xff)]!++;
    hist[512 + (w >>> 24)]!++;
  }
  let src = order;
  let dst = tmp;
  for (let p = 0; p < 3; p++) {
    const base = p * 256;
    const s = 8 + 8 * p;
    if (hist[base + ((keyHi[0]! >>> s) & 0xff)] === m) continue;
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = hist[base + b]!;
      hist[base + b] = sum;
      sum += c;
    }
    for (let j = 0; j < m; j++) {
      const k = src[j]!;
      dst[hist[base + ((keyHi[k]! >>> s) & 0xff)]!++] = k;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== order) order.set(src.subarray(0, m));
}

/**
 * Sorts the `m` compacted values in `ws.values[0..m)`: on return `ws.order[0..m)` holds their indices in
 * ascending order, ties in input order (every step is stable). Base kernel: no checks, no allocation beyond
 * `ws` (capacity ≥ m). NaN must not be present; −0 must have been replaced by +0.
 *
 * The 64-bit order-preserving key is split in a high and a low word. Three 8-bit radix passes on the top 24
 * bits (sign, exponent and 12 mantissa bits: 2⁻¹² relative resolution) already order almost all distinct
 * values of a continuous cross-section, with histograms of 256 entries that stay cheap at n ≈ 1500. Runs
 * that share those 24 bits — exact ties or values within ~2e-4 relative — are then finished on the remaining
 * 40 bits: insertion sort for short runs, radix (low word, then the high word's low byte) for long ones.
 */
export function argsortCompactedValues(m: number, ws: RankWorkspace): Uint32Array {
  const order = ws.order;
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
  for (let k = 0; k < m; k++) {
    // Little-endian: word 2k is the low half of the double.
    const hi = bits[2 * k + 1]!;
    const lo = bits[2 * k]!;
    // Negative: flip all bits (larger magnitude sorts first). Positive: set the sign bit.
    const neg = hi >>> 31;
    keyHi[k] = (neg ? ~hi : hi | 0x80000000) >>> 0;
    keyLo[k] = (neg ? ~lo : lo) >>> 0;
    order[k] = k;
  }
  const tmp = ws.orderTmp;
  const hist = ws.histogram;
  radixSortTop24(order, tmp, m, keyHi, hist);
  let j = 0;
  while (j < m) {
    const top = keyHi[order[j]!]! >>> 8;
    let e = j + 1;
    while (e < m && keyHi[order[e]!]! >>> 8 === top) e++;
    if (e - j > RUN_INSERTION_MAX) {
      radixSortByDigits(order, tmp, j, e, keyLo, 0, 11, 3, hist);
      radixSortByDigits(order, tmp, j, e, keyHi, 0, 8, 1, hist);
    } else if (e - j > 1) {
      for (let a = j + 1; a < e; a++) {
        const k = order[a]!;
        const h = keyHi[k]!;
        const l = keyLo[k]!;
        let b = a - 1;
        while (b >= j) {
          const kb = order[b]!;
          const hb = keyHi[kb]!;
          if (hb < h || (hb === h && keyLo[kb]! <= l)) break;
          order[b + 1] = kb;
          b--;
        }
        order[b + 1] = k;
      }
    }
    j = e;
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
