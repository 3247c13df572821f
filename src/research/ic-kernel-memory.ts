/**
 * The WebAssembly memory of the per-date reductions (ic-accumulator.ts, date-kernel.ts), shared by the
 * accumulators of the signals one task streams in lockstep (decision 162).
 *
 * What depends only on the date lives once: the doubled forward ranks of dates t … t + max skip (int16 rings,
 * one per horizon, the rank-IC dot operands) and the forward-return rows of the current date (the rows the
 * decile and Q5 − Q1 spreads gather). Each accumulator of the group gets its own region for the rest: the
 * ranker's arrays, the signal's doubled centred ranks, its hash state, kernel call lists and its ring of
 * decile members. So k signals copy each date's 60 kB of forward rows in once instead of k times, and their
 * dots read the same ring rows while they are in cache.
 *
 * The rows a group holds are those of the latest dates asked for, so its accumulators must visit the dates
 * in lockstep: a visit of date t after another member has visited a later date throws (its ring rows may
 * already be overwritten).
 */

import { InvalidInputError } from '../core/errors.ts';
import { instantiate, newWasmMemory } from '../core/wasm.ts';
import { bucketRankLayout } from '../signals/bucket-rank.ts';
import type { SignalContext } from '../signals/context.ts';
import { type DateKernelExports, dateKernelModule, MAX_SPREAD_PAIRS } from './date-kernel.ts';
import { I16_DOT_MAX_N } from './i16-dot.ts';
import type { IcOptions } from './ic-options.ts';

/** A 16-byte-aligned bump allocator from `base`. */
function bump(base: number) {
  let at = base;
  return {
    take(bytes: number): number {
      const p = at;
      at += Math.ceil(bytes / 16) * 16;
      return p;
    },
    get end() {
      return at;
    },
  };
}

/** Int16 values per ring row: N rounded up to whole 8-lane vectors (the padding stays 0). */
export const ringStride = (N: number) => Math.ceil(N / 8) * 8;

/**
 * Byte layout of one accumulator's own region for N stocks, H horizons, rings of R dates and S skips,
 * from `base` (a multiple of 16).
 */
export function ownLayout(N: number, H: number, R: number, S: number, base: number) {
  const rank = bucketRankLayout(N, base);
  const a = bump(rank.end);
  return {
    rank,
    hashState: a.take(32),
    /** Kernel call lists: the date's dot rows and results (one per horizon and skip), spread rows and results. */
    dotRows: a.take(4 * H * S),
    dotOut: a.take(8 * H * S),
    rowList: a.take(4 * (2 * MAX_SPREAD_PAIRS + 1)),
    spreadOut: a.take(8 * (H * S + 2 * MAX_SPREAD_PAIRS)),
    /** The signal's doubled centred ranks as int16, one ring-stride row. */
    signal16: a.take(2 * ringStride(N)),
    /** A ring of R dates' decile members: the bottom decile's stocks, then the top decile's (≤ N in all). */
    members: a.take(4 * N * R),
    end: a.end,
  };
}

export type OwnLayout = ReturnType<typeof ownLayout>;

/**
 * One kernel memory and instance for up to `size` accumulators of one context and IC options. Null kernel
 * (`k`) where WebAssembly SIMD is missing or N > 32768: the accumulators then use the JavaScript reference.
 */
export class IcKernelMemory {
  readonly size: number;
  readonly k: DateKernelExports | null;
  readonly buffer: ArrayBuffer;
  /** Int16 values per ring row. */
  readonly stride: number;
  /** Dates per ring: max skip + 1. */
  readonly R: number;
  /** Byte address of the rings: horizon hi's row of date v at ringsAt + 2·stride·(hi·R + v mod R). */
  readonly ringsAt: number;
  /** Byte address of the current forward row of horizon hi: forwardAt + 8·N·hi. */
  readonly forwardAt: number;
  private readonly ctx: SignalContext;
  private readonly rings: Int16Array;
  private readonly forward: Float64Array;
  /** Per horizon: the next date to load into its ring. */
  private readonly ringNext: Int32Array;
  /** The date whose forward rows are in `forward` (−1: none). */
  private loadedRow = -1;
  /** The latest date a member has visited (the lockstep check). */
  private latest = -1;
  /** Byte address of the first accumulator's region, and the size of one. */
  private readonly ownAt: number;
  private readonly ownBytes: number;
  private readonly S: number;
  private claimed = 0;

