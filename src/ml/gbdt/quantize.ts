/**
 * Quantisation for histogram trees, methods.md §9.3 item 3 (XGBoost `hist` parity).
 *
 * Features are cast to float32 and sketched once per training set with sample weights. For the sorted
 * distinct values v_1 < … < v_m of a feature:
 *   - m ≤ max_bin: cuts = [v_2, …, v_m, v_m + |v_m| + 1e-5] (the minimum is not a cut; the last is a sentinel);
 *   - m > max_bin: cut i (i = 1 … max_bin − 1) is the value whose cumulative-weight interval [W_{j−1}, W_j)
 *     contains the rank i·W/max_bin; a non-increasing cut is replaced by the next distinct value; then the
 *     sentinel is appended.
 * The bin of x is the index of the first cut strictly greater than x (upper bound), clamped to the last bin.
 * Missing values get no bin: they carry the code `nBins(f)`, one past the feature's last bin, so a
 * histogram slot at that index collects the missing rows for free.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { FeatureMatrix } from './matrix.ts';

export interface BinCuts {
  readonly nFeatures: number;
  /** Cuts of feature f are cutValues[cutPtr[f] … cutPtr[f+1]); their count is the feature's number of bins. */
  readonly cutPtr: Int32Array;
  /** Float32-representable cut values, increasing within a feature, each feature ending with its sentinel. */
  readonly cutValues: Float64Array;
  /** Smallest non-missing float32 value of each feature (NaN if the feature is all missing). */
  readonly minValues: Float64Array;
}

/** The feature-major bin codes of a training set: bins[f * rows + i]; code nBins(f) means missing. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly bins: Uint8Array | Uint16Array;
  readonly cuts: BinCuts;
  /** 1 if feature f has at least one missing value in this matrix. */
  readonly hasMissing: Uint8Array;
}

export function numBins(cuts: BinCuts, f: number): number {
  return cuts.cutPtr[f + 1]! - cuts.cutPtr[f]!;
}

/** XGBoost's sentinel after the largest value: v_m + |v_m| + 1e-5, rounded to float32. */
export function sentinelCut(vMax: number): number {
  return Math.fround(vMax + Math.abs(vMax) + 1e-5);
}

/**
 * Cuts of one feature from its sorted distinct float32 values `v[0..m)` and their total weights `w[0..m)`.
 * Appends to `out` and returns the number of cuts written.
 */
export function featureCutsFromDistinct(
  v: Float64Array,
  w: Float64Array,
  m: number,
  maxBin: number,
  out: number[],
): number {
  if (m === 0) return 0;
  const before = out.length;
  if (m <= maxBin) {
    for (let j = 1; j < m; j++) out.push(v[j]!);
  } else {
    let W = 0;
    for (let j = 0; j < m; j++) W += w[j]!;
    let j = 0;
    let cum = w[0]!; // W_j, the cumulative weight up to and including v_j
    let last = Number.NEGATIVE_INFINITY;
    let lastIndex = -1;
    for (let i = 1; i < maxBin; i++) {
      const r = (i * W) / maxBin;
      while (j < m - 1 && !(r < cum)) {
        j++;
        cum += w[j]!;
      }
      let q = j;
      if (!(v[q]! > last)) q = lastIndex + 1; // non-increasing: take the next distinct value
      if (q >= m) break;
      out.push(v[q]!);
      last = v[q]!;
      lastIndex = q;
    }
  }
  out.push(sentinelCut(v[m - 1]!));
  return out.length - before;
}

/**
 * X cast to float32 and transposed to feature-major order (column f at [f·n, (f+1)·n)), so the sketch and
 * the binning read contiguous memory instead of striding across rows.
 */
export function transposeToFloat32Columns(X: FeatureMatrix): Float32Array {
  const n = X.rows;
  const p = X.cols;
  const out = new Float32Array(n * p);
  const v = X.values;
  const BLOCK = 256;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let f = 0; f < p; f++) {
      const base = f * n;
      for (let i = i0; i < i1; i++) out[base + i] = v[i * p + f]!;
    }
  }
  return out;
}

/**
 * Sketches every column of X (cast to float32) with optional sample weights. Sorting the column (NaN sorts
 * last) and binary-searching each row into the distinct list keeps the weighted case O(n log n) without
 * index sorts. `columns` may pass a precomputed transposeToFloat32Columns(X).
 */
