/**
 * Raw signals one date at a time (docs/decisions/025, 026). The research tier neutralises and reduces each date
 * as soon as it exists, so a family that is a trailing-window statistic (every built-in one) need not write
 * a T×N panel: `TrailingWindowStream` keeps the window sums per stock and emits row t, already skipped,
 * signed and EWMA-smoothed, in one pass over the new and the leaving input rows.
 *
 * Bit-for-bit contract: row t equals row t of `computeRawSignal` (stats `rollingMomentsKernel`, then
 * `shiftRowsDown`, the sign, then `ewmaSmoothInPlace`). The window sums are stats/rolling.ts's own row
 * functions — the same shifted coordinates, add-then-remove order and rebase schedule — and a mean's slide
 * skips the unused Σd² and is fused with the steps after it.
 * A family without a streaming form (user families) is computed as a panel and handed out row by row.
 */
import {
  RollingStat,
  rebaseInterval,
  rebaseWindowSums,
  resetWindowSums,
  slideWindowSums,
  type WindowSums,
  windowStatRow,
} from '../stats/rolling.ts';
import type { SignalContext } from './context.ts';
import { ewmaDecay } from './ewma.ts';
import { trailingWindowOf } from './families.ts';
import { computeRawSignal, missingInputs, rawInputs } from './pipeline.ts';
import { SlideKernel } from './raw-stream-kernel.ts';
import type { SignalFamily, SignalSpec } from './spec.ts';

/** Rows of a raw signal in date order: `next()` returns row t = 0, 1, … (a view: copy what you keep). */
export interface RawRowSource {
  next(): Float64Array;
  /**
   * Writes the state the next row is computed from ({@link rawStateLength} values: the window sums and the
   * EWMA numerators and denominators per stock) into `out`. A source resumed from it with
   * {@link RawRowSource.resume} emits the same rows, bit for bit, as this one would.
   */
  save(out: Float64Array): void;
  /** Continues at row t from a state that {@link RawRowSource.save} wrote when t rows had been emitted. */
  resume(t: number, state: Float64Array): void;
}

/** Values in a saved raw-stream state for N stocks (six per stock: n, Σd, Σd², shift, EWMA num and den). */
export function rawStateLength(N: number): number {
  return 6 * N;
}

/** A trailing-window statistic of one input panel, as a family describes it for streaming. */
export interface TrailingWindow {
  /** Date-major T×N input. */
  readonly x: Float64Array;
  /** Window W = lookback − skip rows, ending `skip` rows before the output date. */
  readonly window: number;
  readonly skip: number;
  readonly minObs: number;
  /** Mean, or standard deviation with ddof 1. */
  readonly stat: 'mean' | 'std';
  readonly sign: 1 | -1;
}

/**
 * Emits sign × stat(x over rows t−skip−W+1 … t−skip), EWMA-smoothed with decay `lambda` (0 = none), for
 * t = 0 … T−1. NaN where the window has fewer than minObs values (and for t < skip).
 *
 * The window sums are stats/rolling.ts's (`rebaseWindowSums`, `slideWindowSums`, `windowStatRow`): one
 * implementation for the panel and the stream. The slide between rebases — the common row — runs in the
 * WebAssembly kernel of raw-stream-kernel.ts (slide, statistic, sign and EWMA fused, bit-identical).
 */
export class TrailingWindowStream implements RawRowSource {
  private readonly T: number;
  private readonly N: number;
  private readonly w: TrailingWindow;
  private readonly lambda: number;
  private readonly sums: WindowSums;
  private readonly num: Float64Array;
  private readonly den: Float64Array;
  private readonly row: Float64Array;
  private readonly kernel: SlideKernel | undefined;
  private readonly xNew: Float64Array | undefined;
  private readonly xOld: Float64Array | undefined;
  private readonly stat: RollingStat;
  /** Rows between rebases (stats `rebaseInterval`, as the panel path). */
  private readonly every: number;
  private t = 0;

  constructor(T: number, N: number, window: TrailingWindow, lambda: number) {
    this.T = T;
    this.N = N;
    this.w = window;
    this.lambda = lambda;
    this.stat = window.stat === 'mean' ? RollingStat.Mean : RollingStat.Std;
    this.every = rebaseInterval(window.window, this.stat);
    this.kernel = SlideKernel.create(N, window.stat);
    const c = this.kernel?.columns;
    this.sums = c
      ? { n: c.n, s1: c.s1, s2: c.s2, shift: c.shift }
      : {
          n: new Float64Array(N),
          s1: new Float64Array(N),
          s2: new Float64Array(N),
          shift: new Float64Array(N),
        };
    this.num = c ? c.num : new Float64Array(N);
    this.den = c ? c.den : new Float64Array(N);
    this.row = c ? c.row : new Float64Array(N);
    this.xNew = c?.xNew;
    this.xOld = c?.xOld;
  }

  next(): Float64Array {
    const t = this.t++;
    const { row, N } = this;
    const W = this.w.window;
    const tau = t - this.w.skip;
    const rebase = tau % this.every === 0;
    if (tau < 0 || tau >= this.T) row.fill(Number.NaN);
    else if (!rebase && this.kernel) {
      // The common row in one pass: slide, statistic, sign and EWMA per stock.
      const x = this.w.x;
      this.xNew!.set(x.subarray(tau * N, (tau + 1) * N));
      if (tau >= W) this.xOld!.set(x.subarray((tau - W) * N, (tau - W + 1) * N));
      this.kernel.slide(tau >= W, this.w.minObs, this.w.sign, this.lambda);
      return row;
    } else if (!rebase && this.w.stat === 'mean') {
      this.slideMeanSmooth(tau);
      return row;
    } else {
      if (rebase) this.rebase(tau);
      else slideWindowSums(this.w.x, N, tau, W, this.sums);
      windowStatRow(this.sums, N, this.w.minObs, this.stat, 1, row, 0, this.w.sign);
    }
    if (this.lambda > 0) this.smooth();
    return row;
  }

