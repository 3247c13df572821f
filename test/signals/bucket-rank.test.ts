import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { BucketRankWorkspace, rankAverageTiesBucketed } from '../../src/signals/index.ts';
import { RankWorkspace, rankAverageTiesStrided } from '../../src/stats/index.ts';

describe('rankAverageTiesBucketed', () => {
  it('equals the stats radix ranker bit for bit on smooth, clustered, tied and NaN-holed rows', () => {
    const rng = new Rng(4);
    const ws = new BucketRankWorkspace(300);
    const rws = new RankWorkspace(300);
    const makers: (() => number)[] = [
      () => rng.normal(),
      () => Math.round(rng.normal() * 3) / 3,
      () => (rng.uniform() < 0.05 ? 1e6 : rng.normal() * 1e-3),
      () => (rng.uniform() < 0.2 ? Number.NaN : rng.uniform()),
      () => 7,
      () => (rng.uniform() < 0.5 ? -0 : 0),
      () => (rng.uniform() < 0.01 ? Number.POSITIVE_INFINITY : rng.normal()),
    ];
    for (const make of makers) {
      for (const n of [0, 1, 2, 3, 17, 300]) {
        const x = Float64Array.from({ length: n }, make);
        const a = new Float64Array(n);
        const b = new Float64Array(n);
        const ma = rankAverageTiesBucketed(n, x, 0, a, ws);
        const mb = rankAverageTiesStrided(n, x, 0, 1, b, 0, 1, rws);
        expect(ma).toBe(mb);
        expect([...a]).toEqual([...b]);
      }
    }
  });

  it('hand case with ties: [1, 2, 2, 3, 4, 5] → [1, 2.5, 2.5, 4, 5, 6] (R3.1)', () => {
    const out = new Float64Array(6);
    rankAverageTiesBucketed(6, Float64Array.from([1, 2, 2, 3, 4, 5]), 0, out, new BucketRankWorkspace(6));
    expect([...out]).toEqual([1, 2.5, 2.5, 4, 5, 6]);
  });
});
