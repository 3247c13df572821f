/**
 * Pairwise-complete Pearson and Spearman correlation and rank IC (methods.md §3).
 *
 * Covariance and both variances use the same normalisation, so the ratio cannot exceed 1 (spec 002 mixes
 * ddof 1 and ddof 0, R3.1). A vector is treated as constant when its standard deviation is at most
 * 1e-12 × its largest magnitude (spread below roundoff of the data's scale, methods.md §0 "Degenerate
 * denominators"); the correlation is then NaN, never 0.
 */
import { checkNonNegativeInteger, checkSameLength } from './checks.ts';
import { type RankWorkspace, rankAverageTiesStrided, sharedRankWorkspace } from './rank.ts';

/** Relative spread below which a vector counts as constant. */
const CONSTANT_RELATIVE_SD = 1e-12;

let pairX = new Float64Array(2048);
let pairY = new Float64Array(2048);
let rankX = new Float64Array(2048);
let rankY = new Float64Array(2048);

function ensurePairBuffers(n: number): void {
  if (pairX.length >= n) return;
  const cap = Math.max(n, pairX.length * 2);
  pairX = new Float64Array(cap);
  pairY = new Float64Array(cap);
  rankX = new Float64Array(cap);
  rankY = new Float64Array(cap);
}

/**
 * Base kernel: Pearson correlation of the m complete values `x[0..m)`, `y[0..m)` (no NaN), two-pass
 * (means first, then centred cross-products). NaN if m < 2 or either vector is constant. No checks.
 */