  save(out: Float64Array): void {
    const { n, s1, s2, shift } = this.sums;
    const N = this.N;
    out.set(n, 0);
    out.set(s1, N);
    out.set(s2, 2 * N);
    out.set(shift, 3 * N);
    out.set(this.num, 4 * N);
    out.set(this.den, 5 * N);
  }

  resume(t: number, state: Float64Array): void {
    const { n, s1, s2, shift } = this.sums;
    const N = this.N;
    n.set(state.subarray(0, N));
    s1.set(state.subarray(N, 2 * N));
    s2.set(state.subarray(2 * N, 3 * N));
    shift.set(state.subarray(3 * N, 4 * N));
    this.num.set(state.subarray(4 * N, 5 * N));
    this.den.set(state.subarray(5 * N, 6 * N));
    this.t = t;
  }

  /** Window sums of rows τ−W+1 … τ from scratch: stats `rebaseWindowSums`, the row sums in the kernel. */
  private rebase(tau: number): void {
    const { N } = this;
    const x = this.w.x;
    if (!this.kernel) {
      rebaseWindowSums(x, N, tau, this.w.window, this.sums);
      return;
    }
    const start = resetWindowSums(x, N, tau, this.w.window, this.sums);
    for (let u = start; u <= tau; u++) {
      this.xNew!.set(x.subarray(u * N, (u + 1) * N));
      this.kernel.accumulate();
    }
  }

  /** The kernel's row in JS (engines without WebAssembly SIMD): slide, mean, sign and EWMA per stock. */
  private slideMeanSmooth(tau: number): void {
    const { N, num, den, row } = this;
    const { n, s1, shift } = this.sums;
    const x = this.w.x;
    const at = tau * N;
    const W = this.w.window;
    const old = tau >= W ? (tau - W) * N : -1;
    const minObs = this.w.minObs;
    const sign = this.w.sign;
    const lambda = this.lambda;
    for (let i = 0; i < N; i++) {
      let c = n[i]!;
      let sum = s1[i]!;
      let c0 = shift[i]!;
      const v = x[at + i]!;
      if (!Number.isNaN(v)) {
        if (c === 0) {
          c0 = v;
          shift[i] = v;
          sum = 0;
        }
        c++;
        sum += v - c0;
      }
      if (old >= 0) {
        const o = x[old + i]!;
        if (!Number.isNaN(o)) {
          c--;
          sum -= o - c0;
        }
      }
      n[i] = c;
      s1[i] = sum;
      let y = c < minObs ? Number.NaN : c0 + sum / c;
      if (sign !== 1) y *= sign;
      if (lambda > 0) {
        if (!Number.isNaN(y)) {
          const a = num[i]! * lambda + y;
          const b = den[i]! * lambda + 1;
          num[i] = a;
          den[i] = b;
          y = a / b;
        } else {
          num[i] = num[i]! * lambda;
          den[i] = den[i]! * lambda;
        }
      }
      row[i] = y;
    }
  }

  /** ewmaSmoothInPlace for one row. */
  private smooth(): void {
    const { N, num, den, row } = this;
    const lambda = this.lambda;
    for (let i = 0; i < N; i++) {
      const v = row[i]!;
      if (!Number.isNaN(v)) {
        const a = num[i]! * lambda + v;
        const b = den[i]! * lambda + 1;
        num[i] = a;
        den[i] = b;
        row[i] = a / b;
      } else {
        num[i] = num[i]! * lambda;
        den[i] = den[i]! * lambda;
      }
    }
  }
}

/** Rows of a raw panel computed in full (families without a streaming form). */
class PanelRows implements RawRowSource {
  private t = 0;
  constructor(
    private readonly panel: Float64Array,
    private readonly N: number,
  ) {}
  next(): Float64Array {
    const t = this.t++;
    return this.panel.subarray(t * this.N, (t + 1) * this.N);
  }
  /** A panel's rows depend on nothing but t. */
  save(): void {}
  resume(t: number): void {
    this.t = t;
  }
}

let panelScratch: Float64Array | undefined;

/**
 * The smoothed raw signal of `spec`, row by row: streamed when its family is a built-in trailing window,
 * otherwise computed as a panel into a per-thread buffer (so only one such source may be live per thread).
 * Throws like {@link computeRawSignal} for unknown families and missing inputs.
 */
export function rawRowSource(
  ctx: SignalContext,
  spec: SignalSpec,
  families: ReadonlyMap<string, SignalFamily>,
): RawRowSource {
  const family = families.get(spec.family);
  const streams = family !== undefined && missingInputs(ctx, spec).length === 0;
  const window = streams ? trailingWindowOf(family, rawInputs(ctx, spec), spec) : undefined;
  if (window) return new TrailingWindowStream(ctx.T, ctx.N, window, ewmaDecay(spec.halfLife));
  if (panelScratch?.length !== ctx.T * ctx.N) panelScratch = new Float64Array(ctx.T * ctx.N);
  return new PanelRows(computeRawSignal(ctx, spec, families, panelScratch), ctx.N);
}
