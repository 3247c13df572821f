import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  demeanWithinGroups,
  winsorizeCrossSection,
  zscoreCrossSection,
} from '../../src/stats/crossSection.ts';

const r12 = Float64Array.from([...Array.from({ length: 19 }, (_, i) => 0.1 * i), 50]);

function naiveMeanSd0(x: ArrayLike<number>): [number, number, number] {
  const v = Array.from(x).filter((a) => !Number.isNaN(a));
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  return [v.length, mean, Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length)];
}

describe('winsorizeCrossSection', () => {
  it('R1.2: clips 50 to 35.49821506943572 and leaves the rest', () => {
    const [, mu, sd] = naiveMeanSd0(r12);
    expect(mu).toBeCloseTo(3.355, 12);
    expect(Math.abs(sd - 10.714405023145243)).toBeLessThan(1e-12);
    const w = winsorizeCrossSection(r12, 3);
    expect(Math.abs(w[19]! - 35.49821506943572)).toBeLessThan(1e-9);
    for (let i = 0; i < 19; i++) expect(w[i]).toBe(r12[i]);
  });

  it('R1.3: k = 3 is a no-op for n = 10 (Samuelson bound)', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(Array.from(winsorizeCrossSection(x, 3))).toEqual(Array.from(x));
  });

  it('keeps NaN, and returns the input unchanged when n < 3 or σ ≤ 1e-12', () => {
    const x = Float64Array.from([Number.NaN, 1, 1000]);
    expect(Array.from(winsorizeCrossSection(x, 0.1)).slice(1)).toEqual([1, 1000]);
    expect(Array.from(winsorizeCrossSection(Float64Array.from([5, 5, 5, 5]), 1))).toEqual([5, 5, 5, 5]);
    const y = Float64Array.from([Number.NaN, 0, 0, 10, 0]);
    const w = winsorizeCrossSection(y, 1);
    expect(w[0]).toBeNaN();
    const [, mu, sd] = naiveMeanSd0(y);
    expect(w[3]).toBeCloseTo(mu + sd, 14);
    expect(winsorizeCrossSection(new Float64Array(0), 3).length).toBe(0);
    expect(() => winsorizeCrossSection(x, 0)).toThrow(/k must be positive/);
  });
});

describe('zscoreCrossSection', () => {
  it('R1.2 z-scores of the clipped vector', () => {
    const z = zscoreCrossSection(winsorizeCrossSection(r12, 3));
    expect(Math.abs(z[0]! - -0.34790030268204764)).toBeLessThan(1e-9);
    expect(Math.abs(z[19]! - 4.348015614246274)).toBeLessThan(1e-9);
  });

  it('R1.3 values, NaN kept', () => {
    const z = zscoreCrossSection(Float64Array.from([1, Number.NaN, 3, 5]));
    expect(Math.abs(z[0]! - -1.224744871391589)).toBeLessThan(1e-12);
    expect(z[1]).toBeNaN();
    expect(Math.abs(z[2]!)).toBeLessThan(1e-15);
    expect(Math.abs(z[3]! - 1.224744871391589)).toBeLessThan(1e-12);
    const big = zscoreCrossSection(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]));
    expect(Math.abs(big[9]! - 2.9889806790177995)).toBeLessThan(1e-12);
  });

  it('gives all NaN for n < 2, constant input and empty input', () => {
    expect(Array.from(zscoreCrossSection(Float64Array.from([3, Number.NaN]))).every(Number.isNaN)).toBe(true);
    expect(Array.from(zscoreCrossSection(Float64Array.from([2, 2, 2]))).every(Number.isNaN)).toBe(true);
    expect(Array.from(zscoreCrossSection(Float64Array.from([1, 1 + 1e-13, 1]))).every(Number.isNaN)).toBe(
      true,
    );
    expect(zscoreCrossSection(new Float64Array(0)).length).toBe(0);
  });

  it('matches the naive twin and has mean 0, sd 1 on random data', () => {
    const rng = new Rng(2);
    const x = new Float64Array(500);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < 0.1 ? Number.NaN : 1e6 + rng.normal();
    const [, mu, sd] = naiveMeanSd0(x);
    const z = zscoreCrossSection(x);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i]!)) expect(z[i]).toBeNaN();
      else expect(z[i]).toBeCloseTo((x[i]! - mu) / sd, 8);
    }
    const [, zm, zs] = naiveMeanSd0(z);
    // μ itself is only representable to ulp(1e6)/2 ≈ 6e-11, which bounds how close to 0 the mean can be.
    expect(Math.abs(zm)).toBeLessThan(1e-10);
    expect(zs).toBeCloseTo(1, 12);
  });
});

describe('demeanWithinGroups', () => {
  it('subtracts group means; singletons give 0; group −1 and NaN give NaN', () => {
    const d = demeanWithinGroups(
      Float64Array.from([1, 3, 10, Number.NaN, 7, 4]),
      Int32Array.from([0, 0, 1, 0, -1, 2]),
      3,
    );
    expect(d[0]).toBe(-1);
    expect(d[1]).toBe(1);
    expect(d[2]).toBe(0);
    expect(d[3]).toBeNaN();
    expect(d[4]).toBeNaN();
    expect(d[5]).toBe(0);
  });

  it('matches a naive twin on random data', () => {
    const rng = new Rng(9);
    const n = 300;
    const G = 11;
    const x = new Float64Array(n);
    const g = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.uniform() < 0.1 ? Number.NaN : rng.normal();
      g[i] = rng.int(G);
    }
    const d = demeanWithinGroups(x, g, G);
    for (let i = 0; i < n; i++) {
      const peers = Array.from(x).filter((v, j) => g[j] === g[i] && !Number.isNaN(v));
      const mean = peers.reduce((s, v) => s + v, 0) / peers.length;
      if (Number.isNaN(x[i]!)) expect(d[i]).toBeNaN();
      else expect(d[i]).toBeCloseTo(x[i]! - mean, 13);
    }
  });

  it('rejects bad group ids and lengths', () => {
    expect(() => demeanWithinGroups(new Float64Array(2), Int32Array.from([0, 3]), 3)).toThrow(
      /group id 3 at position 1/,
    );
    expect(() => demeanWithinGroups(new Float64Array(2), Int32Array.from([0]), 3)).toThrow(/length/);
  });
});