export function sketchCuts(
  X: FeatureMatrix,
  maxBin: number,
  weights?: Float64Array,
  columns?: Float32Array,
): BinCuts {
  if (!(Number.isInteger(maxBin) && maxBin >= 2 && maxBin <= 256)) {
    throw new InvalidInputError(`max_bin must be an integer in [2, 256], got ${maxBin}`);
  }
  const n = X.rows;
  const p = X.cols;
  const cols = columns ?? transposeToFloat32Columns(X);
  const cutPtr = new Int32Array(p + 1);
  const minValues = new Float64Array(p);
  const all: number[] = [];
  const sorted = new Float32Array(n);
  const scratch = new Float32Array(n);
  const distinct = new Float64Array(n);
  const wsum = new Float64Array(n);
  for (let f = 0; f < p; f++) {
    const col = cols.subarray(f * n, (f + 1) * n);
    let c = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(col[i]!)) sorted[c++] = col[i]!;
    radixSortFloat32(sorted, c, scratch);
    let m = 0;
    for (let k = 0; k < c; k++) {
      if (m === 0 || sorted[k]! !== distinct[m - 1]!) {
        distinct[m] = sorted[k]!;
        wsum[m] = 0;
        m++;
      }
      if (!weights) wsum[m - 1]! += 1;
    }
    if (weights) {
      for (let i = 0; i < n; i++) {
        const x = col[i]!;
        if (Number.isNaN(x)) continue;
        wsum[lowerBound(distinct, 0, m, x)]! += weights[i]!;
      }
    }
    minValues[f] = m > 0 ? distinct[0]! : Number.NaN;
    featureCutsFromDistinct(distinct, wsum, m, maxBin, all);
    cutPtr[f + 1] = all.length;
  }
  return { nFeatures: p, cutPtr, cutValues: Float64Array.from(all), minValues };
}

function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sorts v[0..n) (no NaN) ascending by an LSD radix sort on the float32 bit patterns (three 11-bit passes),
 * several times faster than TypedArray.prototype.sort on 10⁵ values. −0 sorts before +0; they compare equal.
 * `scratch` needs length ≥ n.
 */
export function radixSortFloat32(v: Float32Array, n: number, scratch: Float32Array): void {
  const a = new Uint32Array(v.buffer, v.byteOffset, n);
  const b = new Uint32Array(scratch.buffer, scratch.byteOffset, n);
  // Order-preserving key: flip every bit of negatives, only the sign bit of non-negatives.
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    a[i] = x & 0x80000000 ? ~x >>> 0 : (x | 0x80000000) >>> 0;
  }
  const count = new Int32Array(2048);
  let src = a;
  let dst = b;
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let k = 0; k < 2048; k++) {
      const c = count[k]!;
      count[k] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const x = src[i]!;
      dst[count[(x >>> shift) & 2047]!++] = x;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // Three passes leave the result in `b`: undo the key transform into `a`.
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    a[i] = x & 0x80000000 ? (x & 0x7fffffff) >>> 0 : ~x >>> 0;
  }
}

/**
 * Index (relative to lo) of the first cut in cutValues[lo..hi) strictly greater than x, clamped to the last
 * bin. Branch-free halving (Khuong & Morin's layout-agnostic lower bound, with ≤ for the upper bound): the
 * comparisons become conditional moves instead of mispredicted branches.
 */
export function searchBin(cutValues: Float64Array, lo: number, hi: number, x: number): number {
  let base = lo;
  let len = hi - lo;
  while (len > 1) {
    const half = len >>> 1;
    base = cutValues[base + half]! <= x ? base + half : base;
    len -= half;
  }
  const idx = (cutValues[base]! <= x ? base + 1 : base) - lo;
  return idx >= hi - lo ? hi - lo - 1 : idx;
}

/** Bins X with the given cuts into a feature-major matrix (Uint8 when every code fits, else Uint16). */
export function binMatrix(X: FeatureMatrix, cuts: BinCuts, columns?: Float32Array): BinnedMatrix {
  const n = X.rows;
  const p = X.cols;
  if (p !== cuts.nFeatures)
    throw new InvalidInputError(`matrix has ${p} features, the cuts ${cuts.nFeatures}`);
  const cols = columns ?? transposeToFloat32Columns(X);
  let maxCode = 0;
  for (let f = 0; f < p; f++) maxCode = Math.max(maxCode, numBins(cuts, f));
  const bins = maxCode <= 255 ? new Uint8Array(n * p) : new Uint16Array(n * p);
  const hasMissing = new Uint8Array(p);
  const cv = cuts.cutValues;
  for (let f = 0; f < p; f++) {
    const lo = cuts.cutPtr[f]!;
    const hi = cuts.cutPtr[f + 1]!;
    const missingCode = hi - lo;
    const base = f * n;
    for (let i = 0; i < n; i++) {
      const x = cols[base + i]!;
      if (Number.isNaN(x) || hi === lo) {
        bins[base + i] = missingCode;
        if (Number.isNaN(x)) hasMissing[f] = 1;
      } else bins[base + i] = searchBin(cv, lo, hi, x);
    }
  }
  return { rows: n, cols: p, bins, cuts, hasMissing };
}
