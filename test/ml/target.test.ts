import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import {
  classBalanceWeights,
  classOfReturn,
  panelTarget,
  subtractCrossSectionalMeanInPlace,
  threeClassTarget,
  threeClassTargetPanel,
} from '../../src/ml/target.ts';

describe('threeClassTarget (§9.1)', () => {
  it('R9.1: closes [100, 101, 102.5, 100.5, 99, 99.5], h = 2 → labels [2, 1, 0, 1], last 2 rows NaN', () => {
    const r = threeClassTarget([100, 101, 102.5, 100.5, 99.0, 99.5], { horizon: 2, threshold: 0.01 });
    const R = [0.025, -0.004950495049504955, -0.034146341463414664, -0.00995024875621886];
    for (let t = 0; t < 4; t++) expect(Math.abs(r.forwardReturn[t]! - R[t]!)).toBeLessThan(1e-15);
    expect(Array.from(r.label)).toEqual([2, 1, 0, 1, Number.NaN, Number.NaN]);
    expect(r.labelled).toBe(4);
  });
  it('an exact ±1% move is FLAT under the 1e-12 tolerance (101/100 − 1 = 0.010000000000000009)', () => {
    expect(101 / 100 - 1).toBeGreaterThan(0.01);
    expect(Array.from(threeClassTarget([100, 101], { horizon: 1, threshold: 0.01 }).label)).toEqual([
      1,
      Number.NaN,
    ]);
    expect(threeClassTarget([100, 99], { horizon: 1, threshold: 0.01 }).label[0]).toBe(1);
    expect(threeClassTarget([100, 101.0000001], { horizon: 1, threshold: 0.01 }).label[0]).toBe(2);
    expect(threeClassTarget([100, 98.9999999], { horizon: 1, threshold: 0.01 }).label[0]).toBe(0);
  });
  it('delay d shifts the window to P_{t+d+h}/P_{t+d} and drops the last d + h rows', () => {
    const P = [100, 101, 102.5, 100.5, 99.0, 99.5];
    const r = threeClassTarget(P, { horizon: 2, threshold: 0.01, delay: 1 });
    expect(r.forwardReturn[0]).toBe(100.5 / 101 - 1);
    expect(r.labelled).toBe(3);
    expect(Number.isNaN(r.label[3]!)).toBe(true);
  });
  it('edges: n = 0, n ≤ h, missing prices give NaN; bad options throw', () => {
    expect(threeClassTarget([], { horizon: 5, threshold: 0.01 }).labelled).toBe(0);
    expect(Array.from(threeClassTarget([1, 2], { horizon: 5, threshold: 0.01 }).label)).toEqual([
      Number.NaN,
      Number.NaN,
    ]);
    expect(
      Number.isNaN(threeClassTarget([1, Number.NaN, 2], { horizon: 1, threshold: 0.01 }).label[0]!),
    ).toBe(true);
    expect(() => threeClassTarget([1], { horizon: 0, threshold: 0.01 })).toThrow(/horizon/);
    expect(() => threeClassTarget([1], { horizon: 1, threshold: 0.01, delay: -1 })).toThrow(/delay/);
  });
  it('no look-ahead past t + d + h: changing later prices leaves earlier labels unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 50, max: 150, noNaN: true }), { minLength: 8, maxLength: 30 }),
        fc.nat(),
        (P, cut) => {
          const h = 3;
          const d = 1;
          const s = cut % P.length;
          const Q = P.map((v, t) => (t > s ? v * 1.5 : v));
          const a = threeClassTarget(P, { horizon: h, threshold: 0.01, delay: d }).label;
          const b = threeClassTarget(Q, { horizon: h, threshold: 0.01, delay: d }).label;
          for (let t = 0; t + d + h <= s; t++) expect(b[t]).toBe(a[t]);
        },
      ),
    );
  });
  it('panel version equals the series version per ticker', () => {
    const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'];
    const values = Float64Array.from([100, 50, 102, 49, 101, 52, 99, 52]);
    const { label } = threeClassTargetPanel(
      { dates, tickers: ['A', 'B'], values },
      { horizon: 1, threshold: 0.01 },
    );
    const a = threeClassTarget([100, 102, 101, 99], { horizon: 1, threshold: 0.01 }).label;
    const b = threeClassTarget([50, 49, 52, 52], { horizon: 1, threshold: 0.01 }).label;
    for (let t = 0; t < 4; t++) {
      expect(label.values[t * 2]).toBe(a[t]);
      expect(label.values[t * 2 + 1]).toBe(b[t]);
    }
  });
});

