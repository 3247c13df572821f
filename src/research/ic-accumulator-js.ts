/**
 * The JavaScript implementation of the per-date reductions (see ic-accumulator.ts for what they are).
 *
 * Everything research needs from one signal, reduced one date at a time while the neutralised cross-section
 * streams by (so no T×N neutralised panel is kept): for every horizon h,
 * - the daily rank IC series IC_t = corr(rank s_t, rank R^{(h)}_t) (methods.md §3),
 * - IC(ℓ) = mean_t rankcorr(s_t, R^{(h)}_{t+ℓ}) for the decay skips ℓ (IC-decay half-life, §3),
 * - the daily Q5 − Q1 spread with buckets q = ⌈Q·rank/n⌉ (§3),
 * - the score-decay curve LS(s) = mean_t [mean R^{(h)}_{t+s} over the top decile − the bottom decile] (§8).
 *
 * Ranks: the signal is ranked once per date; the forward returns were ranked once per run (context.ts).
 * Both are stored centred (rank − (n+1)/2, half-integers), so Σ products and Σ squares are exact and the
 * IC is a single dot product. When pairwise deletion changes the ranks (the signal's valid stocks differ
 * from the label's) the date falls back to re-ranking on the intersection.
 */

import { BucketRankWorkspace, rankAverageTiesBucketed } from '../signals/bucket-rank.ts';
import type { SignalContext } from '../signals/context.ts';
import { quantileSpread, rankIC } from '../stats/index.ts';
import { I16_DOT_MAX_N, I16DotKernel } from './i16-dot.ts';
import { checkSkips, type HorizonAccumulation, type IcOptions, newAccumulation } from './ic-options.ts';

/**
 * Σ_i cs_i · fr_{base_k + i} for k < count into `out[k]`, three rows per sweep so `cs` is read once per
 * three products. Base kernel: no NaN checks (the caller guarantees complete rows), no allocation.
 */
export function dotCentredRanks(
  N: number,
  cs: Float64Array,
  fr: Float32Array,
  bases: Int32Array,
  count: number,
  out: Float64Array,
): void {
  let k = 0;
  for (; k + 3 <= count; k += 3) {
    const b0 = bases[k]!;
    const b1 = bases[k + 1]!;
    const b2 = bases[k + 2]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const a = cs[i]!;
      s0 += a * fr[b0 + i]!;
      s1 += a * fr[b1 + i]!;
      s2 += a * fr[b2 + i]!;
    }
    out[k] = s0;
    out[k + 1] = s1;
    out[k + 2] = s2;
  }
  for (; k < count; k++) {
    const b0 = bases[k]!;
    let s0 = 0;
    for (let i = 0; i < N; i++) s0 += cs[i]! * fr[b0 + i]!;
    out[k] = s0;
  }
}

/**
 * Streaming reducer in plain JavaScript: call `add(t, z)` for each date in increasing order, then read
 * `horizons`. The reference for the WebAssembly accumulator (ic-accumulator.ts), and its fallback where
 * WebAssembly SIMD is missing or N > 32768.
 */
export class IcAccumulatorJs {
  readonly horizons: HorizonAccumulation[];
  private readonly ctx: SignalContext;
  private readonly o: IcOptions;
  private readonly ws: BucketRankWorkspace;
  private readonly sxy: Float64Array;
  private readonly bases: Int32Array;
  private readonly fastSkip: Int32Array;
  private readonly rank: Float64Array;
  private readonly centred: Float64Array;
  private readonly top: Int32Array;
  /** Per pending score-decay row of the current horizon: skip index, row offset, value, scratch. */
  private readonly lsSkip: Int32Array;
  private readonly lsBase: Int32Array;
  private readonly lsValue: Float64Array;
  private readonly lsMean: Float64Array;
  private readonly bottom: Int32Array;
  /** Stocks per quantile bucket of the current date, and the members of buckets 1 and Q (stock order). */
  private readonly bucketCount: Int32Array;
  private readonly firstBucket: Int32Array;
  private readonly lastBucket: Int32Array;
  private nFirstBucket = 0;
  private nLastBucket = 0;
  /**
   * SIMD rank-IC operands (i16-dot.ts): row 0 = 2 × the signal's centred ranks of the current date, then per
   * horizon a ring of maxSkip + 1 rows holding 2 × the centred forward ranks of dates t … t + maxSkip.
   * Null when N > 32768 (the float loop is used).
   */
  private readonly kernel: I16DotKernel | null;
  private readonly ringRows: number;
  /** Where the doubled ranks go when there is no kernel (N > 32768), so the loop needs no branch. */
  private readonly noKernelScratch: Int16Array;
  /** Per horizon: the next forward-rank date to load into the ring. */
  private readonly ringNext: Int32Array;

