/**
 * Daily cross-sectional neutralisation of a raw signal (methods.md §2): winsorise at kσ (ddof 0), take the
 * Frisch–Waugh–Lovell residual on sector dummies + [ln mcap, β] over the complete-case stocks, z-score
 * (ddof 0). NaN is never zero-filled: a stock without a signal or a regressor gets NaN.
 *
 * The per-date residualisers depend only on the context, so each thread builds them once and every signal
 * reuses them (O(N·K) per signal and date).
 */
import { CrossSectionResidualizer, winsorizeCrossSection, zscoreCrossSection } from '../stats/index.ts';
import type { SignalContext } from './context.ts';

const cache = new WeakMap<SignalContext, (CrossSectionResidualizer | undefined)[]>();

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
  constructor(N: number) {
    this.winsorized = new Float64Array(N);
    this.residual = new Float64Array(N);
  }
}

/**
 * Neutralises the raw cross-section `raw` (length N) of date t into `out`: winsorise, FWL residual,
 * z-score. Returns the number of non-NaN outputs (0 when the date has too few stocks: fewer than 3 raw
 * values, N_t − rank(X) < 2, or a residual spread ≤ 1e-12).
 */
export function neutralizeRow(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) if (!Number.isNaN(raw[i]!)) n++;
  if (n < 3) {
    out.fill(Number.NaN);
    return 0;
  }
  winsorizeCrossSection(raw, ctx.winsorizeK, scratch.winsorized);
  residualizerAt(ctx, t).residualize(scratch.winsorized, scratch.residual);
  zscoreCrossSection(scratch.residual, out);
  let m = 0;
  for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i]!)) m++;
  return m;
}
