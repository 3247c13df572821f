import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  baseSignalSpecs,
  buildSignalContext,
  builtinFamilies,
  computeRawSignal,
  defineSignalSpec,
  NeutralizeScratch,
  neutralizedSignal,
  neutralizeRow,
  withSharedFwlBases,
} from '../../src/signals/index.ts';
import { fixtureData, fixtureUniverse, sameBits, universeFrom } from './fixtures.ts';

/** Naive twin of methods.md §1–§2: winsorise (ddof 0, k σ), dense OLS residual by Gram–Schmidt, z-score. */
function naiveNeutralize(raw: Float64Array, groups: Int32Array, Z: Float64Array[], k: number): Float64Array {
  const N = raw.length;
  const out = new Float64Array(N).fill(Number.NaN);
  const ok = (i: number) => !Number.isNaN(raw[i]!) && Z.every((z) => !Number.isNaN(z[i]!));
  const vals = [...raw].filter((v) => !Number.isNaN(v));
  if (vals.length < 3) return out;
  const mu = vals.reduce((a, b) => a + b, 0) / vals.length;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mu) ** 2, 0) / vals.length);
  const w = [...raw].map((v) => (sd > 1e-12 ? Math.min(Math.max(v, mu - k * sd), mu + k * sd) : v));
  const rows = [...Array(N).keys()].filter(ok);
  const cols: number[][] = [];
  for (const g of new Set(rows.map((i) => groups[i]!))) cols.push(rows.map((i) => (groups[i] === g ? 1 : 0)));
  for (const z of Z) cols.push(rows.map((i) => z[i]!));
  // Gram–Schmidt (twice) on the columns; dependent columns are dropped.
  const basis: number[][] = [];
  for (const c of cols) {
    const v = [...c];
    const norm0 = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        const d = q.reduce((a, qi, j) => a + qi * v[j]!, 0);
        for (let j = 0; j < v.length; j++) v[j]! -= d * q[j]!;
      }
    }
    const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    if (norm > 1e-9 * Math.max(1, norm0)) basis.push(v.map((x) => x / norm));
  }
  if (rows.length - basis.length < 2) return out;
  const e = rows.map((i) => w[i]!);
  for (const q of basis) {
    const d = q.reduce((a, qi, j) => a + qi * e[j]!, 0);
    for (let j = 0; j < e.length; j++) e[j]! -= d * q[j]!;
  }
  const m = e.reduce((a, b) => a + b, 0) / e.length;
  const s = Math.sqrt(e.reduce((a, b) => a + (b - m) ** 2, 0) / e.length);
  if (!(s > 1e-12)) return out;
  rows.forEach((i, j) => {
    out[i] = (e[j]! - m) / s;
  });
  return out;
}

