import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { quantiles } from '../../src/stats/psi.ts';
import { selectOrderStatistics } from '../../src/stats/select.ts';

describe('selectOrderStatistics', () => {
  it('puts the sorted value at every requested index (ties, small and large ranges)', () => {
    const rng = new Rng(3);
    for (let rep = 0; rep < 150; rep++) {
      const n = 1 + rng.int(rep < 75 ? 40 : 4000);
      const a = Float64Array.from({ length: n }, () => (rng.uniform() < 0.3 ? rng.int(5) : rng.normal()));
      const sorted = a.slice().sort();
      const ks = [...new Set(Array.from({ length: 1 + rng.int(18) }, () => rng.int(n)))].sort(
        (x, y) => x - y,
      );
      selectOrderStatistics(a, ks);
      for (const k of ks) expect(a[k]).toBe(sorted[k]);
      expect(a.slice().sort()).toEqual(sorted);
    }
  });

  it('handles constant, already sorted and reversed inputs, and empty requests', () => {
    for (const a of [
      new Float64Array(1000).fill(7),
      Float64Array.from({ length: 1000 }, (_, i) => i),
      Float64Array.from({ length: 1000 }, (_, i) => -i),
    ]) {
      const sorted = a.slice().sort();
      selectOrderStatistics(a, [0, 1, 499, 500, 998, 999]);
      for (const k of [0, 1, 499, 500, 998, 999]) expect(a[k]).toBe(sorted[k]);
    }
    selectOrderStatistics(new Float64Array(0), [0]);
    const b = Float64Array.from([3, 1, 2]);
    selectOrderStatistics(b, []);
    expect(Array.from(b)).toEqual([3, 1, 2]);
  });

  it('quantiles by selection equal quantiles of the fully sorted sample (numpy linear)', () => {
    const rng = new Rng(8);
    const x = Float64Array.from({ length: 10_001 }, () =>
      rng.uniform() < 0.02 ? Number.NaN : Math.exp(rng.normal()),
    );
    const s = Array.from(x)
      .filter((v) => !Number.isNaN(v))
      .sort((p, q) => p - q);
    const qs = [0, 0.05, 0.1, 0.333, 0.5, 0.9, 0.99, 1];
    const got = quantiles(x, qs);
    qs.forEach((q, j) => {
      const h = (s.length - 1) * q;
      const lo = Math.floor(h);
      const a = s[lo]!;
      const b = s[Math.min(lo + 1, s.length - 1)]!;
      const t = h - lo;
      expect(got[j]).toBe(t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t);
    });
  });
});
