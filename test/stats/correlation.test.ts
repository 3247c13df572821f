import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  pearson,
  rankIC,
  rankICWithRankedTarget,
  rankTarget,
  spearman,
} from '../../src/stats/correlation.ts';

/** Textbook twin: complete pairs, np.corrcoef-style formula, ranks by counting. */
function naivePearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function naiveRanks(v: number[]): number[] {
  return v.map((x) => v.filter((w) => w < x).length + (v.filter((w) => w === x).length + 1) / 2);
}

function naiveSpearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  return naivePearson(naiveRanks(a), naiveRanks(b));
}

function randomVector(rng: Rng, n: number, nanShare: number, tieLevels: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform() < nanShare ? Number.NaN : tieLevels > 0 ? rng.int(tieLevels) : rng.normal();
  }
  return x;
}

describe('pearson', () => {
  it('matches a hand-computed case and the naive twin on random data with NaN', () => {
    expect(pearson(Float64Array.from([1, 2, 3]), Float64Array.from([2, 4, 7]))).toBeCloseTo(
      0.9933992677987828,
      14,
    );
    const rng = new Rng(11);
    for (let rep = 0; rep < 50; rep++) {
      const n = 2 + rng.int(300);
      const x = randomVector(rng, n, 0.2, 0);
      const y = randomVector(rng, n, 0.2, 0);
      for (let i = 0; i < n; i++) y[i] = y[i]! + 0.5 * (Number.isNaN(x[i]!) ? 0 : x[i]!);
      const expected = naivePearson(x, y);
      const got = pearson(x, y);
      if (Number.isNaN(expected)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(expected, 12);
    }
  });

  it('is NaN for fewer than 2 pairs and for a constant side, never 0', () => {
    expect(pearson(new Float64Array(0), new Float64Array(0))).toBeNaN();
    expect(pearson(Float64Array.from([1]), Float64Array.from([2]))).toBeNaN();
    expect(pearson(Float64Array.from([1, Number.NaN]), Float64Array.from([Number.NaN, 2]))).toBeNaN();
    expect(pearson(Float64Array.from([3, 3, 3]), Float64Array.from([1, 2, 3]))).toBeNaN();
    // 0.1 + 0.2 style rounding must not make a constant vector look variable.
    expect(pearson(Float64Array.from([0.3, 0.1 + 0.2, 0.3]), Float64Array.from([1, 2, 3]))).toBeNaN();
  });

  it('is scale- and shift-invariant, including a large offset', () => {
    const rng = new Rng(3);
    const x = randomVector(rng, 200, 0, 0);
    const y = randomVector(rng, 200, 0, 0);
    const shifted = x.map((v) => 1e6 + 1e-3 * v);
    expect(pearson(shifted, y)).toBeCloseTo(pearson(x, y), 9);
  });

  it('rejects different lengths with a typed error', () => {
    expect(() => pearson(new Float64Array(2), new Float64Array(3))).toThrow(
      /x has length 2 but y has length 3/,
    );
  });
});

describe('spearman and rankIC', () => {
  const s = Float64Array.from([1, 2, 2, 3, 4, 5]);
  const R = Float64Array.from([0.1, 0.3, 0.2, 0.5, 0.4, 0.6]);

  it('R3.1: rank IC with ties = 0.9276336570439174', () => {
    expect(Math.abs(spearman(s, R) - 0.9276336570439174)).toBeLessThan(1e-12);
    expect(Math.abs(rankIC(s, R, 6) - 0.9276336570439174)).toBeLessThan(1e-12);
    expect(rankIC(s, R, 7)).toBeNaN();
  });

  it('R3.4: rank IC = 0.9757575757575757', () => {
    const s4 = Float64Array.from([0.3, -1.2, 0.8, 2.1, -0.5, 1.5, -2.0, 0.0, 0.9, -0.7]);
    const R4 = Float64Array.from([0.01, -0.02, 0.005, 0.03, -0.01, 0.02, -0.03, 0.0, 0.012, -0.004]);
    expect(Math.abs(rankIC(s4, R4, 10) - 0.9757575757575757)).toBeLessThan(1e-12);
  });

  it('is NaN when either ranked vector is constant', () => {
    expect(rankIC(Float64Array.from([1, 1, 1, 1]), R.subarray(0, 4), 2)).toBeNaN();
    expect(rankIC(R.subarray(0, 4), Float64Array.from([5, 5, 5, 5]), 2)).toBeNaN();
    expect(rankIC(new Float64Array(0), new Float64Array(0), 0)).toBeNaN();
  });

  it('re-ranks on the intersection (pairwise deletion) and matches the naive twin', () => {
    const rng = new Rng(5);
    for (let rep = 0; rep < 60; rep++) {
      const n = 2 + rng.int(400);
      const x = randomVector(rng, n, 0.15, rep % 2 ? 7 : 0);
      const y = randomVector(rng, n, 0.15, rep % 3 ? 0 : 5);
      const expected = naiveSpearman(x, y);
      const got = rankIC(x, y, 2);
      if (Number.isNaN(expected)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(expected, 12);
    }
  });
});

describe('rank IC properties', () => {
  it('is invariant to strictly increasing transforms, flips sign under decreasing ones, is symmetric', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.double({ min: -5, max: 5, noNaN: true })), {
          minLength: 3,
          maxLength: 60,
        }),
        (pairs) => {
          const x = Float64Array.from(pairs.map((p) => p[0]));
          const y = Float64Array.from(pairs.map((p) => p[1]));
          const ic = rankIC(x, y, 2);
          if (Number.isNaN(ic)) return;
          expect(
            rankIC(
              x.map((v) => Math.exp(v / 4) + 3),
              y,
              2,
            ),
          ).toBeCloseTo(ic, 12);
          expect(
            rankIC(
              x.map((v) => -v * 7),
              y,
              2,
            ),
          ).toBeCloseTo(-ic, 12);
          expect(rankIC(y, x, 2)).toBeCloseTo(ic, 12);
          expect(Math.abs(ic)).toBeLessThanOrEqual(1 + 1e-15);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('rankICWithRankedTarget', () => {
  it('equals rankIC whether or not the signal has NaN where the target has values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constant(Number.NaN),
              fc.integer({ min: -4, max: 4 }),
              fc.double({ min: -10, max: 10, noNaN: true }),
            ),
            fc.oneof(
              fc.constant(Number.NaN),
              fc.integer({ min: -3, max: 3 }),
              fc.double({ min: -1, max: 1, noNaN: true }),
            ),
          ),
          { maxLength: 80 },
        ),
        fc.integer({ min: 0, max: 10 }),
        (pairs, minCount) => {
          const x = Float64Array.from(pairs.map((p) => p[0]));
          const y = Float64Array.from(pairs.map((p) => p[1]));
          const a = rankIC(x, y, minCount);
          const b = rankICWithRankedTarget(x, rankTarget(y), minCount);
          if (Number.isNaN(a)) expect(b).toBeNaN();
          else expect(Math.abs(a - b)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reuses the stored ranks when the signal covers the target (hand case)', () => {
    const target = rankTarget(Float64Array.from([0.1, Number.NaN, 0.3, 0.2]));
    expect(target.count).toBe(3);
    expect(rankICWithRankedTarget(Float64Array.from([1, 5, 3, 2]), target, 3)).toBeCloseTo(1, 14);
    // Signal NaN on a target value: re-ranked on the two remaining pairs, which still agree.
    expect(rankICWithRankedTarget(Float64Array.from([1, 5, Number.NaN, 2]), target, 2)).toBeCloseTo(1, 14);
    expect(rankICWithRankedTarget(Float64Array.from([1, 5, Number.NaN, 2]), target, 3)).toBeNaN();
  });
});
