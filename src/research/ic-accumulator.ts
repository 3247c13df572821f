/**
 * Everything research needs from one signal, reduced one date at a time while the neutralised cross-section
 * streams by (so no T×N neutralised panel is kept): for every horizon h,
 * - the daily rank IC series IC_t = corr(rank s_t, rank R^{(h)}_t) (methods.md §3),
 * - IC(ℓ) = mean_t rankcorr(s_t, R^{(h)}_{t+ℓ}) for the decay skips ℓ (IC-decay half-life, §3),
 * - the daily Q5 − Q1 spread with buckets q = ⌈Q·rank/n⌉ (§3),
 * - the score-decay curve LS(s) = mean_t [mean R^{(h)}_{t+s} over the top decile − the bottom decile] (§8),
 * and the duplicate hash of the neutralised values (signals/duplicates.ts).
 *
 * Ranks: the signal is ranked once per date; the forward returns were ranked once per run (context.ts).
 * Both are centred (rank − (n+1)/2, half-integers), so Σ products and Σ squares are exact and the IC is a
 * single dot product — an int16 SIMD dot of the doubled ranks. When pairwise deletion changes the ranks
 * (the signal's valid stocks differ from the label's) the date falls back to re-ranking on the
 * intersection.
 *
 * The per-date work runs in WebAssembly (date-kernel.ts): the row is copied into the kernel's memory once,
 * ranked, classified (centred ranks, deciles, quantile buckets) and hashed there; the doubled forward ranks
 * of dates t … t + max skip are kept in rings in the same memory, which the accumulators of the signals a
 * task streams in lockstep share (ic-kernel-memory.ts, decision 162). A decile spread LS_t(s) waits, as date t's
 * member lists in a ring, until its forward-return row t + s is the current date's: each row is copied in
 * once and gathered by every skip while it is in cache (decision 027). The JavaScript
 * reference (ic-accumulator-js.ts) takes over where WebAssembly SIMD is missing or N > 32768. Outputs equal
 * the reference's except for the rounding of the member means (spreads, LS), see date-kernel.ts.
 */

import type { SignalContext } from '../signals/context.ts';
import { foldValueHashLanes, VALUE_HASH_SEEDS, ValueHasher } from '../signals/duplicates.ts';
import { quantileSpread, RankWorkspace, rankAverageTiesStrided, rankIC } from '../stats/index.ts';
import { type DateKernelExports, MAX_SPREAD_PAIRS } from './date-kernel.ts';
import { IcAccumulatorJs } from './ic-accumulator-js.ts';
import { IcKernelMemory, type OwnLayout, ownLayout } from './ic-kernel-memory.ts';
import { checkSkips, type HorizonAccumulation, type IcOptions, newAccumulation } from './ic-options.ts';

export { dotCentredRanks } from './ic-accumulator-js.ts';
export { IcKernelMemory } from './ic-kernel-memory.ts';
export { defaultIcOptions, type HorizonAccumulation, type IcOptions } from './ic-options.ts';

/**
 * Streaming reducer and hasher of one signal: call `visit(t, z, reduce)` for each date in increasing order,
 * then read `horizons` and `digest()`.
 */
