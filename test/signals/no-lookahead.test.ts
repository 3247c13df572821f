// Point-in-time property tests (architecture.md §4, methods.md §10): perturbing any data dated after t*
// changes nothing at or before t* — raw signals of every family, betas, neutralised signals — while a
// perturbation at or before t* does change something (non-vacuity). Labels: perturbing returns after
// t + d + h leaves the label at t alone; perturbing one of r_{t+d+1} … r_{t+d+h} changes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  baseSignalSpecs,
  buildSignalContext,
  builtinFamilies,
  computeRawSignal,
  defineSignalSpec,
  neutralizedSignal,
  type SignalSpec,
} from '../../src/signals/index.ts';
import { cloneData, type FixtureData, fixtureData, sameBits, universeFrom } from './fixtures.ts';

const T = 110;
const N = 16;
const specs: SignalSpec[] = baseSignalSpecs.map((s) =>
  defineSignalSpec({ ...s, lookback: s.skip > 0 ? 30 : 20, skip: s.skip > 0 ? 4 : 0, halfLife: 6 }),
);

/** Perturbs every panel and the market series on rows in [from, to): scaling, sign flips, NaN. */
function perturbRows(d: FixtureData, from: number, to: number, seed: number): FixtureData {
  const p = cloneData(d);
  const rng = new Rng(seed);
  for (const v of p.panels.values()) {
    for (let k = from * d.N; k < to * d.N; k++) {
      const u = rng.uniform();
      v[k] = u < 0.1 ? Number.NaN : u < 0.3 ? -v[k]! : v[k]! * (0.5 + rng.uniform());
    }
  }
  if (p.market) for (let t = from; t < to; t++) p.market[t] = p.market[t]! * (0.9 + 0.2 * rng.uniform());
  return p;
}

function everything(d: FixtureData) {
  const ctx = buildSignalContext(universeFrom(d), { horizons: [1, 5] });
  return {
    ctx,
    raw: specs.map((s) => computeRawSignal(ctx, s, builtinFamilies)),
    neutral: specs.map((s) => neutralizedSignal(ctx, s, builtinFamilies)),
  };
}

describe('no look-ahead', () => {
  for (const market of [true, false]) {
    it(`raw signals, betas and neutralised signals at t ≤ t* ignore data after t* (market series: ${market})`, () => {
      const base = fixtureData({ T, N, seed: 11, holes: 0.02, market });
      const ref = everything(base);
      fc.assert(
        fc.property(fc.integer({ min: 40, max: T - 2 }), fc.integer({ min: 1, max: 1e9 }), (cut, seed) => {
          const after = everything(perturbRows(base, cut + 1, T, seed));
          const end = (cut + 1) * N;
          expect(sameBits(after.ctx.beta, ref.ctx.beta, 0, end)).toBe(true);
          expect(sameBits(after.ctx.logReturn, ref.ctx.logReturn, 0, end)).toBe(true);
          specs.forEach((s, j) => {
            expect(sameBits(after.raw[j]!, ref.raw[j]!, 0, end), `raw ${s.name}`).toBe(true);
            expect(sameBits(after.neutral[j]!, ref.neutral[j]!, 0, end), `neutral ${s.name}`).toBe(true);
          });
        }),
        { numRuns: 6 },
      );
    });
  }

  it('non-vacuity: perturbing data at or before t* changes raw and neutralised values at t*', () => {
    const base = fixtureData({ T, N, seed: 12 });
    const ref = everything(base);
    const cut = 90;
    const after = everything(perturbRows(base, cut - 10, cut + 1, 99));
    const rows = (x: Float64Array) => x.subarray(cut * N, (cut + 1) * N);
    expect(sameBits(rows(after.ctx.beta), rows(ref.ctx.beta))).toBe(false);
    specs.forEach((s, j) => {
      expect(sameBits(rows(after.raw[j]!), rows(ref.raw[j]!)), `raw ${s.name}`).toBe(false);
      expect(sameBits(rows(after.neutral[j]!), rows(ref.neutral[j]!)), `neutral ${s.name}`).toBe(false);
    });
  });

  it('labels: returns after t+d+h do not move the label at t; each of r_{t+d+1} … r_{t+d+h} does', () => {
    const base = fixtureData({ T: 60, N: 5, seed: 13 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(1, 2, 5, 9),
        fc.integer({ min: 0, max: 40 }),
        (d, h, t) => {
          fc.pre(t + d + h <= 59);
          const horizons = [h];
          const ref = buildSignalContext(universeFrom(base), { horizons, executionDelay: d }).forward[0]!;
          // Everything after t + d + h perturbed: label at t unchanged.
          const later = buildSignalContext(universeFrom(perturbRows(base, t + d + h + 1, 60, t)), {
            horizons,
            executionDelay: d,
          }).forward[0]!;
          expect(sameBits(later, ref, t * 5, (t + 1) * 5)).toBe(true);
          // r_t … r_{t+d} (seen before trading) perturbed: label at t unchanged.
          const before = buildSignalContext(universeFrom(perturbRows(base, 0, t + d + 1, t)), {
            horizons,
            executionDelay: d,
          }).forward[0]!;
          expect(sameBits(before, ref, t * 5, (t + 1) * 5)).toBe(true);
          // One return inside the window: label at t changes for that stock.
          for (let j = t + d + 1; j <= t + d + h; j++) {
            const p = cloneData(base);
            p.panels.get('return')![j * 5 + 2] = p.panels.get('return')![j * 5 + 2]! + 0.01;
            const f = buildSignalContext(universeFrom(p), { horizons, executionDelay: d }).forward[0]!;
            expect(f[t * 5 + 2]).not.toBe(ref[t * 5 + 2]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