  constructor(ctx: SignalContext, options: IcOptions, size = 1) {
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidInputError(`an IC kernel memory needs an integer size ≥ 1, got ${size}`, {
        where: { field: 'size' },
      });
    const N = ctx.N;
    const H = ctx.horizons.length;
    const S = options.skips.length;
    this.ctx = ctx;
    this.size = size;
    this.S = S;
    this.R = options.skips[S - 1]! + 1;
    this.stride = ringStride(N);
    const a = bump(0);
    this.ringsAt = a.take(2 * this.stride * H * this.R);
    this.forwardAt = a.take(8 * N * H);
    this.ownAt = a.end;
    this.ownBytes = ownLayout(N, H, this.R, S, 0).end;
    const mod = N <= I16_DOT_MAX_N ? dateKernelModule() : null;
    this.ringNext = new Int32Array(H);
    if (!mod) {
      this.k = null;
      this.buffer = new ArrayBuffer(0);
      this.rings = new Int16Array(0);
      this.forward = new Float64Array(0);
      return;
    }
    const memory = newWasmMemory(this.ownAt + size * this.ownBytes);
    this.k = instantiate(mod, memory) as unknown as DateKernelExports;
    this.buffer = memory.buffer;
    this.rings = new Int16Array(this.buffer, this.ringsAt, this.stride * H * this.R);
    this.forward = new Float64Array(this.buffer, this.forwardAt, N * H);
  }

  /** The next accumulator's own region; throws once all `size` are taken. */
  claim(): OwnLayout {
    if (this.claimed >= this.size)
      throw new InvalidInputError(`this IC kernel memory holds ${this.size} accumulators, all taken`, {
        where: { field: 'size' },
      });
    const base = this.ownAt + this.claimed++ * this.ownBytes;
    return ownLayout(this.ctx.N, this.ctx.horizons.length, this.R, this.S, base);
  }

  /** Records a member's visit of date t; throws if another member has already visited a later date. */
  enter(t: number): void {
    if (t < this.latest)
      throw new InvalidInputError(
        `the accumulators sharing an IC kernel memory must visit dates in lockstep: date ${t} after ${this.latest}`,
        { where: { field: 'date' } },
      );
    this.latest = t;
  }

  /** Byte address of horizon hi's ring row of date v (valid while v is one of the last R dates loaded). */
  ringRow(hi: number, v: number): number {
    return this.ringsAt + 2 * this.stride * (hi * this.R + (v % this.R));
  }

  /** Loads the ring of horizon hi with every date up to u (only the last R are ever read). */
  loadRings(hi: number, u: number): void {
    const { ctx, R } = this;
    const N = ctx.N;
    const next = this.ringNext[hi]!;
    if (u < next) return;
    const fr16 = ctx.forwardRank16?.[hi];
    const fr = ctx.forwardRank[hi]!;
    for (let v = Math.max(next, u - R + 1); v <= u; v++) {
      const row16 = (hi * R + (v % R)) * this.stride;
      if (fr16) this.rings.set(fr16.subarray(v * N, (v + 1) * N), row16);
      else for (let i = 0; i < N; i++) this.rings[row16 + i] = 2 * fr[v * N + i]!;
    }
    this.ringNext[hi] = u + 1;
  }

  /** Copies date u's forward-return rows (every horizon) into the forward rows, once. */
  loadForward(u: number): void {
    if (this.loadedRow === u) return;
    const N = this.ctx.N;
    const forward = this.ctx.forward;
    for (let hi = 0; hi < forward.length; hi++)
      this.forward.set(forward[hi]!.subarray(u * N, (u + 1) * N), hi * N);
    this.loadedRow = u;
  }

  /** Byte address of horizon hi's row in the forward rows. */
  forwardRow(hi: number): number {
    return this.forwardAt + 8 * this.ctx.N * hi;
  }
}
