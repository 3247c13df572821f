// methods.md §3 reference values through the research code paths (the stats kernels have their own tests).
import { describe, expect, it } from 'vitest';
import { type HorizonAccumulation, IcAccumulator, summarizeHorizon } from '../../src/research/index.ts';
import { BucketRankWorkspace, rankAverageTiesBucketed, type SignalContext } from '../../src/signals/index.ts';

/** A one-date context whose 5-day label is `R` (enough of SignalContext for the accumulator). */
function oneDateContext(R: number[]): SignalContext {
  const N = R.length;
  const forward = Float64Array.from(R);
  const ranks = new Float64Array(N);
  const n = rankAverageTiesBucketed(N, forward, 0, ranks, new BucketRankWorkspace(N));
  const centred = Float32Array.from(ranks, (r) => r - (n + 1) / 2);
  return {
    T: 1,
    N,
    horizons: [5],
    forward: [forward],
    forwardRank: [centred],
    forwardRankCount: [Int32Array.of(n)],
    forwardRankSS: [Float64Array.of(centred.reduce((a, v) => a + v * v, 0))],
  } as unknown as SignalContext;
}

describe('reference values (methods.md §3)', () => {
  it('R3.4: rank IC 0.9757575757575757 and Q5 − Q1 = 0.05 (2.52 annualised at h = 5)', () => {
    const s = Float64Array.from([0.3, -1.2, 0.8, 2.1, -0.5, 1.5, -2.0, 0.0, 0.9, -0.7]);
    const R = [0.01, -0.02, 0.005, 0.03, -0.01, 0.02, -0.03, 0.0, 0.012, -0.004];
    const acc = new IcAccumulator(oneDateContext(R), {
      minCoverage: 2,
      quantiles: 5,
      minBucketSize: 2,
      skips: [0],
    });
    acc.add(0, s);
    const a = acc.horizons[0]!;
    expect(Math.abs(a.ic[0]! - 0.9757575757575757)).toBeLessThan(1e-12);
    expect(Math.abs(a.spread[0]! - 0.05)).toBeLessThan(1e-12);
    expect(Math.abs(summarizeHorizon('S', a, { minObs: 1, skips: [0] }).q5q1Ann - 2.52)).toBeLessThan(1e-9);
  });

  it('R3.1: ties use average ranks (0.9276336570439174), a bucket below minBucketSize leaves Q5 − Q1 NaN', () => {
    const acc = new IcAccumulator(oneDateContext([0.1, 0.3, 0.2, 0.5, 0.4, 0.6]), {
      minCoverage: 2,
      quantiles: 5,
      minBucketSize: 2,
      skips: [0],
    });
    acc.add(0, Float64Array.from([1, 2, 2, 3, 4, 5]));
    expect(Math.abs(acc.horizons[0]!.ic[0]! - 0.9276336570439174)).toBeLessThan(1e-12);
    expect(acc.horizons[0]!.spread[0]).toBeNaN();
  });

  it('R3.2: summary statistics of an IC series at h = 5', () => {
    const ic = Float64Array.from([0.05, 0.02, -0.01, 0.04, 0.03, 0.06, -0.02, 0.01, 0.05, 0.03]);
    const acc: HorizonAccumulation = {
      horizon: 5,
      ic,
      icStocks: new Int32Array(10).fill(300),
      spread: new Float64Array(10).fill(Number.NaN),
      lagIcSum: new Float64Array(1),
      lagIcCount: new Int32Array(1),
      lsSum: new Float64Array(1),
      lsCount: new Int32Array(1),
    };
    const s = summarizeHorizon('S', acc, { minObs: 10, skips: [0] });
    expect(Math.abs(s.meanIc - 0.026)).toBeLessThan(1e-12);
    expect(Math.abs(s.icSd - 0.026331223544175334)).toBeLessThan(1e-12);
    expect(Math.abs(s.icir - 0.9874208829065749)).toBeLessThan(1e-9);
    expect(Math.abs(s.icirAnn - 7.009992867328753)).toBeLessThan(1e-9);
    expect(Math.abs(s.tIid - 3.1224989991991996)).toBeLessThan(1e-9);
    expect(s.nwLags).toBe(5);
    expect(Math.abs(s.tNw - 7.06758366885431)).toBeLessThan(1e-9);
    expect(s.hitRate).toBe(0.8);
    expect(s.coverage).toBe(300);
    expect(summarizeHorizon('S', acc, { minObs: 11, skips: [0] }).tNw).toBeNaN();
  });
});