export class IcAccumulator {
  readonly horizons: HorizonAccumulation[];
  private readonly ctx: SignalContext;
  private readonly o: IcOptions;
  /** The JavaScript reference and a JS hasher, when there is no kernel. */
  private readonly js: IcAccumulatorJs | null;
  private readonly jsHasher: ValueHasher | null;
  private readonly k: DateKernelExports | null;
  /** The spreads kernels by number of row pairs (index 1 … MAX_SPREAD_PAIRS), with and without NaN masks. */
  private readonly spreadsMasked: ((...args: number[]) => void)[] = [];
  private readonly spreadsComplete: ((...args: number[]) => void)[] = [];
  private readonly L: OwnLayout;
  /** The kernel memory: this accumulator's region in it, and the forward rows it shares with its group. */
  private readonly g: IcKernelMemory | null;
  private readonly R: number;
  private readonly x: Float64Array;
  private readonly rank: Float64Array;
  /** Stock indices in ascending order of the signal (the ranker's sort). */
  private readonly sorted: Int32Array;
  /** Centred ranks as float64, filled only for dates that need the general (NaN-aware) IC loop. */
  private readonly centred: Float64Array;
  private centredDate = -1;
  /** The date's quantile-bucket boundaries: #{ranks r with Q·r ≤ q·n}, q = 0 … Q. */
  private readonly bucketEnd: Int32Array;
  private readonly hashState: Int32Array;
  private readonly dotRows: Int32Array;
  private readonly dotOut: Float64Array;
  private readonly rowList: Int32Array;
  private readonly spreadOut: Float64Array;
  private readonly rws: RankWorkspace;
  /** Queued rows (byte addresses) of the date's Q5 − Q1 spreads, one per horizon. */
  private readonly qRow: Int32Array;
  private readonly qHorizon: Int32Array;
  private readonly qComplete: Uint8Array;
  /**
   * The decile spreads LS_t(s) wait in a ring until their row u = t + s is loaded (finishRow): per slot
   * t mod R the date it holds, its decile sizes, and a flag per (horizon, skip) whose LS the date's IC
   * loop asked for; the member lists are in the kernel memory (`members`).
   */
  private readonly slotDate: Int32Array;
  private readonly slotBottom: Int32Array;
  private readonly slotTop: Int32Array;
  private readonly lsWanted: Uint8Array;
  private readonly members: Int32Array;
  /** The rows of one date u's decile spreads: byte addresses, label completeness, horizons. */
  private readonly lsRow: Int32Array;
  private readonly lsComplete: Uint8Array;
  private readonly lsHorizon: Int32Array;
  /** The next forward row to finish (every LS of rows before it is added). */
  private rowNext = 0;
  /** Exact integer dots flush int32 lanes every `block` vectors (i16-dot.ts). */
  private readonly block: number;

  /**
   * Throws InvalidInputError unless `skips` starts with 0 and increases (the daily IC is skip 0). `memory`:
   * a kernel memory made for the same context and options, shared with the other accumulators of a lockstep
   * group (ic-kernel-memory.ts); default one of its own.
   */
  constructor(ctx: SignalContext, options: IcOptions, memory?: IcKernelMemory) {
    checkSkips(options.skips);
    this.ctx = ctx;
    this.o = options;
    const N = ctx.N;
    const H = ctx.horizons.length;
    const S = options.skips.length;
    this.R = options.skips[S - 1]! + 1;
    this.qRow = new Int32Array(H);
    this.qHorizon = new Int32Array(H);
    this.qComplete = new Uint8Array(H);
    this.slotDate = new Int32Array(this.R).fill(-1);
    this.slotBottom = new Int32Array(this.R);
    this.slotTop = new Int32Array(this.R);
    this.lsWanted = new Uint8Array(this.R * H * S);
    this.lsRow = new Int32Array(H);
    this.lsComplete = new Uint8Array(H);
    this.lsHorizon = new Int32Array(H);
    this.rws = new RankWorkspace(N);
    this.block = Math.max(1, Math.floor(0x7fffffff / (2 * Math.max(1, (N - 1) * (N - 1)))));
    const g = IcAccumulator.forceJs ? null : (memory ?? new IcKernelMemory(ctx, options));
    if (!g?.k) {
      this.js = new IcAccumulatorJs(ctx, options);
      this.jsHasher = new ValueHasher();
      this.horizons = this.js.horizons;
      this.k = null;
      this.g = null;
      this.L = ownLayout(0, 0, 0, 0, 0);
      const none = new ArrayBuffer(0);
      [this.dotRows, this.rowList] = [new Int32Array(0), new Int32Array(0)];
      [this.x, this.rank, this.centred, this.dotOut, this.spreadOut] = Array.from(
        { length: 5 },
        () => new Float64Array(none),
      ) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      [this.sorted, this.bucketEnd, this.hashState, this.members] = [
        new Int32Array(0),
        new Int32Array(0),
        new Int32Array(0),
        new Int32Array(0),
      ];
      return;
    }
    this.js = null;
    this.jsHasher = null;
    this.horizons = ctx.horizons.map((h) => newAccumulation(h, ctx.T, S));
    this.g = g;
    this.k = g.k;
    this.L = g.claim();
    for (let P = 1; P <= MAX_SPREAD_PAIRS; P++) {
      this.spreadsMasked[P] = this.k[`spreads${P}`]!;
      this.spreadsComplete[P] = this.k[`spreads${P}Complete`]!;
    }
    const buf = g.buffer;
    const L = this.L;
    this.x = new Float64Array(buf, L.rank.x, N);
    this.rank = new Float64Array(buf, L.rank.out, N);
    this.sorted = new Int32Array(buf, L.rank.sorted, N);
    this.centred = new Float64Array(N);
    this.bucketEnd = new Int32Array(options.quantiles + 1);
    this.hashState = new Int32Array(buf, L.hashState, 8);
    this.dotRows = new Int32Array(buf, L.dotRows, H * S);
    this.dotOut = new Float64Array(buf, L.dotOut, H * S);
    this.rowList = new Int32Array(buf, L.rowList, 2 * MAX_SPREAD_PAIRS + 1);
    this.spreadOut = new Float64Array(buf, L.spreadOut, H * S + 2 * MAX_SPREAD_PAIRS);
    this.members = new Int32Array(buf, L.members, N * this.R);
    this.hashState.set(VALUE_HASH_SEEDS);
  }