  /** Throws InvalidInputError unless `skips` starts with 0 and increases (the daily IC is skip 0). */
  constructor(ctx: SignalContext, options: IcOptions) {
    checkSkips(options.skips);
    const sk = options.skips;
    this.ctx = ctx;
    this.o = options;
    const N = ctx.N;
    this.horizons = ctx.horizons.map((h) => newAccumulation(h, ctx.T, options.skips.length));
    this.ws = new BucketRankWorkspace(N);
    this.sxy = new Float64Array(options.skips.length);
    this.bases = new Int32Array(options.skips.length);
    this.fastSkip = new Int32Array(options.skips.length);
    this.rank = new Float64Array(N);
    this.centred = new Float64Array(N);
    this.top = new Int32Array(N);
    const L = options.skips.length;
    this.lsSkip = new Int32Array(L);
    this.lsBase = new Int32Array(L);
    this.lsValue = new Float64Array(L);
    this.lsMean = new Float64Array(L);
    this.bottom = new Int32Array(N);
    this.bucketCount = new Int32Array(options.quantiles + 1);
    this.firstBucket = new Int32Array(N);
    this.lastBucket = new Int32Array(N);
    this.ringRows = sk[sk.length - 1]! + 1;
    this.kernel =
      N <= I16_DOT_MAX_N ? new I16DotKernel(N, 1 + ctx.horizons.length * this.ringRows, N - 1) : null;
    this.ringNext = new Int32Array(ctx.horizons.length);
    this.noKernelScratch = new Int16Array(this.kernel ? 0 : N);
  }

  /** Kernel row holding date u's forward ranks of horizon hi, loading dates up to u into the ring. */
  private ringRow(hi: number, u: number): number {
    const kernel = this.kernel!;
    const N = this.ctx.N;
    const R = this.ringRows;
    const fr16 = this.ctx.forwardRank16?.[hi];
    const fr = this.ctx.forwardRank[hi]!;
    // Dates older than u − R + 1 are never read again (t only increases), so only the last R are loaded.
    let v = Math.max(this.ringNext[hi]!, u - R + 1);
    for (; v <= u; v++) {
      const row = (1 + hi * R + (v % R)) * kernel.stride;
      if (fr16) kernel.values.set(fr16.subarray(v * N, (v + 1) * N), row);
      else for (let i = 0; i < N; i++) kernel.values[row + i] = 2 * fr[v * N + i]!;
    }
    if (u + 1 > this.ringNext[hi]!) this.ringNext[hi] = u + 1;
    return 1 + hi * R + (u % R);
  }

