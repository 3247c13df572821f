import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { maxSharpeSimplexWeights } from '../../src/research/simplex-weights.ts';
import {
  chooseHorizonAsOf,
  chooseHorizonsAsOf,
  type IcSeriesSet,
  signalWeightsAsOf,
} from '../../src/research/weights.ts';
import { shrinkageMomentsFromData, shrunkCorrelation } from '../../src/stats/shrinkage.ts';
import {
  referenceChooseHorizonAsOf,
  referenceMaxSharpeSimplexWeights,
  referenceShrinkageMomentsFromData,
  referenceShrunkCorrelation,
  referenceSignalWeightsAsOf,
} from './fixtures/weights-reference.ts';

/** Every number of a value as its float64 bits, so equality is bit for bit (−0 ≠ 0, NaN payloads aside). */
function bits(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (v instanceof Float64Array) return Array.from(v, bits);
  if (Array.isArray(v)) return v.map(bits);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bits(x)]));
  return v;
}

/**
 * IC series with what the walk-forward meets: holes, late starters, a negative-mean series, a constant one, an
 * infinite value, and (optionally) more series than early common dates.
 */
function icSet(seed: number, T: number, M: number, h: number): IcSeriesSet {
  const rng = new Rng(seed);
  const common = Array.from({ length: T }, () => rng.normal());
  const series = Array.from({ length: M }, (_, j) => {
    const start = j % 5 === 4 ? Math.floor(rng.uniform() * T * 0.6) : 0;
    const mean = (j % 3 === 2 ? -1 : 1) * 0.02 * rng.uniform();
    return Float64Array.from({ length: T }, (_, t) => {
      if (t < start || rng.uniform() < 0.03) return Number.NaN;
      if (j === 7) return 0.01; // constant
      if (j === 11 && t === Math.floor(T / 2)) return Number.POSITIVE_INFINITY;
      return mean + 0.05 * (0.5 * common[t]! + 0.85 * rng.normal());
    });
  });
  return {
    names: series.map((_, j) => `S${j}`),
    dates: Array.from({ length: T }, (_, t) => `d${t}`),
    horizon: h,
    executionDelay: 1,
    series,
  };
}

describe('signal weighting against its frozen scalar reference (docs/decisions/160)', () => {
  it('signalWeightsAsOf and chooseHorizonsAsOf give the reference result bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 2, max: 70 }),
        fc.constantFrom('ledoit-wolf' as const, 'oas' as const),
        fc.integer({ min: 5, max: 60 }),
        (seed, M, shrinkage, minObs) => {
          const T = 260;
          const sets = [icSet(seed, T, M, 1), icSet(seed + 1, T, M, 5), icSet(seed + 2, T, M, 21)];
          const options = { shrinkage, minObs, exclude: new Set(['S3']) };
          const asOfs = [0, 30, 61, 90, 140, 200, T - 1];
          const batch = chooseHorizonsAsOf(sets, asOfs, options);
          asOfs.forEach((asOf, k) => {
            const ref = referenceChooseHorizonAsOf(sets, { ...options, asOf });
            expect(bits(batch[k])).toEqual(bits(ref));
            expect(bits(chooseHorizonAsOf(sets, { ...options, asOf }))).toEqual(bits(ref));
            expect(bits(signalWeightsAsOf(sets[1]!, { ...options, asOf }))).toEqual(
              bits(referenceSignalWeightsAsOf(sets[1]!, { ...options, asOf })),
            );
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('simplex weights on an undefined (NaN) correlation fail the same way as the reference', () => {
    const mu = Float64Array.of(0.3, -0.1, 0.2);
    const C = new Float64Array(9).fill(Number.NaN);
    expect(bits(maxSharpeSimplexWeights(mu, C))).toEqual(bits(referenceMaxSharpeSimplexWeights(mu, C)));
  });

  it('is not vacuous: the sets above give weights, left-out members and both correlation branches', () => {
    const set = icSet(5, 260, 70, 5);
    const early = signalWeightsAsOf(set, { asOf: 90, minObs: 20 });
    expect(early.included.length).toBeGreaterThan(early.commonDates); // more series than dates
    const late = signalWeightsAsOf(icSet(5, 260, 12, 5), { minObs: 20 });
    expect(late.included.length).toBeLessThan(late.commonDates);
    expect(late.notes.some((n) => n.includes('constant'))).toBe(true);
    expect(late.weights.some((w) => w !== 0)).toBe(true);
  });

  it('shrunkCorrelation, the moments and the simplex weights match their references bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, T, M) => {
          const rng = new Rng(seed);
          const X = Float64Array.from({ length: T * M }, () =>
            rng.uniform() < 0.02 ? Number.NaN : rng.normal() + 0.3 * rng.normal() ** 3,
          );
          for (const method of ['ledoit-wolf', 'oas'] as const)
            expect(bits(shrunkCorrelation(X, T, M, method))).toEqual(
              bits(referenceShrunkCorrelation(X, T, M, method)),
            );
          const finite = X.map((x) => (Number.isNaN(x) ? 0.5 : x));
          for (const assumeCentered of [false, true])
            expect(bits(shrinkageMomentsFromData(finite, T, M, { assumeCentered }))).toEqual(
              bits(referenceShrinkageMomentsFromData(finite, T, M, { assumeCentered })),
            );
          const sc = referenceShrunkCorrelation(finite, T, M);
          if (!Number.isNaN(sc.intensity)) {
            const mu = Float64Array.from({ length: M }, () => rng.normal());
            // the same weights, or the same failure (a nearly singular C̃ can exhaust the active set)
            const outcome = (f: () => unknown) => {
              try {
                return bits(f());
              } catch (e) {
                return String(e);
              }
            };
            expect(outcome(() => maxSharpeSimplexWeights(mu, sc.shrunk))).toEqual(
              outcome(() => referenceMaxSharpeSimplexWeights(mu, sc.shrunk)),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