export function pearsonComplete(m: number, x: Float64Array, y: Float64Array): number {
  if (m < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  let maxX = 0;
  let maxY = 0;
  for (let k = 0; k < m; k++) {
    const a = x[k]!;
    const b = y[k]!;
    sx += a;
    sy += b;
    const aa = a < 0 ? -a : a;
    const bb = b < 0 ? -b : b;
    if (aa > maxX) maxX = aa;
    if (bb > maxY) maxY = bb;
  }
  const mx = sx / m;
  const my = sy / m;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < m; k++) {
    const a = x[k]! - mx;
    const b = y[k]! - my;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  const tolX = CONSTANT_RELATIVE_SD * maxX;
  const tolY = CONSTANT_RELATIVE_SD * maxY;
  if (sxx <= m * tolX * tolX || syy <= m * tolY * tolY) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Copies the pairs where both `x` and `y` are non-NaN into the front of `px`, `py`; returns their count. */
function compactPairs(
  n: number,
  x: Float64Array,
  y: Float64Array,
  px: Float64Array,
  py: Float64Array,
): number {
  let m = 0;
  for (let k = 0; k < n; k++) {
    const a = x[k]!;
    const b = y[k]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) {
      px[m] = a;
      py[m] = b;
      m++;
    }
  }
  return m;
}

/**
 * Pearson correlation over the pairs where both values are non-NaN (pairwise deletion). NaN if fewer than
 * 2 pairs or either side is constant. Example: pearson([1, 2, 3], [2, 4, 7]) = 0.9933992677987828.
 */
export function pearson(x: Float64Array, y: Float64Array): number {
  checkSameLength('x', x, 'y', y);
  ensurePairBuffers(x.length);
  const m = compactPairs(x.length, x, y, pairX, pairY);
  return pearsonComplete(m, pairX, pairY);
}

/**
 * Base kernel: Pearson correlation of two average-rank vectors of the same m values each (ranks 1..m, no
 * NaN). Their means are exactly (m + 1)/2, so one pass suffices. NaN if m < 2 or either is constant.
 */
export function pearsonOfRanks(m: number, rx: Float64Array, ry: Float64Array): number {
  if (m < 2) return Number.NaN;
  const c = (m + 1) / 2;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < m; k++) {
    const a = rx[k]! - c;
    const b = ry[k]! - c;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  // Average ranks are multiples of 1/2 and c is exact, so a constant vector has sxx exactly 0.
  if (sxx <= 0 || syy <= 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Base kernel: rank IC of m complete pairs `px[0..m)`, `py[0..m)`: Pearson of their average ranks.
 * NaN if m < minCount or either ranked vector is constant. Uses `ws` and the rank buffers.
 */
function rankICComplete(
  m: number,
  px: Float64Array,
  py: Float64Array,
  minCount: number,
  ws: RankWorkspace,
  rx: Float64Array,
  ry: Float64Array,
): number {
  if (m < minCount || m < 2) return Number.NaN;
  rankAverageTiesStrided(m, px, 0, 1, rx, 0, 1, ws);
  rankAverageTiesStrided(m, py, 0, 1, ry, 0, 1, ws);
  return pearsonOfRanks(m, rx, ry);
}

/**
 * Spearman's ρ over pairwise-complete values: Pearson of the average ranks, both ranked on the pairs where
 * both are non-NaN (scipy `spearmanr` with `nan_policy='omit'`). NaN if fewer than 2 pairs or either ranked
 * vector is constant. Example (R3.1): spearman([1, 2, 2, 3, 4, 5], [0.1, 0.3, 0.2, 0.5, 0.4, 0.6]) =
 * 0.9276336570439174.
 */
export function spearman(x: Float64Array, y: Float64Array): number {
  return rankIC(x, y, 2);
}

/**
 * Rank IC of one date (methods.md §3): Spearman correlation of `signal` and `forward` over the stocks where
 * both are non-NaN. NaN if fewer than `minCount` such stocks (spec 002: 252) or either ranked vector is
 * constant. Example: rankIC(s, R, 6) = 0.9276336570439174 for R3.1.
 */
export function rankIC(signal: Float64Array, forward: Float64Array, minCount: number): number {
  checkSameLength('signal', signal, 'forward', forward);
  checkNonNegativeInteger('minCount', minCount);
  ensurePairBuffers(signal.length);
  const m = compactPairs(signal.length, signal, forward, pairX, pairY);
  return rankICComplete(m, pairX, pairY, minCount, sharedRankWorkspace(), rankX, rankY);
}

/**
 * Average ranks of one date's forward returns, computed once and shared by every signal's rank IC
 * (architecture.md §5: "ranks of forward returns are computed once per run").
 */
export interface RankedTarget {
  /** The forward returns the ranks were computed from (NaN = missing). Not copied. */
  readonly values: Float64Array;
  /** Average ranks 1..count over the non-NaN values; NaN where `values` is NaN. */
  readonly ranks: Float64Array;
  /** Number of non-NaN values. */
  readonly count: number;
}

/** Ranks `forward` once for use with {@link rankICWithRankedTarget}. */
export function rankTarget(forward: Float64Array): RankedTarget {
  const ranks = new Float64Array(forward.length);
  const count = rankAverageTiesStrided(forward.length, forward, 0, 1, ranks, 0, 1, sharedRankWorkspace());
  return { values: forward, ranks, count };
}

/**
 * Rank IC of `signal` against a pre-ranked target; equal to `rankIC(signal, target.values, minCount)`.
 *
 * Pairwise deletion changes the target's ranks whenever the signal is NaN on a stock where the target is
 * not, so the stored ranks are reused only when the complete pairs are exactly the target's non-NaN stocks;
 * otherwise the target is re-ranked on the intersection. The signal is always ranked on the intersection.
 */
export function rankICWithRankedTarget(signal: Float64Array, target: RankedTarget, minCount: number): number {
  checkSameLength('target.values', target.values, 'signal', signal);
  checkNonNegativeInteger('minCount', minCount);
  const n = signal.length;
  const fwd = target.values;
  const tr = target.ranks;
  ensurePairBuffers(n);
  const px = pairX;
  const py = pairY;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const a = signal[k]!;
    const r = tr[k]!;
    if (!Number.isNaN(a) && !Number.isNaN(r)) {
      px[m] = a;
      rankY[m] = r;
      py[m] = fwd[k]!;
      m++;
    }
  }
  if (m < minCount || m < 2) return Number.NaN;
  const ws = sharedRankWorkspace();
  if (m !== target.count) return rankICComplete(m, px, py, minCount, ws, rankX, rankY);
  rankAverageTiesStrided(m, px, 0, 1, rankX, 0, 1, ws);
  return pearsonOfRanks(m, rankX, rankY);
}
