import { describe, expect, it } from 'vitest';
import { buildSyntheticMarket } from '../../../src/data/synthetic/generate.ts';
import { resolveSyntheticOptions } from '../../../src/data/synthetic/index.ts';
import { EFFECTS } from '../../../src/data/synthetic/parameters.ts';

const N = 60;
const T = 420;
const a = new Float64Array(T * N);
const { universe: u, truth } = buildSyntheticMarket(
  resolveSyntheticOptions({ stocks: N, days: T, seed: 99 }),
  {
    expectedReturns: a,
  },
);
const ret = u.panels.get('return')!.values;

/** κ·(x − mean)/sd, ddof 0, over the finite values; 0 for missing. */
function zEffect(x: number[], kappa: number): number[] {
  const fin = x.filter((v) => !Number.isNaN(v));
  const m = fin.reduce((p, q) => p + q, 0) / fin.length;
  const sd = Math.sqrt(fin.reduce((p, q) => p + (q - m) ** 2, 0) / fin.length);
  return x.map((v) => (Number.isNaN(v) ? 0 : (kappa * (v - m)) / sd));
}

/**
 * The injected expected return of day t rebuilt from published data only: the characteristic panels at
 * t − 1 and the 12-1 momentum Σ_{s=t−252}^{t−22} ln(1 + r_s) (parameters.ts EFFECTS).
 */
function naiveExpectedReturn(t: number, windowShift = 0): number[] {
  const out = new Array<number>(N).fill(0);
  const row = (f: string, s: number) => Array.from(u.panels.get(f)!.values.subarray(s * N, (s + 1) * N));
  const parts: [string, number][] = [
    ['eps_revision', EFFECTS.epsRevision],
    ['earnings_surprise', EFFECTS.earningsSurprise],
    ['short_interest', EFFECTS.shortInterest],
    ['accruals', EFFECTS.accruals],
    ['asset_growth', EFFECTS.assetGrowth],
  ];
  for (const [f, kappa] of parts) zEffect(row(f, t - 1), kappa).forEach((v, i) => (out[i]! += v));
  if (t >= 253) {
    const mom = new Array<number>(N).fill(0);
    for (let s = t - 252 + windowShift; s <= t - 22 + windowShift; s++) {
      for (let i = 0; i < N; i++) mom[i]! += Math.log1p(ret[s * N + i]!);
    }
    zEffect(mom, truth.momentumFactor[t]!).forEach((v, i) => (out[i]! += v));
  }
  return out;
}

describe('synthetic market: injected effects are causal', () => {
  it('equals, every day, the effects rebuilt from data published by the previous close', () => {
    let worst = 0;
    for (let t = 1; t < T; t++) {
      const want = naiveExpectedReturn(t);
      for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(a[t * N + i]! - want[i]!));
    }
    // a is O(1e-4); agreement to 1e-9 of that.
    expect(worst).toBeLessThan(1e-13);
    expect(truth.effects.momentum).toBe(EFFECTS.momentum);
  });

  it('switches momentum on only once the full 12-1 window exists, and it then dominates the dispersion', () => {
    const sd = (t: number) => {
      const x = Array.from(a.subarray(t * N, (t + 1) * N));
      const m = x.reduce((p, q) => p + q, 0) / N;
      return Math.sqrt(x.reduce((p, q) => p + (q - m) ** 2, 0) / N);
    };
    let before = 0;
    let after = 0;
    for (let t = 200; t < 253; t++) before += sd(t) / 53;
    for (let t = 253; t < 306; t++) after += sd(t) / 53;
    expect(after).toBeGreaterThan(1.3 * before);
  });

  it('is sensitive to the window: moving it by one day either way, or to end at t − 1, does not match', () => {
    for (const shift of [-1, 1, 21]) {
      let diff = 0;
      for (let t = 300; t < 310; t++) {
        const other = naiveExpectedReturn(t, shift);
        for (let i = 0; i < N; i++) diff = Math.max(diff, Math.abs(a[t * N + i]! - other[i]!));
      }
      expect(diff, `shift ${shift}`).toBeGreaterThan(1e-8);
    }
  });
});
