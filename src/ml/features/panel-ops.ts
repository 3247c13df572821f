/**
 * Allocating wrappers over the date-major kernels (kernels.ts) for one T × N grid: each call returns a new
 * T·N Float64Array and reuses the per-ticker scratch of the grid, so a calculator reads like the formulas.
 */
import {
  expAverageSeededDateMajor,
  laggedRatioMinusOneDateMajor,
  rollingCorrBetaOnSeriesDateMajor,
  rollingExtremeCompleteDateMajor,
  rollingSumCompleteDateMajor,
} from './kernels.ts';

export class PanelOps {
  readonly T: number;
  readonly N: number;
  private readonly f: Float64Array[];
  private readonly k: Int32Array;

  constructor(T: number, N: number) {
    this.T = T;
    this.N = N;
    this.f = Array.from({ length: 5 }, () => new Float64Array(N));
    this.k = new Int32Array(N);
  }

  alloc(fill = Number.NaN): Float64Array {
    return new Float64Array(this.T * this.N).fill(fill);
  }

  /** Complete-window rolling sum over n bars. */
  sum(x: Float64Array, n: number): Float64Array {
    const out = this.alloc();
    rollingSumCompleteDateMajor(x, this.T, this.N, n, out, this.f[0]!, this.k);
    return out;
  }

  /** Simple moving average over complete windows of n bars. */
  sma(x: Float64Array, n: number): Float64Array {
    const out = this.sum(x, n);
    for (let j = 0; j < out.length; j++) out[j]! /= n;
    return out;
  }

  /** Rolling standard deviation over complete windows, ddof 0 or 1 (negative rounding residue → 0). */
  std(x: Float64Array, n: number, ddof: 0 | 1): Float64Array {
    const s1 = this.sum(x, n);
    const sq = this.alloc();
    for (let j = 0; j < sq.length; j++) sq[j] = x[j]! * x[j]!;
    const s2 = this.sum(sq, n);
    for (let j = 0; j < s1.length; j++) {
      const v = (s2[j]! - (s1[j]! * s1[j]!) / n) / (n - ddof);
      s1[j] = Number.isNaN(v) ? Number.NaN : Math.sqrt(Math.max(0, v));
    }
    return s1;
  }

  /** EMA with α = 2/(n + 1), seeded by the mean of the first n finite values. */
  ema(x: Float64Array, n: number): Float64Array {
    const out = this.alloc();
    expAverageSeededDateMajor(x, this.T, this.N, n, 2 / (n + 1), out, this.k, this.f[0]!, this.f[1]!);
    return out;
  }

  /** Wilder's average, α = 1/n, seeded by the mean of the first n finite values. */
  wilder(x: Float64Array, n: number): Float64Array {
    const out = this.alloc();
    expAverageSeededDateMajor(x, this.T, this.N, n, 1 / n, out, this.k, this.f[0]!, this.f[1]!);
    return out;
  }

  max(x: Float64Array, n: number): Float64Array {
    const out = this.alloc();
    rollingExtremeCompleteDateMajor(x, this.T, this.N, n, 1, out, new Int32Array(n));
    return out;
  }

  min(x: Float64Array, n: number): Float64Array {
    const out = this.alloc();
    rollingExtremeCompleteDateMajor(x, this.T, this.N, n, -1, out, new Int32Array(n));
    return out;
  }

  /** x_t / x_{t−k} − 1. */
  change(x: Float64Array, k: number): Float64Array {
    const out = this.alloc();
    laggedRatioMinusOneDateMajor(x, this.T, this.N, k, out);
    return out;
  }

  /** Rolling correlation and beta of every ticker's x on the series y (length T). */
  corrBeta(x: Float64Array, y: Float64Array, n: number): { corr: Float64Array; beta: Float64Array } {
    const corr = this.alloc();
    const beta = this.alloc();
    const [a, b, c, d, e] = this.f as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    rollingCorrBetaOnSeriesDateMajor(x, y, this.T, this.N, n, corr, beta, a, b, c, d, e, this.k);
    return { corr, beta };
  }
}

/** A T-long series broadcast to every ticker of a T × N grid. */
export function broadcastSeries(y: Float64Array, T: number, N: number): Float64Array {
  const out = new Float64Array(T * N);
  for (let t = 0; t < T; t++) out.fill(y[t]!, t * N, t * N + N);
  return out;
}