  /** Adds date t's neutralised cross-section `z` (length N, NaN = no signal). */
  add(t: number, z: Float64Array): void {
    const { ctx, o } = this;
    const N = ctx.N;
    const n = rankAverageTiesBucketed(N, z, 0, this.rank, this.ws);
    if (n < 2) return;
    const c = (n + 1) / 2;
    const cs = this.centred;
    const rank = this.rank;
    const top = this.top;
    const bottom = this.bottom;
    // Quantile bucket ⌈Q·rank/n⌉: divide rather than multiply by Q/n, since Q·rank/n is exact whenever it
    // is an integer, so ceil never crosses a bucket edge.
    const Q = o.quantiles;
    // 2·(rank − (n+1)/2) is an integer; a NaN rank stores 0 (those dates never take the SIMD lane).
    const cs16 = this.kernel ? this.kernel.values : this.noKernelScratch;
    const bucketCount = this.bucketCount;
    const firstBucket = this.firstBucket;
    const lastBucket = this.lastBucket;
    bucketCount.fill(0);
    let nFirst = 0;
    let nLast = 0;
    let sss = 0;
    let nTop = 0;
    let nBottom = 0;
    for (let i = 0; i < N; i++) {
      const r = rank[i]!;
      const v = r - c;
      cs[i] = v;
      if (Number.isNaN(r)) continue;
      sss += v * v;
      cs16[i] = 2 * v;
      // Deciles ⌈10·rank/n⌉: bottom is rank ≤ n/10, top is rank > 9n/10 (exact: ranks are half-integers).
      if (10 * r <= n) bottom[nBottom++] = i;
      else if (10 * r > 9 * n) top[nTop++] = i;
      const b = Math.ceil((Q * r) / n);
      bucketCount[b]!++;
      if (b === 1) firstBucket[nFirst++] = i;
      if (b === Q) lastBucket[nLast++] = i;
    }
    this.nFirstBucket = nFirst;
    this.nLastBucket = nLast;
    const skips = o.skips;
    const L = skips.length;
    const sxy = this.sxy;
    const bases = this.bases;
    const lsSkip = this.lsSkip;
    const lsBase = this.lsBase;
    for (let hi = 0; hi < this.horizons.length; hi++) {
      const acc = this.horizons[hi]!;
      const fr = ctx.forwardRank[hi]!;
      const fCount = ctx.forwardRankCount[hi]!;
      const fSS = ctx.forwardRankSS[hi]!;
      const fwd = ctx.forward[hi]!;
      // Fast lane: no NaN on either side, so the complete pairs are all N stocks and one fused dot
      // product per skip gives Σ cs·cR.
      let nFast = 0;
      if (n === N && N >= o.minCoverage) {
        for (let k = 0; k < L; k++) {
          const u = t + skips[k]!;
          if (u < ctx.T && fCount[u] === N) {
            this.fastSkip[nFast] = k;
            bases[nFast++] = u * N;
          }
        }
        if (this.kernel) {
          // Σ (2c)(2f) = 4 Σ c·f exactly, so the quotient is the float loop's exact sum to the bit.
          for (let f = 0; f < nFast; f++) {
            sxy[f] = this.kernel.dot(0, this.ringRow(hi, bases[f]! / N)) / 4;
          }
        } else dotCentredRanks(N, cs, fr, bases, nFast, sxy);
      }
      let f = 0;
      let nLs = 0;
      for (let k = 0; k < L; k++) {
        const u = t + skips[k]!;
        if (u >= ctx.T || fCount[u]! < 2) continue;
        const base = u * N;
        let ic: number;
        let m: number;
        let sameSet: boolean;
        if (f < nFast && this.fastSkip[f] === k) {
          const den = sss * fSS[u]!;
          ic = den > 0 ? sxy[f]! / Math.sqrt(den) : Number.NaN;
          m = N;
          sameSet = true;
          f++;
        } else {
          let dot = 0;
          m = 0;
          for (let i = 0; i < N; i++) {
            const a = cs[i]!;
            const b = fr[base + i]!;
            if (!Number.isNaN(a) && !Number.isNaN(b)) {
              m++;
              dot += a * b;
            }
          }
          if (m < o.minCoverage || m < 2) continue;
          sameSet = m === n && m === fCount[u]!;
          if (sameSet) {
            const den = sss * fSS[u]!;
            ic = den > 0 ? dot / Math.sqrt(den) : Number.NaN;
          } else {
            ic = rankIC(z, fwd.subarray(base, base + N), o.minCoverage);
          }
        }
        if (k === 0) {
          acc.ic[t] = ic;
          acc.icStocks[t] = Number.isNaN(ic) ? 0 : m;
          acc.spread[t] = this.quantileSpread(z, fwd, base, sameSet);
        }
        if (!Number.isNaN(ic)) {
          acc.lagIcSum[k]! += ic;
          acc.lagIcCount[k]!++;
        }
        lsSkip[nLs] = k;
        lsBase[nLs++] = base;
      }
      // The score-decay spreads of every skip that got this far, in one sweep over the decile members.
      this.decileSpreads(fwd, nLs, nTop, nBottom);
      for (let a = 0; a < nLs; a++) {
        const ls = this.lsValue[a]!;
        if (!Number.isNaN(ls)) {
          acc.lsSum[lsSkip[a]!]! += ls;
          acc.lsCount[lsSkip[a]!]!++;
        }
      }
    }
  }

