/**
 * Daily cross-sectional neutralisation of a raw signal (methods.md §2): winsorise at kσ (ddof 0), take the
 * Frisch–Waugh–Lovell residual on sector dummies + [ln mcap, β] over the complete-case stocks, z-score
 * (ddof 0). NaN is never zero-filled: a stock without a signal or a regressor gets NaN.
 *
 * The per-date residualisers depend only on the context, so each thread builds them once and every signal
 * reuses them (O(N·K) per signal and date).
 */
import {
  CROSS_SECTION_MIN_SD,
  CrossSectionResidualizer,
  winsorizeCrossSection,
  zscoreCrossSection,
} from '../stats/index.ts';
import type { ResidualizerBasis } from '../stats/residualize.ts';
import type { SignalContext } from './context.ts';

const cache = new WeakMap<SignalContext, (CrossSectionResidualizer | undefined)[]>();
const basisCache = new WeakMap<SignalContext, (ResidualizerBasis | undefined)[]>();
let sumsScratch = new Float64Array(0);

function groupSums(G: number): Float64Array {
  if (sumsScratch.length !== G) sumsScratch = new Float64Array(G);
  return sumsScratch;
}

function basisAt(ctx: SignalContext, t: number, r: CrossSectionResidualizer): ResidualizerBasis {
  let list = basisCache.get(ctx);
  if (!list) {
    list = new Array(ctx.T);
    basisCache.set(ctx, list);
  }
  let b = list[t];
  if (!b) {
    b = r.basis();
    list[t] = b;
  }
  return b;
}

/** The residualiser of date t (built on first use in this thread). */
export function residualizerAt(ctx: SignalContext, t: number): CrossSectionResidualizer {
  let list = cache.get(ctx);
  if (!list) {
    list = new Array(ctx.T);
    cache.set(ctx, list);
  }
  let r = list[t];
  if (!r) {
    const N = ctx.N;
    r = new CrossSectionResidualizer(
      ctx.sectorOf,
      ctx.nSectors,
      ctx.regressors.map((z) => z.subarray(t * N, (t + 1) * N)),
    );
    list[t] = r;
  }
  return r;
}

/** Scratch rows for {@link neutralizeRow}; one per thread and signal loop. */
export class NeutralizeScratch {
  readonly winsorized: Float64Array;
  readonly residual: Float64Array;
  /** Compacted over a date's complete-case rows: winsorised values, then residuals. */
  readonly compact: Float64Array;
  constructor(N: number) {
    this.winsorized = new Float64Array(N);
    this.residual = new Float64Array(N);
    this.compact = new Float64Array(N);
  }
}

/**
 * Neutralises the raw cross-section `raw` (length N) of date t into `out`: winsorise, FWL residual,
 * z-score. Returns the number of non-NaN outputs (0 when the date has too few stocks: fewer than 3 raw
 * values, N_t − rank(X) < 2, or a residual spread ≤ 1e-12).
 *
 * One fused sweep of the three steps (docs/decisions/025) with exactly the floating-point operations of
 * `winsorizeCrossSection`, `CrossSectionResidualizer.residualize` and `zscoreCrossSection` in the same
 * order, so the result is the same to the bit; only a signal that is NaN on some of the date's
 * complete-case rows takes the general path (the residualiser restricted to the signal's rows).
 */
