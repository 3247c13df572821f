/**
 * Quantiles (numpy's default linear interpolation) and the population stability index (methods.md §9.8).
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkPositiveInteger } from './checks.ts';
import { selectOrderStatistics } from './select.ts';

/**
 * Base kernel: numpy `quantile(method='linear')` of an ascending, NaN-free `sorted[0..n)` at q ∈ [0, 1]:
 * h = (n − 1)q, lerp between sorted[⌊h⌋] and the next value with numpy's two-sided lerp (b − (b − a)(1 − t)
 * when t ≥ 0.5), so results match numpy to the last bit. NaN when n = 0.
 */
export function quantileSorted(sorted: Float64Array, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.min(Math.max(Math.floor(h), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The non-NaN values of `x`, copied. */
function finiteCopy(x: Float64Array): Float64Array {
  let n = 0;
  const v = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) v[n++] = x[i]!;
  return v.subarray(0, n);
}

/**
 * numpy-linear quantiles of the NaN-free `v` (rearranged in place): only the order statistics the
 * interpolation reads are selected, which is several times faster than sorting 10⁶ values.
 */
function quantilesInPlace(v: Float64Array, qs: readonly number[]): Float64Array {
  const n = v.length;
  if (n === 0) return new Float64Array(qs.length).fill(Number.NaN);
  const needed = new Set<number>();
  for (const q of qs) {
    const lo = Math.min(Math.max(Math.floor((n - 1) * q), 0), n - 1);
    needed.add(lo);
    needed.add(Math.min(lo + 1, n - 1));
  }
  selectOrderStatistics(
    v,
    [...needed].sort((a, b) => a - b),
  );
  // quantileSorted reads only v[⌊h⌋] and v[⌊h⌋ + 1], which now hold their sorted values.
  return Float64Array.from(qs, (q) => quantileSorted(v, n, q));
}

function checkProbability(q: number): void {
  if (!(q >= 0 && q <= 1)) {
    throw new InvalidInputError(`quantile level must be in [0, 1], got ${q}`, { where: { field: 'q' } });
  }
}

/**
 * q-quantile of the non-NaN values of `x` with numpy's default linear interpolation (numpy.nanquantile).
 * NaN if there are none. Example: quantile([1, 2, …, 20], 0.1) = 2.9.
 */
export function quantile(x: Float64Array, q: number): number {
  checkProbability(q);
  return quantilesInPlace(finiteCopy(x), [q])[0]!;
}

/** Several quantiles of the non-NaN values of `x`, sorting once. */
export function quantiles(x: Float64Array, qs: readonly number[]): Float64Array {
  qs.forEach(checkProbability);
  return quantilesInPlace(finiteCopy(x), qs);
}

export interface PsiOptions {
  /** 'bin' (default): NaN values form their own bin in both samples; 'drop': NaN values are ignored. */
  readonly missing?: 'bin' | 'drop';
  /** Added to every bin proportion; default 1e-6 (spec 004). */
  readonly epsilon?: number;
}

export interface PsiResult {
  readonly psi: number;
  /** Interior edges after removing duplicates; bin b is [edge_{b−1}, edge_b), outer bins open. */
  readonly edges: Float64Array;
  /** Baseline counts per bin (last entry: the missing bin when missing = 'bin'). */
  readonly baselineCounts: Float64Array;
  readonly currentCounts: Float64Array;
}

/** Σ_b (a_b − e_b) ln(a_b/e_b) with proportions count/n + ε. NaN if either sample is empty. */
function psiFromCounts(e: Float64Array, a: Float64Array, ne: number, na: number, eps: number): number {
  if (ne === 0 || na === 0) return Number.NaN;
  let psi = 0;
  for (let b = 0; b < e.length; b++) {
    const pe = e[b]! / ne + eps;
    const pa = a[b]! / na + eps;
    psi += (pa - pe) * Math.log(pa / pe);
  }
  return psi;
}

/** Number of edges ≤ x (binary search), i.e. the bin index of x. */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Population stability index with baseline-decile bins (methods.md §9.8, adopted): edges are the baseline's
 * numpy-linear quantiles at 0.1..0.9 with duplicates removed, outer bins open, bin = #edges ≤ x, an
 * optional missing bin, proportions count/n + 1e-6. Identical samples give 0. NaN if the baseline has no
 * non-NaN value or either sample is empty.
 * R9.9: baseline 1..20, current 5..24 → 2.522308217393223.
 */
export function psi(baseline: Float64Array, current: Float64Array, options: PsiOptions = {}): PsiResult {
  const missing = options.missing ?? 'bin';
  const eps = options.epsilon ?? 1e-6;
  if (!(eps >= 0))
    throw new InvalidInputError(`epsilon must be ≥ 0, got ${eps}`, { where: { field: 'epsilon' } });
  const finite = finiteCopy(baseline);
  const all = Array.from(quantilesInPlace(finite, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]));
  const edges = Float64Array.from(all.filter((v, k) => k === 0 || v !== all[k - 1]));
  const nBins = edges.length + 1;
  const slots = nBins + (missing === 'bin' ? 1 : 0);
  const e = new Float64Array(slots);
  const a = new Float64Array(slots);
  if (finite.length === 0)
    return { psi: Number.NaN, edges: new Float64Array(0), baselineCounts: e, currentCounts: a };
  for (let i = 0; i < finite.length; i++) e[binOf(edges, finite[i]!)]!++;
  let ne = finite.length;
  let na = 0;
  if (missing === 'bin') {
    e[nBins] = baseline.length - finite.length;
    ne = baseline.length;
  }
  for (let i = 0; i < current.length; i++) {
    const x = current[i]!;
    if (Number.isNaN(x)) {
      if (missing === 'bin') {
        a[nBins]!++;
        na++;
      }
      continue;
    }
    a[binOf(edges, x)]!++;
    na++;
  }
  return { psi: psiFromCounts(e, a, ne, na, eps), edges, baselineCounts: e, currentCounts: a };
}

/**
 * Spec 004's PSI for comparison (methods.md §9.8): `bins` equal-width bins over the baseline's [min, max]
 * (numpy.histogram: last bin closed; a constant baseline uses [v − 0.5, v + 0.5]); current values outside
 * that range are silently dropped while proportions still divide by the full sample size, which is the
 * defect the adopted version fixes. NaN values are dropped. R9.9: 2.3025870929840457.
 */
export function psiEqualWidth(
  baseline: Float64Array,
  current: Float64Array,
  bins = 10,
  epsilon = 1e-6,
): number {
  checkPositiveInteger('bins', bins);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < baseline.length; i++) {
    const v = baseline[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max) || current.length === 0) return Number.NaN;
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => min + ((max - min) * b) / bins);
  edges[bins] = max;
  const count = (x: Float64Array): Float64Array => {
    const c = new Float64Array(bins);
    const norm = bins / (max - min);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!(v >= min && v <= max)) continue;
      // numpy's index computation, then its ±1 corrections against the actual edges.
      let k = Math.floor((v - min) * norm);
      if (k === bins) k--;
      if (v < edges[k]!) k--;
      else if (k !== bins - 1 && v >= edges[k + 1]!) k++;
      c[k]!++;
    }
    return c;
  };
  return psiFromCounts(count(baseline), count(current), baseline.length, current.length, epsilon);
}
