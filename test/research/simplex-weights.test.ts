import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { maxSharpeSimplexWeights } from '../../src/research/simplex-weights.ts';

const sharpe = (mu: number[], C: number[][], w: number[]) => {
  const num = w.reduce((a, x, j) => a + x * mu[j]!, 0);
  let q = 0;
  for (let a = 0; a < w.length; a++) for (let b = 0; b < w.length; b++) q += w[a]! * C[a]![b]! * w[b]!;
  return num / Math.sqrt(q);
};
const flat = (C: number[][]) => Float64Array.from(C.flat());

describe('maxSharpeSimplexWeights (methods.md §4)', () => {
  it('R4.2: interior optimum', () => {
    const C = [
      [1, 0.5, 0.2],
      [0.5, 1, 0.1],
      [0.2, 0.1, 1],
    ];
    const r = maxSharpeSimplexWeights(Float64Array.from([0.8, 0.5, 0.3]), flat(C));
    const want = [0.7161016949152543, 0.13559322033898302, 0.14830508474576268];
    want.forEach((x, j) => expect(Math.abs(r.weights[j]! - x)).toBeLessThan(1e-9));
    expect(Math.abs(r.sharpe - 0.8208227579691002)).toBeLessThan(1e-9);
    expect(r.fallback).toBe(false);
  });

  it('R4.3: a weight hits the bound (unconstrained optimum has −1.59)', () => {
    const C = [
      [1, 0.6, 0.7],
      [0.6, 1, 0.5],
      [0.7, 0.5, 1],
    ];
    const r = maxSharpeSimplexWeights(Float64Array.from([0.8, 0.5, 0.1]), flat(C));
    [25 / 26, 1 / 26, 0].forEach((x, j) => expect(Math.abs(r.weights[j]! - x)).toBeLessThan(1e-9));
    expect(Math.abs(r.sharpe - 0.8003905296791062)).toBeLessThan(1e-9);
  });

  it('falls back to equal weights, flagged, when no μ is positive', () => {
    const r = maxSharpeSimplexWeights(Float64Array.from([0, -1]), Float64Array.from([1, 0, 0, 1]));
    expect([...r.weights]).toEqual([0.5, 0.5]);
    expect(r.fallback).toBe(true);
  });

  it('single signal: weight 1', () => {
    expect([...maxSharpeSimplexWeights(Float64Array.from([0.3]), Float64Array.from([1])).weights]).toEqual([
      1,
    ]);
  });

  it('beats every random point of the simplex and satisfies the KKT conditions (random SPD problems)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 2, max: 9 }), (seed, M) => {
        const rng = new Rng(seed);
        const k = M + 2;
        const X = Array.from({ length: k }, () => Array.from({ length: M }, () => rng.normal()));
        const C = Array.from({ length: M }, (_, a) =>
          Array.from(
            { length: M },
            (_, b) => X.reduce((s, row) => s + row[a]! * row[b]!, 0) / k + (a === b ? 0.2 : 0),
          ),
        );
        const mu = Array.from({ length: M }, () => rng.normal());
        fc.pre(mu.some((m) => m > 0));
        const r = maxSharpeSimplexWeights(Float64Array.from(mu), flat(C));
        const w = [...r.weights];
        expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        expect(w.every((x) => x >= 0)).toBe(true);
        const best = sharpe(mu, C, w);
        expect(Math.abs(best - r.sharpe)).toBeLessThan(1e-12);
        for (let trial = 0; trial < 200; trial++) {
          const e = Array.from({ length: M }, () => -Math.log(rng.uniform() + 1e-300));
          const s = e.reduce((a, b) => a + b, 0);
          expect(
            sharpe(
              mu,
              C,
              e.map((x) => x / s),
            ),
          ).toBeLessThanOrEqual(best + 1e-9);
        }
        // KKT of min ½w'Cw − μ'w on the un-normalised scale: g = Cv − μ is 0 on the support, ≥ 0 off it.
        const scale =
          w.reduce((a, x, j) => a + x * mu[j]!, 0) /
          w.reduce((a, x, i) => a + x * C[i]!.reduce((s, c, j) => s + c * w[j]!, 0), 0);
        const v = w.map((x) => x * scale);
        for (let j = 0; j < M; j++) {
          const g = C[j]!.reduce((s, c, b) => s + c * v[b]!, 0) - mu[j]!;
          if (v[j]! > 1e-12) expect(Math.abs(g)).toBeLessThan(1e-9);
          else expect(g).toBeGreaterThan(-1e-9);
        }
      }),
      { numRuns: 150 },
    );
  });
});
