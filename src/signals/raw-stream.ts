/**
 * Raw signals one date at a time (docs/decisions/025). The research tier neutralises and reduces each date
 * as soon as it exists, so a family that is a trailing-window statistic (every built-in one) need not write
 * a T×N panel: `TrailingWindowStream` keeps the window sums per stock and emits row t, already skipped,
 * signed and EWMA-smoothed, in one pass over the new and the leaving input rows.
 *
 * Bit-for-bit contract: row t equals row t of `computeRawSignal` (stats `rollingMomentsKernel`, then
 * `shiftRowsDown`, the sign, then `ewmaSmoothInPlace`). The window sums are updated exactly as the stats
 * kernel updates them — the same shifted coordinates, the same add-then-remove order, the same rebase from
 * scratch every W rows — only without the unused Σd² of a mean and fused with the steps after it.
 * A family without a streaming form (user families) is computed as a panel and handed out row by row.
 */
import type { SignalContext } from './context.ts';
import { ewmaDecay } from './ewma.ts';
import { trailingWindowOf } from './families.ts';
import { computeRawSignal, missingInputs, rawInputs } from './pipeline.ts';
import type { SignalFamily, SignalSpec } from './spec.ts';

/** Rows of a raw signal in date order: `next()` returns row t = 0, 1, … (a view: copy what you keep). */
export interface RawRowSource {
  next(): Float64Array;
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
 */
export class TrailingWindowStream implements RawRowSource {
  private readonly T: number;
  private readonly N: number;
  private readonly w: TrailingWindow;
  private readonly lambda: number;
  private readonly n: Float64Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly shift: Float64Array;
  private readonly num: Float64Array;
  private readonly den: Float64Array;
  private readonly row: Float64Array;
  private t = 0;

  constructor(T: number, N: number, window: TrailingWindow, lambda: number) {
    this.T = T;
    this.N = N;
    this.w = window;
    this.lambda = lambda;
    this.n = new Float64Array(N);
    this.s1 = new Float64Array(N);
    this.s2 = new Float64Array(N);
    this.shift = new Float64Array(N);
    this.num = new Float64Array(N);
    this.den = new Float64Array(N);
    this.row = new Float64Array(N);
  }

  next(): Float64Array {
    const t = this.t++;
    const { row } = this;
    const tau = t - this.w.skip;
    if (tau < 0 || tau >= this.T) row.fill(Number.NaN);
    else if (tau % this.w.window !== 0 && this.w.stat === 'mean') {
      // The common case in one pass: slide, mean, sign and EWMA per stock.
      this.slideMeanSmooth(tau);
      return row;
    } else {
      if (tau % this.w.window === 0) this.rebase(tau);
      else this.slideMoments(tau);
      this.emit();
    }
    if (this.lambda > 0) this.smooth();
    return row;
  }

  /** slideMean, then emit and smooth for each stock while its sums are in registers. */
  private slideMeanSmooth(tau: number): void {
    const { N, n, s1, shift, num, den, row } = this;
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

  /** Window sums of rows max(0, τ−W+1) … τ from scratch around the latest value (rollingMomentsKernel). */
  private rebase(tau: number): void {
    const { N, n, s1, s2, shift } = this;
    const x = this.w.x;
    const start = Math.max(0, tau - this.w.window + 1);
    for (let i = 0; i < N; i++) {
      n[i] = 0;
      s1[i] = 0;
      s2[i] = 0;
      shift[i] = 0;
      for (let u = tau; u >= start; u--) {
        const v = x[u * N + i]!;
        if (!Number.isNaN(v)) {
          shift[i] = v;
          break;
        }
      }
    }
    for (let u = start; u <= tau; u++) {
      const r = u * N;
      for (let i = 0; i < N; i++) {
        const v = x[r + i]!;
        if (!Number.isNaN(v)) {
          const d = v - shift[i]!;
          n[i]!++;
          s1[i]! += d;
          s2[i]! += d * d;
        }
      }
    }
  }

  private slideMoments(tau: number): void {
    const { N, n, s1, s2, shift } = this;
    const x = this.w.x;
    const row = tau * N;
    const W = this.w.window;
    const old = tau >= W ? (tau - W) * N : -1;
    for (let i = 0; i < N; i++) {
      const v = x[row + i]!;
      if (!Number.isNaN(v)) {
        if (n[i] === 0) {
          shift[i] = v;
          s1[i] = 0;
          s2[i] = 0;
        }
        const d = v - shift[i]!;
        n[i]!++;
        s1[i]! += d;
        s2[i]! += d * d;
      }
      if (old >= 0) {
        const o = x[old + i]!;
        if (!Number.isNaN(o)) {
          const d = o - shift[i]!;
          n[i]!--;
          s1[i]! -= d;
          s2[i]! -= d * d;
        }
      }
    }
  }

  /** The statistic times the sign (×(−1) is exact, as the panel path's scaling). */
  private emit(): void {
    const { N, n, s1, s2, shift, row } = this;
    const minObs = this.w.minObs;
    const sign = this.w.sign;
    if (this.w.stat === 'mean') {
      for (let i = 0; i < N; i++) {
        const c = n[i]!;
        const v = c < minObs ? Number.NaN : shift[i]! + s1[i]! / c;
        row[i] = sign === 1 ? v : v * sign;
      }
      return;
    }
    for (let i = 0; i < N; i++) {
      const c = n[i]!;
      let v = Number.NaN;
      if (c >= minObs) {
        const a = s1[i]!;
        const m2 = Math.max(0, s2[i]! - (a * a) / c);
        v = Math.sqrt(c > 1 ? m2 / (c - 1) : Number.NaN);
      }
      row[i] = sign === 1 ? v : v * sign;
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
