import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { accuracyOfLastResolved, rollingAccuracy } from '../../src/stats/accuracy.ts';
import { psi, psiEqualWidth, quantile, quantiles } from '../../src/stats/psi.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol * Math.max(1, Math.abs(b)));

describe('quantile (numpy linear)', () => {
  it('matches numpy values', () => {
    const x = Float64Array.from([9.4, 0.3, 5.0, 1.7, Number.NaN, 9.1, 2.2]);
    const q = quantiles(x, [0.15, 0.35, 0.55, 0.75, 0.95]);
    [1.35, 2.075, 4.3, 8.075, 9.325].forEach((v, k) => close(q[k]!, v, 1e-14));
    // numpy.quantile(np.arange(1, 21.0), 0.1) is 2.9000000000000004, bit for bit.
    expect(
      quantile(
        Float64Array.from({ length: 20 }, (_, i) => i + 1),
        0.1,
      ),
    ).toBe(2.9000000000000004);
    expect(quantile(Float64Array.from([3, 1, 2]), 0)).toBe(1);
    expect(quantile(Float64Array.from([3, 1, 2]), 1)).toBe(3);
    expect(quantile(Float64Array.from([7]), 0.3)).toBe(7);
    expect(quantile(Float64Array.from([Number.NaN]), 0.5)).toBeNaN();
    expect(() => quantile(x, 1.5)).toThrow(/quantile level/);
  });
});

/** Naive twin of the adopted PSI: numpy-style quantiles by formula, bins by scanning edges. */
function naivePsi(base: number[], cur: number[]): number {
  const s = base.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
  };
  const edges = [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => q(k / 10)))];
  const counts = (v: number[]) => {
    const c = new Array<number>(edges.length + 2).fill(0);
    for (const x of v) c[Number.isNaN(x) ? edges.length + 1 : edges.filter((e) => e <= x).length]!++;
    return c.map((k) => k / v.length + 1e-6);
  };
  const e = counts(base);
  const a = counts(cur);
  return e.reduce((acc, pe, b) => acc + (a[b]! - pe) * Math.log(a[b]! / pe), 0);
}

describe('psi — R9.9', () => {
  const e = Float64Array.from({ length: 20 }, (_, i) => i + 1);
  const a = e.map((v) => v + 4);

  it('adopted decile bins: edges, counts and 2.522308217393223', () => {
    const res = psi(e, a);
    close(res.psi, 2.522308217393223);
    expect(res.edges.length).toBe(9);
    close(res.edges[0]!, 2.9);
    close(res.edges[8]!, 18.1);
    expect(Array.from(res.baselineCounts.subarray(0, 10))).toEqual(new Array(10).fill(2));
    expect(Array.from(res.currentCounts.subarray(0, 10))).toEqual([0, 0, 2, 2, 2, 2, 2, 2, 2, 6]);
  });

  it('spec-004 equal-width bins: 2.3025870929840457', () => {
    close(psiEqualWidth(e, a), 2.3025870929840457);
  });

  it('identical samples give 0 under both conventions', () => {
    expect(psi(e, e).psi).toBe(0);
    expect(psiEqualWidth(e, e)).toBe(0);
  });

  it('removes duplicate edges (ties), counts NaN in the missing bin, or drops them', () => {
    const tied = Float64Array.from([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]);
    const res = psi(tied, tied);
    expect(new Set(res.edges).size).toBe(res.edges.length);
    expect(res.edges.length).toBeLessThan(9);
    expect(res.psi).toBe(0);
    const withNaN = Float64Array.from([...e, Number.NaN, Number.NaN]);
    const bin = psi(withNaN, e);
    expect(bin.baselineCounts.at(-1)).toBe(2);
    close(bin.psi, naivePsi(Array.from(withNaN), Array.from(e)), 1e-12);
    expect(psi(withNaN, e, { missing: 'drop' }).psi).toBe(0);
  });

  it('matches the naive twin on random skewed data with NaN and shifts beyond the range', () => {
    const rng = new Rng(99);
    for (let rep = 0; rep < 10; rep++) {
      const base = Array.from({ length: 500 }, () =>
        rng.uniform() < 0.05 ? Number.NaN : Math.exp(rng.normal()),
      );
      const cur = Array.from({ length: 300 }, () =>
        rng.uniform() < 0.1 ? Number.NaN : Math.exp(rng.normal() + rep * 0.3),
      );
      close(psi(Float64Array.from(base), Float64Array.from(cur)).psi, naivePsi(base, cur), 1e-12);
    }
  });

  it('degenerate: empty samples give NaN', () => {
    expect(psi(new Float64Array(0), e).psi).toBeNaN();
    expect(psi(e, new Float64Array(0)).psi).toBeNaN();
    expect(psi(Float64Array.from([Number.NaN]), e).psi).toBeNaN();
    expect(psiEqualWidth(new Float64Array(0), e)).toBeNaN();
    expect(psiEqualWidth(Float64Array.from([2, 2, 2]), Float64Array.from([2, 2]))).toBe(0);
  });
});

describe('accuracy — R9.10', () => {
  it('0.6 for [2, 1, 0, 2, 2] vs [2, 0, 0, 1, 2]; unresolved predictions are not scored', () => {
    const p = Float64Array.from([2, 1, 0, 2, 2]);
    const o = Float64Array.from([2, 0, 0, 1, 2]);
    close(accuracyOfLastResolved(p, o), 0.6);
    close(accuracyOfLastResolved(p, o, 2), 0.5);
    close(
      accuracyOfLastResolved(
        Float64Array.from([...p, 1, 1]),
        Float64Array.from([...o, Number.NaN, Number.NaN]),
      ),
      0.6,
    );
    expect(accuracyOfLastResolved(new Float64Array(0), new Float64Array(0))).toBeNaN();
  });

  it('rollingAccuracy uses only predictions resolved by t and matches a naive twin', () => {
    const rng = new Rng(12);
    const T = 400;
    const h = 5;
    const p = Float64Array.from({ length: T }, () => rng.int(3));
    const o = Float64Array.from({ length: T }, () => (rng.uniform() < 0.05 ? Number.NaN : rng.int(3)));
    const got = rollingAccuracy(p, o, { window: 50, horizon: h, minResolved: 10 });
    for (let t = 0; t < T; t++) {
      const s = Math.min(T, Math.max(0, t - h + 1));
      const want = accuracyOfLastResolved(p.subarray(0, s), o.subarray(0, s), 50);
      const count = Array.from(o.subarray(0, s)).filter((v) => !Number.isNaN(v)).length;
      if (count < 10) expect(got[t]).toBeNaN();
      else close(got[t]!, want, 1e-12);
    }
  });
});