describe('classBalanceWeights (§9.2)', () => {
  it('R9.2: y = [0, 1, 1, 1, 2, 2] → class weights [2, 2/3, 1]', () => {
    const w = classBalanceWeights([0, 1, 1, 1, 2, 2]);
    expect(Array.from(w.classWeight)).toEqual([2.0, 0.6666666666666666, 1.0]);
    expect(Array.from(w.weights)).toEqual([
      2, 0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 1, 1,
    ]);
    expect(w.absent).toEqual([]);
  });
  it('an absent class is reported, k counts present classes, num_class stays 3', () => {
    const w = classBalanceWeights([0, 0, 2]);
    expect(w.absent).toEqual([1]);
    expect(w.classWeight.length).toBe(3);
    expect(Number.isNaN(w.classWeight[1]!)).toBe(true);
    expect(w.classWeight[0]).toBe(3 / (2 * 2));
    expect(w.classWeight[2]).toBe(3 / (2 * 1));
  });
  it('weights sum to n (each present class carries n/k)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 50 }), (y) => {
        const w = classBalanceWeights(y);
        expect(Math.abs(w.weights.reduce((s, v) => s + v, 0) - y.length)).toBeLessThan(1e-9);
      }),
    );
  });
  it('edges: empty input; labels outside the classes throw', () => {
    expect(classBalanceWeights([]).weights.length).toBe(0);
    expect(() => classBalanceWeights([0, 3])).toThrow(/label 3/);
  });
});

/** A random close panel T × N (date-major) with prices in [50, 150] and a few missing cells. */
const closePanel = (T: number, N: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 19, arbitrary: fc.double({ min: 50, max: 150, noNaN: true }) },
        fc.constant(Number.NaN),
      ),
      {
        minLength: T * N,
        maxLength: T * N,
      },
    )
    .map((v) => Float64Array.from(v));

