/**
 * One-date cross-sectional transforms (methods.md §1): winsorisation at k σ, z-score and within-group
 * demeaning. The cross-section is the population, so σ uses ddof 0. NaN stays NaN.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkPositiveInteger, checkSameLength, outputArray } from './checks.ts';

/** σ at or below this is "no spread" for winsorise and z-score (methods.md §1). */
export const CROSS_SECTION_MIN_SD = 1e-12;

/**
 * Base kernel: shifted two-pass mean and ddof-0 standard deviation of the non-NaN values of `x[off..off+n)`.
 * Writes [count, mean, sd] into `stats`. No checks.
 */
export function nanMeanStdDdof0(n: number, x: Float64Array, off: number, stats: Float64Array): void {
  let count = 0;
  let sum = 0;
  // Summing x − x_first keeps the mean accurate for data far from 0 (e.g. 1e6 + noise).
  let shift = Number.NaN;
  for (let k = 0; k < n; k++) {
    const v = x[off + k]!;
    if (!Number.isNaN(v)) {
      if (count === 0) shift = v;
      sum += v - shift;
      count++;
    }
  }
  const mean = shift + sum / count;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const v = x[off + k]!;
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  }
  stats[0] = count;
  stats[1] = mean;
  stats[2] = Math.sqrt(ss / count);
}

const scratchStats = new Float64Array(3);

/**
 * Single-pass cross-sectional winsorisation at k σ (methods.md §1): μ, σ (ddof 0) of the non-NaN values,
 * then clip to [μ − kσ, μ + kσ]; NaN stays NaN. Returned unchanged (copied to `out`) if fewer than 3 values
 * or σ ≤ 1e-12. Not iterated: clipping moves μ and σ, so a later z-score is not bounded by k.
 * Example (R1.2): x = [0, 0.1, …, 1.8, 50], k = 3 clips 50 to 35.49821506943572.
 */
export function winsorizeCrossSection(x: Float64Array, k: number, out?: Float64Array): Float64Array {
  if (!(k > 0)) {
    throw new InvalidInputError(`winsorisation multiple k must be positive, got ${k}`, {
      where: { field: 'k' },
    });
  }
  const r = outputArray(out, x.length);
  nanMeanStdDdof0(x.length, x, 0, scratchStats);
  const count = scratchStats[0]!;
  const mu = scratchStats[1]!;
  const sigma = scratchStats[2]!;
  if (count < 3 || !(sigma > CROSS_SECTION_MIN_SD)) {
    if (r !== x) r.set(x);
    return r;
  }
  const lo = mu - k * sigma;
  const hi = mu + k * sigma;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    r[i] = Math.min(Math.max(v, lo), hi);
  }
  return r;
}

/**
 * Cross-sectional z-score (methods.md §1): (x − mean)/std over the non-NaN values, std with ddof 0; NaN
 * stays NaN. Every value is NaN if fewer than 2 values or std ≤ 1e-12.
 * Example (R1.3): zscoreCrossSection([1, NaN, 3, 5]) = [−1.224744871391589, NaN, 0, 1.224744871391589].
 */
export function zscoreCrossSection(x: Float64Array, out?: Float64Array): Float64Array {
  const r = outputArray(out, x.length);
  nanMeanStdDdof0(x.length, x, 0, scratchStats);
  const count = scratchStats[0]!;
  const mu = scratchStats[1]!;
  const sd = scratchStats[2]!;
  if (count < 2 || !(sd > CROSS_SECTION_MIN_SD)) {
    r.fill(Number.NaN);
    return r;
  }
  for (let i = 0; i < x.length; i++) r[i] = (x[i]! - mu) / sd;
  return r;
}

/** Checks that every group id is −1 (no group) or in [0, nGroups). */
export function checkGroups(groups: Int32Array, nGroups: number): void {
  checkPositiveInteger('nGroups', nGroups);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g < -1 || g >= nGroups) {
      throw new InvalidInputError(
        `group id ${g} at position ${i} is outside [0, ${nGroups}) (use −1 for none)`,
        {
          where: { field: 'groups', row: i },
        },
      );
    }
  }
}

/**
 * Base kernel: subtracts from each non-NaN `x[i]` the mean of the non-NaN values of its group; NaN or
 * group −1 gives NaN. `sums` and `counts` are scratch of length ≥ nGroups. No checks.
 */
export function demeanWithinGroupsKernel(
  n: number,
  x: Float64Array,
  groups: Int32Array,
  nGroups: number,
  out: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  sums.fill(0, 0, nGroups);
  counts.fill(0, 0, nGroups);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const g = groups[i]!;
    if (!Number.isNaN(v) && g >= 0) {
      sums[g]! += v;
      counts[g]!++;
    }
  }
  for (let g = 0; g < nGroups; g++) sums[g] = sums[g]! / counts[g]!;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    out[i] = g >= 0 ? x[i]! - sums[g]! : Number.NaN;
  }
}

/**
 * Within-group demeaning M_D x (methods.md §2): x_i minus the mean of the non-NaN values of its group.
 * NaN stays NaN; a group id of −1 gives NaN; a singleton group gives exactly 0.
 * Example: demeanWithinGroups([1, 3, 10], [0, 0, 1], 2) = [−1, 1, 0].
 */
export function demeanWithinGroups(
  x: Float64Array,
  groups: Int32Array,
  nGroups: number,
  out?: Float64Array,
): Float64Array {
  checkSameLength('x', x, 'groups', groups);
  checkGroups(groups, nGroups);
  const r = outputArray(out, x.length);
  demeanWithinGroupsKernel(
    x.length,
    x,
    groups,
    nGroups,
    r,
    new Float64Array(nGroups),
    new Float64Array(nGroups),
  );
  return r;
}
