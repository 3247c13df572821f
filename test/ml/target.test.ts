import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classBalanceWeights, threeClassTarget, threeClassTargetPanel } from '../../src/ml/target.ts';

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