  /** Hashes date t's neutralised cross-section `z` (length N, NaN = no signal) and, if `reduce`, adds it. */
  visit(t: number, z: Float64Array, reduce: boolean): void {
    if (this.js) {
      this.jsHasher!.update(z);
      if (reduce) this.js.add(t, z);
      return;
    }
    const N = this.ctx.N;
    this.g!.enter(t);
    this.x.set(z.length === N ? z : z.subarray(0, N));
    this.k!.hash(this.L.rank.x, N, this.L.hashState);
    this.finishRows(t - 1);
    if (reduce) this.reduceLoaded(t, z);
    this.finishRows(t);
  }

  /** Tests set this to run the JavaScript reference path on machines that have WebAssembly SIMD. */
  static forceJs = false;

  /** True when the WebAssembly kernels are in use (false: the JavaScript reference). */
  get wasm(): boolean {
    return this.k !== null;
  }

  /** Adds date t without hashing it. */
  add(t: number, z: Float64Array): void {
    if (this.js) {
      this.js.add(t, z);
      return;
    }
    this.g!.enter(t);
    this.x.set(z.length === this.ctx.N ? z : z.subarray(0, this.ctx.N));
    this.finishRows(t - 1);
    this.reduceLoaded(t, z);
    this.finishRows(t);
  }

  /** The duplicate hash of every row visited (16 hex digits, equal to signals' ValueHasher). */
  digest(): string {
    if (this.jsHasher) return this.jsHasher.digest();
    return foldValueHashLanes(this.hashState);
  }

  /** Finishes every forward row up to u that is not yet: see {@link finishRow}. */
  private finishRows(u: number): void {
    for (; this.rowNext <= u; this.rowNext++) this.finishRow(this.rowNext);
  }

  /**
   * The decile spreads that read row u: LS_t(s) for t = u − s of every skip whose date asked for it, over
   * date t's members (kept in the ring since date t) — so each row is loaded once, when it is the current
   * date's, and gathered while it is in cache; LS_t(s) is still added to Σ_t LS_t(s) in increasing t.
   */
  private finishRow(u: number): void {
    const { o, R } = this;
    const skips = o.skips;
    const S = skips.length;
    const H = this.horizons.length;
    const N = this.ctx.N;
    for (let k = 0; k < S; k++) {
      const t = u - skips[k]!;
      if (t < 0) break;
      const slot = t % R;
      if (this.slotDate[slot] !== t) continue;
      let count = 0;
      for (let hi = 0; hi < H; hi++) {
        if (!this.lsWanted[(slot * H + hi) * S + k]) continue;
        this.lsRow[count] = this.g!.forwardRow(hi);
        this.lsComplete[count] = this.ctx.forwardRankCount[hi]![u] === N ? 1 : 0;
        this.lsHorizon[count++] = hi;
      }
      if (count === 0) continue;
      this.g!.loadForward(u);
      const bottom = this.L.members + 4 * N * slot;
      const nBottom = this.slotBottom[slot]!;
      this.spreadRows(
        this.lsRow,
        count,
        bottom + 4 * nBottom,
        this.slotTop[slot]!,
        bottom,
        nBottom,
        o.minBucketSize,
        this.lsComplete,
      );
      for (let a = 0; a < count; a++) {
        const ls = this.spreadOut[a]!;
        if (Number.isNaN(ls)) continue;
        const acc = this.horizons[this.lsHorizon[a]!]!;
        acc.lsSum[k]! += ls;
        acc.lsCount[k]!++;
      }
    }
  }