describe('panelTarget: absolute and market-relative labels (ml.target)', () => {
  const opts = { horizon: 2, delay: 1, upThreshold: 0.01, downThreshold: -0.01 } as const;

  it('absolute equals the per-series labels with asymmetric thresholds', () => {
    const T = 6;
    const close = Float64Array.from([100, 50, 101, 49, 102.5, 52, 100.5, 52, 99, 53, 99.5, 50]);
    const r = panelTarget(close, T, 2, { ...opts, delay: 0, target: 'absolute' });
    const a = threeClassTarget([100, 101, 102.5, 100.5, 99, 99.5], { horizon: 2, threshold: 0.01 });
    for (let t = 0; t < T; t++) {
      expect(r.label[t * 2]).toBe(a.label[t]);
      expect(r.forwardReturn[t * 2]).toBe(a.forwardReturn[t]);
      expect(r.labelReturn[t * 2]).toBe(a.forwardReturn[t]);
    }
    // Asymmetric: DOWN only below −3 %.
    const b = panelTarget(close, T, 2, { ...opts, delay: 0, downThreshold: -0.03, target: 'absolute' });
    expect(b.label[0]).toBe(2);
    expect(b.label[4]).toBe(0); // −3.41 %
    expect(b.label[6]).toBe(1); // −1.0 % is FLAT with a −3 % threshold
  });

  it('market-relative: R minus the equal-weighted mean of the same window, hand-computed', () => {
    // Two dates, three stocks, h = 1, d = 0: R at t = 0 is [+10 %, 0 %, −4 %], mean +2 %.
    const close = Float64Array.from([100, 100, 100, 110, 100, 96]);
    const r = panelTarget(close, 2, 3, { ...opts, horizon: 1, delay: 0, target: 'market_relative' });
    expect(r.forwardReturn[0]).toBeCloseTo(0.1, 14);
    expect(r.labelReturn[0]).toBeCloseTo(0.08, 14);
    expect(r.labelReturn[1]).toBeCloseTo(-0.02, 14);
    expect(r.labelReturn[2]).toBeCloseTo(-0.06, 14);
    expect(Array.from(r.label.subarray(0, 3))).toEqual([2, 0, 0]);
    expect(Array.from(r.label.subarray(3), Number.isNaN)).toEqual([true, true, true]);
    // The cross-sectional mean of the relative returns is 0 on every labelled date.
    expect(r.labelReturn[0]! + r.labelReturn[1]! + r.labelReturn[2]!).toBeCloseTo(0, 14);
  });

  it('market-relative edges: NaN stays NaN and is left out of the mean; one stock alone has no label', () => {
    const R = Float64Array.from([0.1, Number.NaN, -0.1, 0.05, Number.NaN, Number.NaN]);
    subtractCrossSectionalMeanInPlace(R, 2, 3);
    expect(R[0]).toBeCloseTo(0.1, 15);
    expect(Number.isNaN(R[1]!)).toBe(true);
    expect(Array.from(R.subarray(3), Number.isNaN)).toEqual([true, true, true]);
    expect(() => subtractCrossSectionalMeanInPlace(R, 3, 3)).toThrow(/expected 3×3/);
    expect(() =>
      panelTarget(new Float64Array(4), 2, 2, { ...opts, target: 'relative' as 'absolute' }),
    ).toThrow(/ml.target|target must be/);
    expect(() =>
      panelTarget(new Float64Array(4), 2, 2, { ...opts, downThreshold: 0.01, target: 'absolute' }),
    ).toThrow(/down_threshold/);
    expect(classOfReturn(Number.NaN, 0.01, -0.01)).toBeNaN();
    expect(classOfReturn(0.01, 0.01, -0.01)).toBe(1);
  });

  it('no look-ahead: perturbing any price after t + d + h (any stock) leaves the label at t unchanged', () => {
    const T = 12;
    const N = 5;
    const { horizon: h, delay: d } = opts;
    fc.assert(
      fc.property(
        closePanel(T, N),
        fc.integer({ min: 0, max: T - 1 }),
        fc.array(fc.double({ min: 0.2, max: 5, noNaN: true }), { minLength: T * N, maxLength: T * N }),
        (close, cut, scale) => {
          const a = panelTarget(close, T, N, { ...opts, target: 'market_relative' });
          // Perturb every record after `cut` (scaling, and some deleted).
          const q = Float64Array.from(close, (v, k) =>
            Math.floor(k / N) > cut ? (scale[k]! > 4.5 ? Number.NaN : v * scale[k]!) : v,
          );
          const b = panelTarget(q, T, N, { ...opts, target: 'market_relative' });
          for (let t = 0; t + d + h <= cut; t++)
            for (let i = 0; i < N; i++) {
              expect(Object.is(b.label[t * N + i], a.label[t * N + i])).toBe(true);
              expect(Object.is(b.labelReturn[t * N + i], a.labelReturn[t * N + i])).toBe(true);
            }
        },
      ),
    );
  });

  it('non-vacuity: perturbing another stock inside the window (t + d, t + d + h] changes the relative label at t', () => {
    const T = 8;
    const N = 4;
    const { horizon: h, delay: d } = opts;
    const close = new Float64Array(T * N).fill(100);
    const t = 2;
    const a = panelTarget(close, T, N, { ...opts, target: 'market_relative' });
    expect(a.label[t * N + 0]).toBe(1);
    // Stock 3 gains 40 % over the window of t: the mean rises by 10 %, so stock 0 (flat itself) becomes DOWN,
    // while its absolute label stays FLAT.
    const q = Float64Array.from(close);
    q[(t + d + h) * N + 3] = 140;
    const b = panelTarget(q, T, N, { ...opts, target: 'market_relative' });
    expect(b.label[t * N + 0]).toBe(0);
    expect(b.label[t * N + 3]).toBe(2);
    expect(panelTarget(q, T, N, { ...opts, target: 'absolute' }).label[t * N + 0]).toBe(1);
    // Moving stock 3's entry price at t + d changes the label at t too; moving its price at t does not.
    const entry = Float64Array.from(close);
    entry[(t + d) * N + 3] = 60;
    expect(panelTarget(entry, T, N, { ...opts, target: 'market_relative' }).label[t * N + 0]).toBe(0);
    const before = Float64Array.from(close);
    before[t * N + 3] = 140;
    expect(panelTarget(before, T, N, { ...opts, target: 'market_relative' }).label[t * N + 0]).toBe(1);
  });
});

describe('ml.target configuration', () => {
  it('defaults to market_relative; ALPHALAB_ML__TARGET overrides it; unknown values are refused', () => {
    expect(loadConfig({ env: {} }).ml.target).toBe('market_relative');
    expect(loadConfig({ env: { ALPHALAB_ML__TARGET: 'absolute' } }).ml.target).toBe('absolute');
    expect(() => loadConfig({ env: { ALPHALAB_ML__TARGET: 'relative' } })).toThrow(/target/);
  });
});
