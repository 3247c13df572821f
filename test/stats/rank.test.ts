import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  percentileRank,
  RankWorkspace,
  rankAverageTies,
  rankAverageTiesStrided,
} from '../../src/stats/rank.ts';

/** O(n²) twin: rank = #{smaller} + (#{equal} + 1)/2 among the non-NaN values. */
function naiveRank(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    let less = 0;
    let equal = 0;
    for (let j = 0; j < x.length; j++) {
      const w = x[j]!;
      if (w < v) less++;
      else if (w === v) equal++;
    }
    out[i] = less + (equal + 1) / 2;
  }
  return out;
}

function expectSameArray(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i]) || a[i] === b[i]).toBe(true);
}

describe('rankAverageTies', () => {
  it('matches scipy rankdata on R3.1', () => {
    expect(Array.from(rankAverageTies(Float64Array.from([1, 2, 2, 3, 4, 5])))).toEqual([
      1, 2.5, 2.5, 4, 5, 6,
    ]);
    expect(Array.from(rankAverageTies(Float64Array.from([0.1, 0.3, 0.2, 0.5, 0.4, 0.6])))).toEqual([
      1, 3, 2, 5, 4, 6,
    ]);
  });

  it('keeps NaN as NaN and ranks the rest 1..m', () => {
    const r = rankAverageTies(Float64Array.from([3, Number.NaN, 1, 3, Number.NaN]));
    expect(Number.isNaN(r[1]!)).toBe(true);
    expect(Number.isNaN(r[4]!)).toBe(true);
    expect([r[0], r[2], r[3]]).toEqual([2.5, 1, 2.5]);
  });

  it('handles the edges: empty, one value, all NaN, constant, signed zeros and infinities', () => {
    expect(rankAverageTies(new Float64Array(0)).length).toBe(0);
    expect(Array.from(rankAverageTies(Float64Array.from([7])))).toEqual([1]);
    expect(Array.from(rankAverageTies(Float64Array.from([Number.NaN, Number.NaN]))).every(Number.isNaN)).toBe(
      true,
    );
    expect(Array.from(rankAverageTies(new Float64Array(100).fill(2)))).toEqual(new Array(100).fill(50.5));
    expect(Array.from(rankAverageTies(Float64Array.from([0, -0, -1, 1])))).toEqual([2.5, 2.5, 1, 4]);
    const big = new Float64Array(200);
    for (let i = 0; i < 200; i++) big[i] = i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : -i;
    expectSameArray(rankAverageTies(big), naiveRank(big));
    const inf = Float64Array.from([
      Number.POSITIVE_INFINITY,
      -1e308,
      Number.NEGATIVE_INFINITY,
      5e-324,
      -5e-324,
    ]);
    expect(Array.from(rankAverageTies(inf))).toEqual([5, 2, 1, 4, 3]);
  });

  it('agrees with the naive twin on random data with ties and NaN (radix and insertion paths)', () => {
    const rng = new Rng(7);
    for (const n of [1, 5, 39, 40, 41, 100, 1500, 5000]) {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        x[i] = u < 0.1 ? Number.NaN : u < 0.4 ? rng.int(20) - 10 : (rng.normal() * 10) ** 3;
      }
      expectSameArray(rankAverageTies(x), naiveRank(x));
    }
  });

  it('orders values that share the top 24 key bits (long and short runs finished on the other 40)', () => {
    const rng = new Rng(19);
    for (const [n, levels] of [
      [500, 1000],
      [500, 20],
      [300, 3],
      [100, 30],
    ] as const) {
      const x = new Float64Array(n);
      // 1 + k·2⁻⁴⁵ and −(1 + k·2⁻⁴⁵) differ only in the low word; mix in a few far-away values.
      for (let i = 0; i < n; i++) {
        // Differences in the high word's low byte (2⁻¹⁶) and in the low word (2⁻⁴⁵) only.
        const v = 1 + rng.int(levels) * 2 ** -45 + (i % 2) * rng.int(levels) * 2 ** -16;
        x[i] = rng.uniform() < 0.1 ? rng.normal() : rng.uniform() < 0.5 ? v : -v;
      }
      expectSameArray(rankAverageTies(x), naiveRank(x));
    }
  });

  it('agrees with the naive twin under fast-check', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double(),
            fc.integer({ min: -3, max: 3 }).map((v) => v / 2),
          ),
          { maxLength: 120 },
        ),
        (xs) => {
          const x = Float64Array.from(xs);
          expectSameArray(rankAverageTies(x), naiveRank(x));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes into out, may alias the input, and the strided kernel reads columns of a panel', () => {
    const x = Float64Array.from([5, 1, Number.NaN, 3]);
    const expected = naiveRank(x);
    rankAverageTies(x, x);
    expectSameArray(x, expected);
    // 3 dates × 2 tickers, date-major; rank the column of ticker 1.
    const panel = Float64Array.from([0, 30, 0, 10, 0, 20]);
    const out = new Float64Array(6).fill(-1);
    const m = rankAverageTiesStrided(3, panel, 1, 2, out, 1, 2, new RankWorkspace());
    expect(m).toBe(3);
    expect(Array.from(out)).toEqual([-1, 3, -1, 1, -1, 2]);
    expect(() => rankAverageTies(x, new Float64Array(3))).toThrow(/out has length 3, expected 4/);
  });
});

describe('percentileRank', () => {
  it('maps average ranks to (r − 1)/(n − 1)', () => {
    const p = percentileRank(Float64Array.from([10, Number.NaN, 30, 20, 20]));
    expect(p[0]).toBe(0);
    expect(Number.isNaN(p[1]!)).toBe(true);
    expect(p[2]).toBe(1);
    expect(p[3]).toBe(0.5);
    expect(p[4]).toBe(0.5);
  });
  it('is NaN for a single value and for an all-NaN input', () => {
    expect(Number.isNaN(percentileRank(Float64Array.from([4]))[0]!)).toBe(true);
    expect(Number.isNaN(percentileRank(Float64Array.from([Number.NaN]))[0]!)).toBe(true);
  });
});