  /**
   * lsValue[a] = mean R over the top decile − over the bottom decile (members with a label) of the row at
   * lsBase[a], for a < count; NaN if a side has fewer than minBucketSize labels. The members are walked
   * once for all rows: each row's sum still adds its members in stock order, as one loop per row would,
   * but the rows' additions no longer wait on each other.
   */
  private decileSpreads(fwd: Float64Array, count: number, nTop: number, nBottom: number): void {
    const min = this.o.minBucketSize;
    const out = this.lsValue;
    this.membersMeans(fwd, count, this.top, nTop, min);
    for (let a = 0; a < count; a++) out[a] = this.lsMean[a]!;
    this.membersMeans(fwd, count, this.bottom, nBottom, min);
    for (let a = 0; a < count; a++) out[a] = out[a]! - this.lsMean[a]!;
  }

  /**
   * lsMean[a] = mean of fwd[lsBase[a] + members[j]] over its non-NaN values (NaN below minCount). Three
   * rows per sweep in local accumulators, each summed in member order.
   */
  private membersMeans(
    fwd: Float64Array,
    count: number,
    members: Int32Array,
    nMembers: number,
    minCount: number,
  ): void {
    const out = this.lsMean;
    const base = this.lsBase;
    const mean = (sum: number, n: number) => (n < minCount ? Number.NaN : sum / n);
    let a = 0;
    for (; a + 3 <= count; a += 3) {
      const b0 = base[a]!;
      const b1 = base[a + 1]!;
      const b2 = base[a + 2]!;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let n0 = 0;
      let n1 = 0;
      let n2 = 0;
      for (let j = 0; j < nMembers; j++) {
        const i = members[j]!;
        const v0 = fwd[b0 + i]!;
        const v1 = fwd[b1 + i]!;
        const v2 = fwd[b2 + i]!;
        if (!Number.isNaN(v0)) {
          s0 += v0;
          n0++;
        }
        if (!Number.isNaN(v1)) {
          s1 += v1;
          n1++;
        }
        if (!Number.isNaN(v2)) {
          s2 += v2;
          n2++;
        }
      }
      out[a] = mean(s0, n0);
      out[a + 1] = mean(s1, n1);
      out[a + 2] = mean(s2, n2);
    }
    for (; a < count; a++) {
      const b0 = base[a]!;
      let s0 = 0;
      let n0 = 0;
      for (let j = 0; j < nMembers; j++) {
        const v0 = fwd[b0 + members[j]!]!;
        if (!Number.isNaN(v0)) {
          s0 += v0;
          n0++;
        }
      }
      out[a] = mean(s0, n0);
    }
  }

  /**
   * Q5 − Q1 of R on the stocks with both a signal and a label, bucketed by ⌈Q·rank/n⌉ over that set
   * (methods.md §3). `sameSet` says the signal's ranks are already ranks over that set.
   */
  private quantileSpread(z: Float64Array, fwd: Float64Array, base: number, sameSet: boolean): number {
    const Q = this.o.quantiles;
    const N = this.ctx.N;
    if (!sameSet) {
      return quantileSpread(z, fwd.subarray(base, base + N), {
        quantiles: Q,
        minBucketSize: this.o.minBucketSize,
      });
    }
    // Same set: the date's buckets (from the signal's ranks over exactly these stocks) apply as they are,
    // every member has a label, so the counts are the date's and only buckets 1 and Q need sums (each
    // summed in stock order, as a pass over all stocks would).
    const cnt = this.bucketCount;
    for (let q = 1; q <= Q; q++) if (cnt[q]! < this.o.minBucketSize) return Number.NaN;
    let top = 0;
    for (let j = 0; j < this.nLastBucket; j++) top += fwd[base + this.lastBucket[j]!]!;
    let bottom = 0;
    for (let j = 0; j < this.nFirstBucket; j++) bottom += fwd[base + this.firstBucket[j]!]!;
    return top / cnt[Q]! - bottom / cnt[1]!;
  }
}
