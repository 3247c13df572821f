import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { WasmBucketRanker } from '../../src/signals/bucket-rank.ts';
import { RankWorkspace, rankAverageTiesStrided } from '../../src/stats/index.ts';

describe('WasmBucketRanker', () => {
  const ranker = new WasmBucketRanker(2000);
  const rws = new RankWorkspace(2000);
  const check = (x: Float64Array, off = 0, n = x.length - off) => {
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const ma = ranker.rank(n, x, off, a);
    const mb = rankAverageTiesStrided(n, x, off, 1, b, 0, 1, rws);
    expect(ma).toBe(mb);
    expect([...a]).toEqual([...b]);
  };

  it('runs in WebAssembly here', () => {
    expect(ranker.wasm).toBe(true);
  });

  it('equals the stats radix ranker on smooth, clustered, tied, NaN-holed, ±0 and ±∞ rows', () => {
    const rng = new Rng(5);
    const makers: (() => number)[] = [
      () => rng.normal(),
      () => rng.normal() * 1e-300,
      () => 1e12 + rng.normal(),
      () => Math.round(rng.normal() * 3) / 3,
      () => Math.round(rng.normal() * 200) / 200,
      () => (rng.uniform() < 0.05 ? 1e6 : rng.normal() * 1e-3),
      () => (rng.uniform() < 0.2 ? Number.NaN : rng.uniform()),
      () => (rng.uniform() < 0.9 ? Number.NaN : rng.normal()),
      () => 7,
      () => (rng.uniform() < 0.5 ? -0 : 0),
      () => (rng.uniform() < 0.1 ? (rng.uniform() < 0.5 ? -0 : 0) : rng.normal()),
      () => (rng.uniform() < 0.01 ? Number.POSITIVE_INFINITY : rng.normal()),
      () => (rng.uniform() < 0.01 ? Number.NEGATIVE_INFINITY : rng.normal()),
      () => (rng.uniform() < 0.5 ? Number.MAX_VALUE : -Number.MAX_VALUE),
      () => Math.exp(rng.normal() * 5),
    ];
    for (const make of makers) {
      for (const n of [0, 1, 2, 3, 17, 300, 1500, 2000]) check(Float64Array.from({ length: n }, make));
    }
  });

  it('reads rows at an offset', () => {
    const rng = new Rng(6);
    const x = Float64Array.from({ length: 900 }, () => rng.normal());
    check(x, 300, 500);
  });

  it('property: any doubles (ties, ±0, NaN, ±∞, subnormals) rank as the radix ranker ranks them', () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324),
      fc.integer({ min: -5, max: 5 }).map((k) => k / 4),
      fc.double({ min: -3, max: 3, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 400 }), (xs) => {
        check(Float64Array.from(xs));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 50, maxLength: 600 }),
        (xs) => {
          check(Float64Array.from(xs));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses rows longer than it was sized for', () => {
    expect(() => new WasmBucketRanker(3).rank(4, new Float64Array(4), 0, new Float64Array(4))).toThrow(
      RangeError,
    );
  });
});
