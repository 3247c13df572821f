// The streamed raw signals must equal the panel path bit for bit (same window sums, same EWMA), and the
// fused neutralisation the unfused winsorise → FWL → z-score to 1e-12 (docs/decisions/026).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  baseSignalSpecs,
  buildSignalContext,
  builtinFamilies,
  computeRawSignal,
  defineSignalFamily,
  defineSignalSpec,
  NeutralizeScratch,
  neutralizeRow,
  rawRowSource,
  rawStateLength,
  residualizerAt,
  TrailingWindowStream,
} from '../../src/signals/index.ts';
import { streamKernelOptions } from '../../src/signals/raw-stream-kernel.ts';
import { winsorizeCrossSection, zscoreCrossSection } from '../../src/stats/index.ts';
import { fixtureData, maxRelDiff, sameBits, universeFrom } from './fixtures.ts';

const T = 130;
const N = 12;

describe('rawRowSource: streamed rows equal computeRawSignal', () => {
  const ctx = buildSignalContext(universeFrom(fixtureData({ T, N, seed: 5, holes: 0.06 })), {
    horizons: [1],
  });
  // An odd N leaves one lane of the kernel's last pair unused.
  const odd = buildSignalContext(universeFrom(fixtureData({ T, N: N + 1, seed: 6, holes: 0.06 })), {
    horizons: [1],
  });

  for (const [label, c, forceJs] of [
    ['WebAssembly', ctx, false],
    ['WebAssembly, odd N', odd, false],
    ['JS', ctx, true],
  ] as const) {
    for (const base of baseSignalSpecs) {
      it(`${base.name} (${label}): every lookback, skip and half-life`, () => {
        streamKernelOptions.forceJs = forceJs;
        try {
          fc.assert(
            fc.property(
              fc.integer({ min: 1, max: 150 }),
              fc.integer({ min: 0, max: 30 }),
              fc.constantFrom(0, 1, 7, 40),
              (lookback, skipRaw, halfLife) => {
                const skip = Math.min(skipRaw, lookback - 1);
                const spec = defineSignalSpec({ ...base, lookback, skip, halfLife });
                if (base.family === 'LOW' && lookback - skip < 2) {
                  // A one-row window cannot give a ddof-1 sd: both paths refuse it alike.
                  expect(() => computeRawSignal(c, spec, builtinFamilies)).toThrow(/minObs/);
                  expect(() => rawRowSource(c, spec, builtinFamilies)).toThrow(/minObs/);
                  return;
                }
                const panel = computeRawSignal(c, spec, builtinFamilies);
                const source = rawRowSource(c, spec, builtinFamilies);
                expect(source).toBeInstanceOf(TrailingWindowStream);
                for (let t = 0; t < T; t++) {
                  const row = source.next();
                  expect(sameBits(row, panel.subarray(t * c.N, (t + 1) * c.N)), `${spec.name} row ${t}`).toBe(
                    true,
                  );
                }
              },
            ),
            { numRuns: 12 },
          );
        } finally {
          streamKernelOptions.forceJs = false;
        }
      });
    }
  }

  for (const [label, c, forceJs] of [
    ['WebAssembly, odd N', odd, false],
    ['JS', ctx, true],
  ] as const) {
    it(`save at row t and resume a fresh source there: the same rows to the bit (${label})`, () => {
      streamKernelOptions.forceJs = forceJs;
      try {
        fc.assert(
          fc.property(
            fc.constantFrom(...baseSignalSpecs),
            fc.integer({ min: 2, max: 150 }),
            fc.integer({ min: 0, max: 30 }),
            fc.constantFrom(0, 1, 7, 40),
            fc.integer({ min: 0, max: T - 1 }),
            (base, lookback, skipRaw, halfLife, at) => {
              const skip = Math.min(skipRaw, lookback - 2);
              const spec = defineSignalSpec({ ...base, lookback, skip, halfLife });
              const panel = computeRawSignal(c, spec, builtinFamilies);
              const first = rawRowSource(c, spec, builtinFamilies);
              for (let t = 0; t < at; t++) first.next();
              const state = new Float64Array(rawStateLength(c.N)).fill(Number.NaN);
              first.save(state);
              expect(state.some((v) => Number.isNaN(v))).toBe(false);
              const resumed = rawRowSource(c, spec, builtinFamilies);
              resumed.resume(at, state);
              for (let t = at; t < T; t++) {
                const row = resumed.next();
                expect(sameBits(row, panel.subarray(t * c.N, (t + 1) * c.N)), `${spec.name} row ${t}`).toBe(
                  true,
                );
              }
            },
          ),
          { numRuns: 25 },
        );
      } finally {
        streamKernelOptions.forceJs = false;
      }
    });
  }

  it('a resumed source depends on its state (a wrong state gives other rows)', () => {
    const spec = defineSignalSpec({ ...baseSignalSpecs[0]!, lookback: 30, skip: 0, halfLife: 7 });
    const panel = computeRawSignal(ctx, spec, builtinFamilies);
    const first = rawRowSource(ctx, spec, builtinFamilies);
    for (let t = 0; t < 60; t++) first.next();
    const state = new Float64Array(rawStateLength(N));
    first.save(state);
    state[4 * N] = state[4 * N]! + 1; // stock 0's EWMA numerator
    const resumed = rawRowSource(ctx, spec, builtinFamilies);
    resumed.resume(60, state);
    const row = resumed.next();
    expect(Object.is(row[0], panel[60 * N])).toBe(false);
    expect(sameBits(row.subarray(1), panel.subarray(60 * N + 1, 61 * N))).toBe(true);
  });

  it('a family without a streaming form (and one overriding a built-in name) goes through its panel', () => {
    const custom = defineSignalFamily({
      name: 'MOM',
      description: 'a user family that reuses a built-in name',
      inputs: ['return'],
      compute(inp, _spec, out) {
        for (let k = 0; k < inp.T * inp.N; k++) out[k] = inp.logReturn[k]! * 2;
      },
    });
    const families = new Map(builtinFamilies);
    families.set('MOM', custom);
    const spec = defineSignalSpec({ ...baseSignalSpecs[0]!, halfLife: 3 });
    const panel = computeRawSignal(ctx, spec, families);
    const source = rawRowSource(ctx, spec, families);
    expect(source).not.toBeInstanceOf(TrailingWindowStream);
    for (let t = 0; t < T; t++)
      expect(sameBits(source.next(), panel.subarray(t * N, (t + 1) * N))).toBe(true);
    // A panel source resumes at any row.
    const resumed = rawRowSource(ctx, spec, families);
    resumed.resume(77, new Float64Array(rawStateLength(N)));
    expect(sameBits(resumed.next(), panel.subarray(77 * N, 78 * N))).toBe(true);
    // and the built-in MOM differs from it (non-vacuity)
    const builtin = computeRawSignal(ctx, spec, builtinFamilies);
    expect(sameBits(builtin, panel)).toBe(false);
  });

  it('a missing input field throws like computeRawSignal', () => {
    const thin = buildSignalContext(universeFrom(fixtureData({ T: 40, N: 6, fields: [] })), {
      horizons: [1],
    });
    const val = baseSignalSpecs.find((s) => s.family === 'VAL')!;
    expect(() => rawRowSource(thin, val, builtinFamilies)).toThrow(/book_to_market/);
  });
});