  /** #{s < n : den·rank(sorted[s]) ≤ num}: ranks do not decrease along the sorted order, so a bisection. */
  private ranksAtMost(n: number, den: number, num: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (den * this.rank[this.sorted[mid]!]! <= num) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Date t's centred ranks r − (n+1)/2 as float64 (NaN where no signal), computed once per date. */
  private centredRanks(t: number, n: number): Float64Array {
    if (this.centredDate !== t) {
      const c = (n + 1) / 2;
      for (let i = 0; i < this.ctx.N; i++) this.centred[i] = this.rank[i]! - c;
      this.centredDate = t;
    }
    return this.centred;
  }

  private reduceLoaded(t: number, z: Float64Array): void {
    const { ctx, o, L } = this;
    const k = this.k!;
    const g = this.g!;
    const N = ctx.N;
    const T = ctx.T;
    const r = L.rank;
    let n = k.bucketRank(r.x, N, r.out, r.values, r.position, r.start, r.bucket, r.sorted, r.sortedValues);
    // −1: the row needs the general radix ranker (clustered or infinite values); NaN ranks are written.
    // Its sort (stats/rank.ts: order over the compacted values, their positions) gives the sorted stocks.
    if (n < 0) {
      n = rankAverageTiesStrided(N, this.x, 0, 1, this.rank, 0, 1, this.rws);
      for (let s = 0; s < n; s++) this.sorted[s] = this.rws.position[this.rws.order[s]!]!;
    }
    if (n < 2) return;
    const Q = o.quantiles;
    const sss = k.centre(r.out, N, n, L.signal16);
    // Deciles ⌈10·r/n⌉ and buckets ⌈Q·r/n⌉ (exact: ranks are half-integers) are runs of the sorted order:
    // bottom decile r ≤ n/10, top r > 9n/10, bucket q (q−1)·n < Q·r ≤ q·n (methods.md §3, §8).
    const nBottom = this.ranksAtMost(n, 10, n);
    const nTop = n - this.ranksAtMost(n, 10, 9 * n);
    const bucketEnd = this.bucketEnd;
    let bucketsFull = true;
    for (let q = 1; q <= Q; q++) {
      bucketEnd[q] = q === Q ? n : this.ranksAtMost(n, Q, q * n);
      if (bucketEnd[q]! - bucketEnd[q - 1]! < o.minBucketSize) bucketsFull = false;
    }
    const nFirst = bucketEnd[1]!;
    const nLast = n - bucketEnd[Q - 1]!;
    const sorted0 = L.rank.sorted; // byte address of sorted[0]: sorted[s] is at sorted0 + 4s
    const skips = o.skips;
    const S = skips.length;
    const H = this.horizons.length;
    const uMax = Math.min(t + skips[S - 1]!, T - 1);
    // The date's decile members wait in the ring for the rows of its decile spreads (finishRow).
    const slot = t % this.R;
    const members = slot * N;
    this.members.set(this.sorted.subarray(0, nBottom), members);
    this.members.set(this.sorted.subarray(n - nTop, n), members + nBottom);
    this.slotBottom[slot] = nBottom;
    this.slotTop[slot] = nTop;
    this.slotDate[slot] = t;
    const wanted = this.lsWanted.subarray(slot * H * S, (slot + 1) * H * S).fill(0);
    // 1. The rings, and the rank-IC dots of every fast (horizon, skip) in one kernel call. Fast: no NaN on
    // either side, so the complete pairs are all N stocks and Σ (2c)(2f) = 4 Σ c·f exactly.
    const fast = n === N && N >= o.minCoverage;
    let nDots = 0;
    for (let hi = 0; hi < H; hi++) {
      g.loadRings(hi, uMax);
      if (!fast) continue;
      const fCount = ctx.forwardRankCount[hi]!;
      for (let s = 0; s < S; s++) {
        const u = t + skips[s]!;
        if (u < T && fCount[u] === N) this.dotRows[nDots++] = g.ringRow(hi, u);
      }
    }
    if (nDots > 0) k.dots(L.signal16, L.dotRows, nDots, g.stride / 8, this.block, L.dotOut);
    // 2. ICs per (horizon, skip) in the same order; the rows whose spreads the kernel computes are queued
    // (Q5 − Q1) or flagged (the decile spreads, computed when their row is the current date's).
    let d = 0;
    let nQ = 0;
    for (let hi = 0; hi < H; hi++) {
      const acc = this.horizons[hi]!;
      const fr = ctx.forwardRank[hi]!;
      const fCount = ctx.forwardRankCount[hi]!;
      const fSS = ctx.forwardRankSS[hi]!;
      const fwd = ctx.forward[hi]!;
      for (let s = 0; s < S; s++) {
        const u = t + skips[s]!;
        if (u >= T || fCount[u]! < 2) continue;
        const base = u * N;
        let ic: number;
        let m: number;
        let sameSet: boolean;
        if (fast && fCount[u] === N) {
          const den = sss * fSS[u]!;
          ic = den > 0 ? this.dotOut[d]! / 4 / Math.sqrt(den) : Number.NaN;
          d++;
          m = N;
          sameSet = true;
        } else {
          const cs = this.centredRanks(t, n);
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
        if (s === 0) {
          acc.ic[t] = ic;
          acc.icStocks[t] = Number.isNaN(ic) ? 0 : m;
          if (!sameSet) {
            acc.spread[t] = quantileSpread(z, fwd.subarray(base, base + N), {
              quantiles: Q,
              minBucketSize: o.minBucketSize,
            });
          } else if (bucketsFull) {
            // Same set: the date's buckets apply as they are and every member has a label, so the spread
            // is the mean over bucket Q − the mean over bucket 1 (queued).
            this.qRow[nQ] = g.forwardRow(hi);
            this.qComplete[nQ] = 1; // same set: every member has a label
            this.qHorizon[nQ++] = hi;
          }
        }
        if (!Number.isNaN(ic)) {
          acc.lagIcSum[s]! += ic;
          acc.lagIcCount[s]!++;
        }
        wanted[hi * S + s] = 1;
      }
    }
    // 3. The queued Q5 − Q1 spreads (buckets Q and 1 of the sorted order) over date t's own rows.
    if (nQ > 0) {
      g.loadForward(t);
      this.spreadRows(this.qRow, nQ, sorted0 + 4 * (n - nLast), nLast, sorted0, nFirst, 0, this.qComplete);
      for (let j = 0; j < nQ; j++) this.horizons[this.qHorizon[j]!]!.spread[t] = this.spreadOut[j]!;
    }
  }

  /**
   * spreadOut[a] = mean over the top members − mean over the bottom members of row rows[a] (byte addresses in
   * the kernel memory), a < count: up to MAX_SPREAD_PAIRS row pairs per kernel call, an odd last row paired with
   * itself; chunks whose rows are all `complete` (no NaN label) take the kernel without NaN masks.
   */
  private spreadRows(
    rows: Int32Array,
    count: number,
    top: number,
    nTop: number,
    bottom: number,
    nBottom: number,
    minCount: number,
    complete: Uint8Array,
  ): void {
    for (let a = 0; a < count; a += 2 * MAX_SPREAD_PAIRS) {
      const m = Math.min(count - a, 2 * MAX_SPREAD_PAIRS);
      let allComplete = true;
      for (let b = 0; b < m; b++) {
        this.rowList[b] = rows[a + b]!;
        if (!complete[a + b]) allComplete = false;
      }
      this.rowList[m] = rows[a + m - 1]!;
      const spreads = (allComplete ? this.spreadsComplete : this.spreadsMasked)[(m + 1) >> 1]!;
      spreads(this.L.rowList, top, nTop, bottom, nBottom, minCount, this.L.spreadOut + 8 * a);
    }
  }
}
