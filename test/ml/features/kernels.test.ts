import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { adxWilder, macd, PanelOps, rsiWilder, trueRange } from '../../../src/ml/features/index.ts';

/** Naive twins on one series (obviously correct, slow). */
const naive = {
  sum(x: number[], w: number): number[] {
    return x.map((_, t) => {
      if (t < w - 1) return Number.NaN;
      let s = 0;
      for (let k = t - w + 1; k <= t; k++) {
        if (!Number.isFinite(x[k]!)) return Number.NaN;
        s += x[k]!;
      }
      return s;
    });
  },
  expSeeded(x: number[], n: number, alpha: number): number[] {
    const out: number[] = [];
    let run: number[] = [];
    let m = Number.NaN;
    for (const v of x) {
      if (!Number.isFinite(v)) {
        run = [];
        out.push(Number.NaN);
        continue;
      }
      run.push(v);
      if (run.length < n) out.push(Number.NaN);
      else if (run.length === n) {
        m = run.reduce((a, b) => a + b, 0) / n;
        out.push(m);
      } else {
        m = alpha * v + (1 - alpha) * m;
        out.push(m);
      }
    }
    return out;
  },
  extreme(x: number[], w: number, max: boolean): number[] {
    return x.map((_, t) => {
      if (t < w - 1) return Number.NaN;
      const win = x.slice(t - w + 1, t + 1);
      if (win.some((v) => !Number.isFinite(v))) return Number.NaN;
      return max ? Math.max(...win) : Math.min(...win);
    });
  },
  corr(x: number[], y: number[], w: number): number[] {
    return x.map((_, t) => {
      if (t < w - 1) return Number.NaN;
      const a = x.slice(t - w + 1, t + 1);
      const b = y.slice(t - w + 1, t + 1);
      if (a.some((v) => !Number.isFinite(v)) || b.some((v) => !Number.isFinite(v))) return Number.NaN;
      const ma = a.reduce((p, q) => p + q, 0) / w;
      const mb = b.reduce((p, q) => p + q, 0) / w;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let k = 0; k < w; k++) {
        sab += (a[k]! - ma) * (b[k]! - mb);
        saa += (a[k]! - ma) ** 2;
        sbb += (b[k]! - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    });
  },
};

function column(x: Float64Array, N: number, i: number): number[] {
  return Array.from({ length: x.length / N }, (_, t) => x[t * N + i]!);
}

function expectClose(a: number[], b: number[], tol = 1e-9) {
  expect(a.length).toBe(b.length);
  a.forEach((v, k) => {
    if (Number.isNaN(b[k]!)) expect(v, `index ${k}`).toBeNaN();
    else
      expect(Math.abs(v - b[k]!), `index ${k}: ${v} vs ${b[k]}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(b[k]!)),
      );
  });
}

function randomPanel(seed: number, T: number, N: number, nanShare: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: T * N }, () =>
    rng.uniform() < nanShare ? Number.NaN : 10 + 5 * rng.normal(),
  );
}

describe('date-major kernels against naive twins', () => {
  it('rolling sum, EMA, Wilder, max, min and correlation agree on random panels with gaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 9 }), (seed, w) => {
        const T = 60;
        const N = 4;
        const x = randomPanel(seed, T, N, 0.05);
        const y = Float64Array.from(randomPanel(seed + 1, T, 1, 0.03));
        const ops = new PanelOps(T, N);
        const s = ops.sum(x, w);
        const e = ops.ema(x, w);
        const wl = ops.wilder(x, w);
        const mx = ops.max(x, w);
        const mn = ops.min(x, w);
        const { corr } = ops.corrBeta(x, y, Math.max(w, 3));
        for (let i = 0; i < N; i++) {
          const xi = column(x, N, i);
          expectClose(column(s, N, i), naive.sum(xi, w));
          expectClose(column(e, N, i), naive.expSeeded(xi, w, 2 / (w + 1)));
          expectClose(column(wl, N, i), naive.expSeeded(xi, w, 1 / w));
          expectClose(column(mx, N, i), naive.extreme(xi, w, true), 0);
          expectClose(column(mn, N, i), naive.extreme(xi, w, false), 0);
          expectClose(column(corr, N, i), naive.corr(xi, Array.from(y), Math.max(w, 3)), 1e-8);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('edges: empty grid, one bar, all NaN, constant input', () => {
    const ops0 = new PanelOps(0, 3);
    expect(ops0.sma(new Float64Array(0), 3).length).toBe(0);
    const ops1 = new PanelOps(1, 2);
    expect(Array.from(ops1.sma(Float64Array.of(1, 2), 1))).toEqual([1, 2]);
    expect(Array.from(ops1.sma(Float64Array.of(1, 2), 2)).every(Number.isNaN)).toBe(true);
    const ops = new PanelOps(5, 1);
    expect(Array.from(ops.ema(new Float64Array(5).fill(Number.NaN), 2)).every(Number.isNaN)).toBe(true);
    const flat = new Float64Array(5).fill(3);
    expect(Array.from(ops.std(flat, 3, 1)).slice(2)).toEqual([0, 0, 0]);
    const { corr, beta } = ops.corrBeta(flat, Float64Array.of(1, 2, 3, 4, 5), 3);
    expect(Array.from(corr).every(Number.isNaN)).toBe(true); // constant stock: correlation undefined
    expect(Array.from(beta).slice(2)).toEqual([0, 0, 0]);
  });
});

describe('indicators on short hand-computed series', () => {
  it('EMA of 1..5 with n = 3 is seeded by the mean of the first three', () => {
    const ops = new PanelOps(5, 1);
    expect(Array.from(ops.ema(Float64Array.of(1, 2, 3, 4, 5), 3))).toEqual([Number.NaN, Number.NaN, 2, 3, 4]);
  });

  it('RSI(2) of [1, 2, 1.5, 2.5, 2]', () => {
    const ops = new PanelOps(5, 1);
    const r = rsiWilder(ops, Float64Array.of(1, 2, 1.5, 2.5, 2), 2);
    // Gains [1, 0, 1, 0], losses [0, 0.5, 0, 0.5]; seed AG 0.5, AL 0.25 → RS 2; then RS 6; then RS 1.2.
    expectClose(
      Array.from(r),
      [Number.NaN, Number.NaN, 100 - 100 / 3, 100 - 100 / 7, 100 - 100 / 2.2],
      1e-12,
    );
    expect(rsiWilder(ops, Float64Array.of(1, 2, 3, 4, 5), 2)[4]).toBe(100); // no losses
    expect(rsiWilder(ops, new Float64Array(5).fill(7), 2)[4]).toBeNaN(); // no move at all
  });

  it('MACD(2, 3, 2) on a short series', () => {
    const ops = new PanelOps(6, 1);
    const c = Float64Array.of(10, 11, 12, 11, 13, 14);
    const m = macd(ops, c, 2, 3, 2);
    // EMA2 (α 2/3): NaN, 10.5, 11.5, 11.166…, 12.388…, 13.462…; EMA3 (α 1/2): NaN, NaN, 11, 11, 12, 13.
    const e2 = [Number.NaN, 10.5, 11.5];
    e2.push((2 / 3) * 11 + e2[2]! / 3);
    e2.push((2 / 3) * 13 + e2[3]! / 3);
    e2.push((2 / 3) * 14 + e2[4]! / 3);
    const e3 = [Number.NaN, Number.NaN, 11, 11, 12, 13];
    const line = e2.map((v, k) => v - e3[k]!);
    expectClose(Array.from(m.line), line, 1e-12);
    const sig = [Number.NaN, Number.NaN, Number.NaN, (line[2]! + line[3]!) / 2];
    sig.push((2 / 3) * line[4]! + sig[3]! / 3);
    sig.push((2 / 3) * line[5]! + sig[4]! / 3);
    expectClose(Array.from(m.signal), sig, 1e-12);
    expectClose(
      Array.from(m.hist),
      line.map((v, k) => v - sig[k]!),
      1e-12,
    );
  });

  it('true range, ATR and ADX(2) on a four-bar series', () => {
    const ops = new PanelOps(4, 1);
    const H = Float64Array.of(10, 11, 12, 11.5);
    const L = Float64Array.of(9, 10, 10.5, 10);
    const C = Float64Array.of(9.5, 10.5, 11, 10.2);
    expectClose(Array.from(trueRange(ops, H, L, C)), [Number.NaN, 1.5, 1.5, 1.5], 1e-12);
    const d = adxWilder(ops, H, L, C, 2);
    // +DM [_, 1, 1, 0], −DM [_, 0, 0, 0.5]; TR [_, 1.5, 1.5, 1.5].
    // Wilder(2) from t = 2: ATR 1.5, 1.5; +DM 1, 0.5; −DM 0, 0.25 → +DI 66.67, 33.33; −DI 0, 16.67.
    expectClose(Array.from(d.atr), [Number.NaN, Number.NaN, 1.5, 1.5], 1e-12);
    expectClose(Array.from(d.plusDi), [Number.NaN, Number.NaN, 200 / 3, 100 / 3], 1e-12);
    expectClose(Array.from(d.minusDi), [Number.NaN, Number.NaN, 0, 50 / 3], 1e-12);
    // DX = 100, 100·(100/3 − 50/3)/(150/3) = 100/3; ADX(2) seeded by their mean at t = 3.
    expectClose(Array.from(d.adx), [Number.NaN, Number.NaN, Number.NaN, (100 + 100 / 3) / 2], 1e-12);
  });
});
