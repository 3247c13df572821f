import { describe, expect, it } from 'vitest';
import { deriveSeed, fnv1a32, Rng } from '../../src/core/rng.ts';

// Golden values from the reference C code of xoshiro256** seeded by splitmix64 (prng.di.unimi.it),
// compiled with gcc: seed 42 and seed 0, first five outputs and their 53-bit doubles.
const GOLDEN: Record<string, [bigint, number][]> = {
  '42': [
    [1546998764402558742n, 0.083862971059882163],
    [6990951692964543102n, 0.37898025066266861],
    [12544586762248559009n, 0.68004341102813937],
    [17057574109182124193n, 0.92469294532538759],
    [18295552978065317476n, 0.99180391428210279],
  ],
  '0': [
    [11091344671253066420n, 0.60126299941790484],
    [13793997310169335082n, 0.74777409254723981],
    [1900383378846508768n, 0.10301998939503632],
    [7684712102626143532n, 0.4165890778296456],
    [13521403990117723737n, 0.73299677905699012],
  ],
};

describe('Rng (xoshiro256**)', () => {
  for (const [seed, rows] of Object.entries(GOLDEN)) {
    it(`matches the reference C stream for seed ${seed}`, () => {
      const a = new Rng(Number(seed));
      const b = new Rng(Number(seed));
      for (const [u64, dbl] of rows) {
        expect(a.nextUint64()).toBe(u64);
        expect(b.uniform()).toBe(dbl);
      }
    });
  }

  it('gives standard normals with mean 0 and variance 1', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < n; k++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    const mean = s / n;
    const v = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
  });

  it('int(n) stays in range and is roughly uniform', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let k = 0; k < 60_000; k++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('derives stable, label-dependent child seeds', () => {
    expect(deriveSeed(42, 'a', 1)).toBe(deriveSeed(42, 'a', 1));
    expect(deriveSeed(42, 'a', 1)).not.toBe(deriveSeed(42, 'a', 2));
    expect(deriveSeed(42, 'a')).not.toBe(deriveSeed(43, 'a'));
  });

  it('hashes with FNV-1a-32 as methods.md R7.6', () => {
    expect(fnv1a32('AAPL')).toBe(1489842955);
    expect(fnv1a32('MSFT')).toBe(3383597683);
    expect(fnv1a32('GOOGL')).toBe(1128294695);
    expect(fnv1a32('AMZN')).toBe(1095290559);
    expect(fnv1a32('NVDA')).toBe(2591302102);
  });

  it('samples distinct sorted indices', () => {
    const idx = new Rng(1).sampleIndices(53, 42);
    expect(idx.length).toBe(42);
    expect(new Set(idx).size).toBe(42);
    for (let k = 1; k < idx.length; k++) expect(idx[k]!).toBeGreaterThan(idx[k - 1]!);
  });
});