describe('neutralizeRow (methods.md §2): FWL residual = full OLS residual', () => {
  it('R2.1 through the pipeline: sectors + ln mcap + β, then z-score', () => {
    const T = 70;
    const N = 8;
    const d = fixtureData({ T, N, sectors: 2, seed: 5 });
    const u = universeFrom({ ...d, sectorNames: ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'] });
    const ctx = buildSignalContext(u, { horizons: [1] });
    // Overwrite the regressors of the last date with R2.1's values (k = 3 cannot clip at n = 8).
    const t = T - 1;
    const lnm = [20, 21, 22, 23.5, 20.5, 23, 21.5, 22.5];
    const beta = [0.8, 1.1, 1.3, 0.9, 1.2, 1.0, 0.7, 1.4];
    ctx.regressors[0]!.set(lnm, t * N);
    ctx.regressors[1]!.set(beta, t * N);
    const s = Float64Array.from([0.5, -0.2, 1.1, 0.3, -0.7, 0.9, 0.4, -0.1]);
    const z = new Float64Array(N);
    expect(neutralizeRow(ctx, t, s, z, new NeutralizeScratch(N))).toBe(8);
    const want = [
      0.6110099949804035, -0.9608248776027581, 1.6567488413512288, -1.306933958728848, -0.978587167533186,
      1.0536615943973335, 0.26240908181370276, -0.33748350867787624,
    ];
    want.forEach((w, i) => expect(Math.abs(z[i]! - w)).toBeLessThan(1e-9));
  });

  it('agrees with a dense OLS twin on random data with NaNs, outliers and singleton sectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 4, max: 40 }), (seed, N) => {
        const rng = new Rng(seed);
        const d = fixtureData({ T: 60, N, sectors: 1 + rng.int(6), seed });
        // One singleton sector.
        d.sectorNames[0] = 'SOLO';
        const u = universeFrom(d);
        const ctx = buildSignalContext(u, { horizons: [1] });
        const t = 59;
        const raw = Float64Array.from({ length: N }, () =>
          rng.uniform() < 0.15 ? Number.NaN : rng.normal() * (rng.uniform() < 0.1 ? 50 : 1),
        );
        for (let i = 0; i < N; i++) if (rng.uniform() < 0.1) ctx.regressors[1]![t * N + i] = Number.NaN;
        const z = new Float64Array(N);
        neutralizeRow(ctx, t, raw, z, new NeutralizeScratch(N));
        const Z = ctx.regressors.map((r) => r.subarray(t * N, (t + 1) * N));
        const want = naiveNeutralize(raw, u.sectorOf, Z, 3);
        for (let i = 0; i < N; i++) {
          if (Number.isNaN(want[i]!)) expect(z[i]).toBeNaN();
          else expect(Math.abs(z[i]! - want[i]!)).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a row with fewer than 3 values, or a constant row, is all NaN (never zero-filled)', () => {
    const u = fixtureUniverse({ T: 70, N: 10 });
    const ctx = buildSignalContext(u, { horizons: [1] });
    const z = new Float64Array(10);
    const sc = new NeutralizeScratch(10);
    const two = new Float64Array(10).fill(Number.NaN);
    two[0] = 1;
    two[1] = 2;
    expect(neutralizeRow(ctx, 69, two, z, sc)).toBe(0);
    expect([...z].every(Number.isNaN)).toBe(true);
    expect(neutralizeRow(ctx, 69, new Float64Array(10).fill(3), z, sc)).toBe(0);
    expect([...z].every(Number.isNaN)).toBe(true);
  });

  it('neutralised rows have mean 0 and ddof-0 sd 1, and are orthogonal to β within the pipeline', () => {
    const u = fixtureUniverse({ T: 120, N: 30, seed: 9 });
    const ctx = buildSignalContext(u, { horizons: [1] });
    const spec = defineSignalSpec({ ...baseSignalSpecs[0]!, lookback: 40, skip: 5, halfLife: 3 });
    const z = neutralizedSignal(ctx, spec, builtinFamilies);
    const raw = computeRawSignal(ctx, spec, builtinFamilies);
    let checked = 0;
    for (let t = 0; t < ctx.T; t++) {
      const row = z.subarray(t * 30, (t + 1) * 30);
      const vals = [...row].filter((v) => !Number.isNaN(v));
      if (vals.length === 0) continue;
      checked++;
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(Math.abs(vals.reduce((a, b) => a + b * b, 0) / vals.length - 1)).toBeLessThan(1e-12);
      let dot = 0;
      for (let i = 0; i < 30; i++) if (!Number.isNaN(row[i]!)) dot += row[i]! * ctx.beta[t * 30 + i]!;
      expect(Math.abs(dot)).toBeLessThan(1e-9);
      expect(Number.isNaN(raw[t * 30]!)).toBe(false);
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('withSharedFwlBases', () => {
  it('neutralises every date to the same bits as the bases each thread builds itself', () => {
    // Holes make some dates' complete cases partial (those keep the thread-built path); odd N.
    const ctx = buildSignalContext(fixtureUniverse({ T: 160, N: 41, holes: 0.004, seed: 12 }), {
      horizons: [1],
    });
    const shared = withSharedFwlBases(ctx);
    expect(withSharedFwlBases(shared)).toBe(shared);
    const kind = shared.fwlBases!.kind;
    // Non-vacuity: both kinds of dates occur (β warm-up and holes: −1; full dates: 2 vectors).
    expect(kind.some((k) => k === 2)).toBe(true);
    expect(kind.some((k) => k === -1)).toBe(true);
    const rng = new Rng(3);
    const a = new Float64Array(ctx.N);
    const b = new Float64Array(ctx.N);
    const sa = new NeutralizeScratch(ctx.N);
    const sb = new NeutralizeScratch(ctx.N);
    let compared = 0;
    for (let t = 0; t < ctx.T; t++) {
      const raw = Float64Array.from({ length: ctx.N }, () => (rng.uniform() < 0.02 ? 8 : rng.normal()));
      const ca = neutralizeRow(ctx, t, raw, a, sa);
      const cb = neutralizeRow(shared, t, raw, b, sb);
      expect(cb).toBe(ca);
      expect(sameBits(b, a), `date ${t}`).toBe(true);
      if (kind[t]! >= 0 && ca > 0) compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });
});