export function neutralizeRow(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  const N = raw.length;
  // Winsorisation bounds: nanMeanStdDdof0 (shifted two-pass), then μ ± kσ.
  let n = 0;
  let sum = 0;
  let first = Number.NaN;
  for (let i = 0; i < N; i++) {
    const v = raw[i]!;
    if (!Number.isNaN(v)) {
      if (n === 0) first = v;
      sum += v - first;
      n++;
    }
  }
  if (n < 3) {
    out.fill(Number.NaN);
    return 0;
  }
  const mu = first + sum / n;
  let ss = 0;
  for (let i = 0; i < N; i++) {
    const v = raw[i]!;
    if (!Number.isNaN(v)) ss += (v - mu) * (v - mu);
  }
  const sigma = Math.sqrt(ss / n);
  const clip = sigma > CROSS_SECTION_MIN_SD;
  const k = ctx.winsorizeK;
  const lo = mu - k * sigma;
  const hi = mu + k * sigma;

  const res = residualizerAt(ctx, t);
  if (res.skipped) {
    out.fill(Number.NaN);
    return 0;
  }
  const { rows, rowGroup, incompleteRows, invGroupSize, q } = basisAt(ctx, t, res);
  const m = rows.length;
  const w = scratch.compact;
  const sums = groupSums(invGroupSize.length);
  sums.fill(0);
  let anyNaN = false;
  for (let j = 0; j < m; j++) {
    const v = raw[rows[j]!]!;
    const x = clip ? Math.min(Math.max(v, lo), hi) : v;
    w[j] = x;
    sums[rowGroup[j]!]! += x;
  }
  for (let g = 0; g < sums.length; g++) {
    sums[g] = sums[g]! * invGroupSize[g]!;
    if (Number.isNaN(sums[g]!)) anyNaN = true;
  }
  if (anyNaN) {
    let covered = true;
    for (let j = 0; j < m && covered; j++) covered = !Number.isNaN(w[j]!);
    if (!covered) return neutralizeRowGeneral(ctx, t, raw, out, scratch);
  }
  // e = M_D w − Q Qᵀ M_D w on the complete-case rows (CrossSectionResidualizer.applyCompact), then the
  // z-score moments of e over its non-NaN values in stock order (rows increase, every other stock is NaN).
  let ne = 0;
  let se = 0;
  let fe = Number.NaN;
  const r = q.length;
  if (r === 2) {
    const q0 = q[0]!;
    const q1 = q[1]!;
    let c0 = 0;
    let c1 = 0;
    for (let j = 0; j < m; j++) {
      const d = w[j]! - sums[rowGroup[j]!]!;
      w[j] = d;
      c0 += q0[j]! * d;
      c1 += q1[j]! * d;
    }
    // The residual, and at once the z-score's shifted sum over its non-NaN values in stock order.
    for (let j = 0; j < m; j++) {
      const v = w[j]! - c0 * q0[j]! - c1 * q1[j]!;
      w[j] = v;
      if (!Number.isNaN(v)) {
        if (ne === 0) fe = v;
        se += v - fe;
        ne++;
      }
    }
  } else {
    for (let j = 0; j < m; j++) w[j] = w[j]! - sums[rowGroup[j]!]!;
    for (let jq = 0; jq < r; jq++) {
      const qj = q[jq]!;
      let dot = 0;
      for (let j = 0; j < m; j++) dot += qj[j]! * w[j]!;
      for (let j = 0; j < m; j++) w[j] = w[j]! - dot * qj[j]!;
    }
    for (let j = 0; j < m; j++) {
      const v = w[j]!;
      if (!Number.isNaN(v)) {
        if (ne === 0) fe = v;
        se += v - fe;
        ne++;
      }
    }
  }
  const me = fe + se / ne;
  let sse = 0;
  for (let j = 0; j < m; j++) {
    const v = w[j]!;
    if (!Number.isNaN(v)) sse += (v - me) * (v - me);
  }
  const sd = Math.sqrt(sse / ne);
  if (ne < 2 || !(sd > CROSS_SECTION_MIN_SD)) {
    out.fill(Number.NaN);
    return 0;
  }
  for (let j = 0; j < incompleteRows.length; j++) out[incompleteRows[j]!] = Number.NaN;
  let count = 0;
  for (let j = 0; j < m; j++) {
    const z = (w[j]! - me) / sd;
    out[rows[j]!] = z;
    if (!Number.isNaN(z)) count++;
  }
  return count;
}

/** The unfused steps, for a signal that is NaN on some complete-case rows (the basis must be rebuilt). */
function neutralizeRowGeneral(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  winsorizeCrossSection(raw, ctx.winsorizeK, scratch.winsorized);
  residualizerAt(ctx, t).residualize(scratch.winsorized, scratch.residual);
  zscoreCrossSection(scratch.residual, out);
  let m = 0;
  for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i]!)) m++;
  return m;
}
