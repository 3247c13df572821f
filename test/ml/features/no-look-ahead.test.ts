import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeTime } from '../../../src/core/calendar.ts';
import type { Universe } from '../../../src/core/universe.ts';
import { computeFeatures, FEATURE_FAMILIES, type FeatureFamily } from '../../../src/ml/features/index.ts';
import { perturbAfter, randomUniverse } from './fixtures.ts';

const T = 300;
const N = 5;

function rowsUpTo(u: Universe, family: FeatureFamily, tStar: number): Float64Array[] {
  return computeFeatures(u, { families: [family] }).columns.map((c) => c.slice(0, (tStar + 1) * N));
}

function identical(a: Float64Array[], b: Float64Array[]): boolean {
  return a.every((col, j) => col.every((v, k) => Object.is(v, b[j]![k])));
}

/** Perturbs data at or before t*: closes at t*, and every event visible at close(t*) rescaled. */
function perturbAtOrBefore(u: Universe, tStar: number): Universe {
  const close = Float64Array.from(u.panels.get('close')!.values);
  const high = Float64Array.from(u.panels.get('high')!.values);
  for (let i = 0; i < N; i++) {
    close[tStar * N + i]! *= 1.07;
    high[tStar * N + i]! *= 1.08;
  }
  const panels = new Map(u.panels);
  panels.set('close', { ...u.panels.get('close')!, values: close });
  panels.set('high', { ...u.panels.get('high')!, values: high });
  const cut = closeTime(u.dates[tStar]!);
  const value = Float64Array.from(u.events.value, (v, k) =>
    u.events.availableTime[k]! <= cut ? v * 1.5 + 1 : v,
  );
  const market = Float64Array.from(u.series.get('market')!);
  market[tStar]! *= 1.05;
  const series = new Map(u.series);
  series.set('market', market);
  return { ...u, panels, series, events: { ...u.events, value } };
}

describe('no look-ahead (methods.md §10): every calculator', () => {
  for (const family of FEATURE_FAMILIES) {
    it(`${family}: perturbing inputs after t* leaves every row ≤ t* bit-identical`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 30, max: T - 2 }), (seed, tStar) => {
          const u = randomUniverse(seed, T, N);
          const before = rowsUpTo(u, family, tStar);
          const after = rowsUpTo(perturbAfter(u, tStar, seed + 7), family, tStar);
          expect(identical(before, after)).toBe(true);
        }),
        { numRuns: 6 },
      );
    });
    if (family === 'temporal') continue; // a function of the date alone: no data to perturb
    it(`${family}: non-vacuity — a change at or before t* changes some row ≤ t*`, () => {
      const u = randomUniverse(11, T, N);
      const tStar = 280;
      expect(
        identical(rowsUpTo(u, family, tStar), rowsUpTo(perturbAtOrBefore(u, tStar), family, tStar)),
      ).toBe(false);
    });
  }
});
