import { describe, expect, it } from 'vitest';
import { IcAccumulator } from '../../src/research/ic-accumulator.ts';
import { summarizeHorizon } from '../../src/research/summary.ts';
import {
  baseSignalSpecs,
  buildSignalContext,
  builtinFamilies,
  defineSignalSpec,
  neutralizedSignal,
} from '../../src/signals/index.ts';
import { quantileSpread, rankIC } from '../../src/stats/index.ts';
import { fixtureUniverse } from '../signals/fixtures.ts';

const skips = [0, 1, 3, 5];
const options = { minCoverage: 20, quantiles: 5, minBucketSize: 3, skips };

/** Naive twin: every statistic from its definition with the stats/ one-date kernels. */
function naive(z: Float64Array, fwd: Float64Array, T: number, N: number, minCoverage: number) {
  const row = (x: Float64Array, t: number) => x.subarray(t * N, (t + 1) * N);
  const ic = new Float64Array(T).fill(Number.NaN);
  const spread = new Float64Array(T).fill(Number.NaN);
  const lag = skips.map(() => [0, 0]);
  const ls = skips.map(() => [0, 0]);
  for (let t = 0; t < T; t++) {
    const s = row(z, t);
    const valid = [...s].filter((v) => !Number.isNaN(v)).length;
    if (valid < 2) continue;
    skips.forEach((k, j) => {
      if (t + k >= T) return;
      const R = row(fwd, t + k);
      const pairs = [...s].filter((v, i) => !Number.isNaN(v) && !Number.isNaN(R[i]!)).length;
      if (pairs < minCoverage) return;
      const v = rankIC(s, R, minCoverage);
      if (k === 0) {
        ic[t] = v;
        spread[t] = quantileSpread(s, R, { quantiles: 5, minBucketSize: 3 });
      }
      if (!Number.isNaN(v)) {
        lag[j]![0]! += v;
        lag[j]![1]!++;
      }
      // Deciles of the signal over its own valid stocks.
      const order = [...s.keys()].filter((i) => !Number.isNaN(s[i]!)).sort((a, b) => s[a]! - s[b]!);
      const n = order.length;
      const ranks = new Map<number, number>();
      let p = 0;
      while (p < n) {
        let e = p + 1;
        while (e < n && s[order[e]!] === s[order[p]!]) e++;
        for (let q = p; q < e; q++) ranks.set(order[q]!, (p + 1 + e) / 2);
        p = e;
      }
      const top = order
        .filter((i) => 10 * ranks.get(i)! > 9 * n)
        .map((i) => R[i]!)
        .filter((x) => !Number.isNaN(x));
      const bot = order
        .filter((i) => 10 * ranks.get(i)! <= n)
        .map((i) => R[i]!)
        .filter((x) => !Number.isNaN(x));
      if (top.length >= 3 && bot.length >= 3) {
        ls[j]![0]! +=
          top.reduce((a, b) => a + b, 0) / top.length - bot.reduce((a, b) => a + b, 0) / bot.length;
        ls[j]![1]!++;
      }
    });
  }
  return { ic, spread, lag, ls };
}

describe('IcAccumulator = naive per-date statistics', () => {
  for (const holes of [0, 0.03]) {
    it(`matches rankIC, quantileSpread, IC(ℓ) and the decile curve (holes ${holes})`, () => {
      const u = fixtureUniverse({ T: 160, N: 40, holes, seed: 21 });
      const ctx = buildSignalContext(u, { horizons: [1, 5] });
      const spec = defineSignalSpec({ ...baseSignalSpecs[0]!, lookback: 30, skip: 3, halfLife: 4 });
      const z = neutralizedSignal(ctx, spec, builtinFamilies);
      if (holes > 0) for (let k = 0; k < z.length; k += 37) z[k] = Number.NaN;
      const acc = new IcAccumulator(ctx, options);
      for (let t = 0; t < ctx.T; t++) acc.add(t, z.subarray(t * 40, (t + 1) * 40));
      ctx.horizons.forEach((h, hi) => {
        const a = acc.horizons[hi]!;
        const b = naive(z, ctx.forward[hi]!, ctx.T, 40, 20);
        let nIc = 0;
        for (let t = 0; t < ctx.T; t++) {
          if (Number.isNaN(b.ic[t]!)) expect(a.ic[t]).toBeNaN();
          else {
            nIc++;
            expect(Math.abs(a.ic[t]! - b.ic[t]!)).toBeLessThan(1e-12);
          }
          if (Number.isNaN(b.spread[t]!)) expect(a.spread[t]).toBeNaN();
          else expect(Math.abs(a.spread[t]! - b.spread[t]!)).toBeLessThan(1e-12);
        }
        expect(nIc).toBeGreaterThan(60);
        skips.forEach((_, j) => {
          expect(a.lagIcCount[j]).toBe(b.lag[j]![1]);
          expect(Math.abs(a.lagIcSum[j]! - b.lag[j]![0]!)).toBeLessThan(1e-10);
          expect(a.lsCount[j]).toBe(b.ls[j]![1]);
          expect(Math.abs(a.lsSum[j]! - b.ls[j]![0]!)).toBeLessThan(1e-10);
        });
        const st = summarizeHorizon('MOM', a, { minObs: 30, skips });
        expect(st.horizon).toBe(h);
        expect(st.n).toBe(nIc);
      });
    });
  }
});

describe('IcAccumulator options', () => {
  it('refuses decay skips that do not start at 0 or do not increase', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T: 30, N: 5 }), { horizons: [1] });
    expect(() => new IcAccumulator(ctx, { ...options, skips: [1, 3] })).toThrow(/start at 0/);
    expect(() => new IcAccumulator(ctx, { ...options, skips: [0, 3, 3] })).toThrow(/start at 0 and increase/);
  });
});
