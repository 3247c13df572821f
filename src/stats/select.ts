/**
 * Multiple order statistics without a full sort (introselect): after `selectOrderStatistics(a, ks)` every
 * a[k], k ∈ ks, holds the value a full ascending sort would put there. Expected O(n log |ks|); a
 * recursion-depth limit falls back to sorting the sub-range, so adversarial inputs stay O(n log n).
 * Used by PSI and quantiles on 10⁶-value samples, where sorting dominated the cost.
 */

const SMALL_RANGE = 16;

function insertionSortRange(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Places order statistics ks[kFrom..kTo) (ascending, all within [lo, hi]) of the NaN-free range. */
function selectRange(
  a: Float64Array,
  lo: number,
  hi: number,
  ks: readonly number[],
  kFrom: number,
  kTo: number,
  depth: number,
): void {
  while (kFrom < kTo) {
    if (hi - lo < SMALL_RANGE) {
      insertionSortRange(a, lo, hi);
      return;
    }
    if (depth-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const pivot = median3(a[lo]!, a[(lo + hi) >>> 1]!, a[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and every slot strictly between j and i holds the pivot.
    let split = kFrom;
    while (split < kTo && ks[split]! <= j) split++;
    let right = split;
    while (right < kTo && ks[right]! < i) right++;
    selectRange(a, lo, j, ks, kFrom, split, depth);
    lo = i;
    kFrom = right;
  }
}

/**
 * Rearranges the NaN-free `a` in place so that a[k] is the k-th smallest value for every k in `ks`
 * (ascending, distinct, in [0, a.length)). Base kernel: no checks.
 */
export function selectOrderStatistics(a: Float64Array, ks: readonly number[]): void {
  if (a.length === 0 || ks.length === 0) return;
  selectRange(a, 0, a.length - 1, ks, 0, ks.length, 2 * Math.ceil(Math.log2(a.length + 1)) + 4);
}
