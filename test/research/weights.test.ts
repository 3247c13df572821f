import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { type IcSeriesSet, signalWeightsAsOf } from '../../src/research/index.ts';
import { effectiveNumber, shrunkCorrelation } from '../../src/stats/index.ts';

function makeSet(T: number, M: number, seed: number, d = 1, h = 5): IcSeriesSet {
  const rng = new Rng(seed);
  const common = Array.from({ length: T }, () => rng.normal());
  const series = Array.from({ length: M }, (_, j) => {
    const mean = (j % 3 === 2 ? -1 : 1) * (0.01 + 0.01 * j);
    return Float64Array.from({ length: T }, (_, t) =>
      rng.uniform() < 0.1 ? Number.NaN : mean + 0.05 * (0.6 * common[t]! + 0.8 * rng.normal()),
    );
  });
  return {
    names: series.map((_, j) => `S${j}`),
    dates: Array.from({ length: T }, (_, t) => `d${t}`),
    horizon: h,
    executionDelay: d,
    series,
  };
}

describe('signalWeightsAsOf (methods.md §4)', () => {
  it('uses only dates where every signal has an IC (not the last-min_len alignment of seed 002)', () => {
    const set = makeSet(300, 4, 1);
    const w = signalWeightsAsOf(set, { minObs: 30 });
    const last = 299 - 1 - 5;
    const common: number[] = [];
    for (let t = 0; t <= last; t++) if (set.series.every((s) => !Number.isNaN(s[t]!))) common.push(t);
    expect(w.commonDates).toBe(common.length);
    // ICIR of each signal over exactly those dates.
    set.series.forEach((s, j) => {
      const v = common.map((t) => s[t]!);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
      expect(Math.abs(w.icir[j]! - m / sd)).toBeLessThan(1e-12);
    });
    // The shrunk correlation the optimiser saw is that of the sign-adjusted aligned series.
    const X = Float64Array.from(
      common.flatMap((t) => set.series.map((s, j) => Math.sign(w.icir[j]!) * s[t]!)),
    );
    const sc = shrunkCorrelation(X, common.length, 4, 'ledoit-wolf');
    expect(w.shrinkage.intensity).toBe(sc.intensity);
    expect(w.inSample).toBe(true);
  });

  it('signs the weights by mean IC, Σ|w| = 1, N_eff in [1, M]', () => {
    const w = signalWeightsAsOf(makeSet(400, 6, 2), { minObs: 30 });
    expect(Math.abs(w.weights.reduce((a, b) => a + Math.abs(b), 0) - 1)).toBeLessThan(1e-12);
    w.weights.forEach((x, j) => {
      if (x !== 0) expect(Math.sign(x)).toBe(Math.sign(w.icir[j]!));
    });
    expect(w.weights[2]).toBeLessThanOrEqual(0);
    expect(w.effectiveN).toBeGreaterThanOrEqual(1);
    expect(w.effectiveN).toBeLessThanOrEqual(6);
    expect(w.effectiveN).toBeCloseTo(effectiveNumber(Float64Array.from(w.weights, Math.abs)), 12);
    expect(Math.abs(w.sharpeAnn - w.sharpe * Math.sqrt(252 / 5))).toBeLessThan(1e-12);
  });

  it('no look-ahead: ICs not yet resolved at asOf (s > asOf − d − h) do not matter; a resolved one does', () => {
    const set = makeSet(300, 4, 3);
    fc.assert(
      fc.property(fc.integer({ min: 120, max: 290 }), fc.integer({ min: 1, max: 1e9 }), (asOf, seed) => {
        const ref = signalWeightsAsOf(set, { asOf, minObs: 30 });
        const rng = new Rng(seed);
        const lastResolved = asOf - 1 - 5;
        const later = {
          ...set,
          series: set.series.map((s) => s.map((v, t) => (t > lastResolved ? rng.normal() : v))),
        };
        const got = signalWeightsAsOf(later, { asOf, minObs: 30 });
        expect([...got.weights]).toEqual([...ref.weights]);
        expect(got.inSample).toBe(false);
        const earlier = {
          ...set,
          series: set.series.map((s) =>
            s.map((v, t) => (t === lastResolved && !Number.isNaN(v) ? v + 0.5 : v)),
          ),
        };
        const changed = signalWeightsAsOf(earlier, { asOf, minObs: 30 });
        const anyResolvedHere = set.series.every((s) => !Number.isNaN(s[lastResolved]!));
        if (anyResolvedHere) expect([...changed.weights]).not.toEqual([...ref.weights]);
      }),
      { numRuns: 25 },
    );
  });

  it('too little resolved history gives zero weights, flagged; a late starter is left out with a note', () => {
    const set = makeSet(200, 3, 4);
    const early = signalWeightsAsOf(set, { asOf: 40, minObs: 60 });
    expect(early.fallback).toBe(true);
    expect([...early.weights]).toEqual([0, 0, 0]);
    const late = {
      ...set,
      series: set.series.map((s, j) => (j === 2 ? s.map((v, t) => (t < 150 ? Number.NaN : v)) : s)),
    };
    const w = signalWeightsAsOf(late, { minObs: 60 });
    expect(w.included).toEqual(['S0', 'S1']);
    expect(w.weights[2]).toBe(0);
  });

  it('excluded names get weight 0', () => {
    const w = signalWeightsAsOf(makeSet(300, 3, 5), { minObs: 30, exclude: new Set(['S1']) });
    expect(w.weights[1]).toBe(0);
    expect(w.included).not.toContain('S1');
  });
});