/** The unfused steps of methods.md §1–§2, as the stats functions compute them one after another. */
function unfused(ctx: ReturnType<typeof buildSignalContext>, t: number, raw: Float64Array) {
  const w = new Float64Array(raw.length);
  const e = new Float64Array(raw.length);
  const z = new Float64Array(raw.length);
  let n = 0;
  for (const v of raw) if (!Number.isNaN(v)) n++;
  if (n < 3) return { z: z.fill(Number.NaN), count: 0 };
  winsorizeCrossSection(raw, ctx.winsorizeK, w);
  residualizerAt(ctx, t).residualize(w, e);
  zscoreCrossSection(e, z);
  let count = 0;
  for (const v of z) if (!Number.isNaN(v)) count++;
  return { z, count };
}

for (const n of [40, 41]) {
  describe(`neutralizeRow (fused, N = ${n}) equals winsorise → residualize → z-score to 1e-12`, () => {
    const d = fixtureData({ T: 90, N: n, seed: 9, holes: 0.03, sectors: 5 });
    const ctx = buildSignalContext(universeFrom(d), { horizons: [1] });

    for (const path of ['wasm', 'js'] as const) {
      it(`${path}: random rows with outliers, NaN holes (on and off complete-case rows), ties and infinities`, () => {
        NeutralizeScratch.forceJs = path === 'js';
        try {
          fc.assert(
            fc.property(
              fc.integer({ min: 0, max: 89 }),
              fc.integer({ min: 1, max: 1e9 }),
              fc.constantFrom(
                'clean',
                'holes',
                'ties',
                'outlier',
                'infinite',
                'few',
                'constant',
                'empty',
                'level',
              ),
              (t, seed, kind) => {
                const rng = new Rng(seed);
                const raw = Float64Array.from({ length: n }, () => rng.normal());
                if (kind === 'holes')
                  for (let i = 0; i < n; i++) if (rng.uniform() < 0.2) raw[i] = Number.NaN;
                if (kind === 'ties') for (let i = 0; i < n; i++) raw[i] = Math.round(raw[i]!);
                if (kind === 'outlier') raw[rng.int(n)] = 1e6;
                if (kind === 'infinite') raw[rng.int(n)] = rng.uniform() < 0.5 ? Infinity : -Infinity;
                if (kind === 'few') raw.fill(Number.NaN, 2);
                if (kind === 'constant') raw.fill(0.25);
                if (kind === 'empty') raw.fill(Number.NaN);
                // A large level under a small spread (a field like a price): the shifts keep it accurate.
                if (kind === 'level') for (let i = 0; i < n; i++) raw[i] = 1e4 + raw[i]!;
                const out = new Float64Array(n);
                const count = neutralizeRow(ctx, t, raw, out, new NeutralizeScratch(n));
                const ref = unfused(ctx, t, raw);
                expect(count).toBe(ref.count);
                // At a level of 1e4 the reference's own sector means round at ≈ 1e4·ε per value, relative
                // to a unit spread: the two agree to that, not to 1e-12.
                expect(maxRelDiff(out, ref.z)).toBeLessThan(kind === 'level' ? 1e-10 : 1e-12);
              },
            ),
            { numRuns: 300 },
          );
        } finally {
          NeutralizeScratch.forceJs = false;
        }
      });
    }

    it('an outlier on a stock that is not a complete case does not cost precision (the shift is not μ)', () => {
      for (const forceJs of [false, true]) {
        NeutralizeScratch.forceJs = forceJs;
        try {
          for (let t = 45; t < 90; t++) {
            const { rows } = residualizerAt(ctx, t);
            if (rows.length === n) continue;
            const outside = [...Array(n).keys()].find((i) => !rows.includes(i))!;
            const rng = new Rng(t);
            const raw = Float64Array.from({ length: n }, () => rng.normal());
            raw[outside] = 1e6;
            const out = new Float64Array(n);
            neutralizeRow(ctx, t, raw, out, new NeutralizeScratch(n));
            expect(maxRelDiff(out, unfused(ctx, t, raw).z)).toBeLessThan(1e-12);
          }
        } finally {
          NeutralizeScratch.forceJs = false;
        }
      }
    });

    it('a clean row after burn-in has every complete-case stock (non-vacuity of the fast path)', () => {
      const t = 80;
      const raw = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
      const out = new Float64Array(n);
      const count = neutralizeRow(ctx, t, raw, out, new NeutralizeScratch(n));
      expect(count).toBe(residualizerAt(ctx, t).rows.length);
      expect(count).toBeGreaterThan(n / 2);
    });
  });
}
