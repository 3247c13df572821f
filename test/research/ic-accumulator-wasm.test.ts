import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { IcAccumulator, IcKernelMemory } from '../../src/research/ic-accumulator.ts';
import { IcAccumulatorJs } from '../../src/research/ic-accumulator-js.ts';
import { buildSignalContext, ValueHasher } from '../../src/signals/index.ts';
import { fixtureUniverse } from '../signals/fixtures.ts';

/**
 * The WebAssembly accumulator against the JavaScript reference (decision 025's tolerance policy): ranks,
 * centred ranks, Σc² and the integer rank dots are exact, so the daily ICs, their counts and Σ IC(ℓ) are
 * equal to the bit; the spreads and the decile curve are member means summed in another order, equal to
 * 1e-12 relative; the duplicate hash is ValueHasher's.
 */
const N = 320;
const T = 150;
const options = { minCoverage: 250, quantiles: 5, minBucketSize: 11, skips: [0, 1, 3, 5, 10, 20] };

function rows(seed: number): Float64Array[] {
  const rng = new Rng(seed);
  const out: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const kind = t % 9;
    const row = Float64Array.from({ length: N }, () => {
      switch (kind) {
        case 0: // ties: a coarse grid (the bucket sort falls back to the radix ranker)
          return Math.round(rng.normal() * 2) / 2;
        case 1: // holes: pairwise deletion, re-ranked intersections
          return rng.uniform() < 0.1 ? Number.NaN : rng.normal();
        case 2: // a few holes only: still above the coverage, not the fast lane
          return rng.uniform() < 0.01 ? Number.NaN : rng.normal();
        case 3: // ±0 and an infinity
          return rng.uniform() < 0.05
            ? rng.uniform() < 0.5
              ? -0
              : 0
            : rng.uniform() < 0.01
              ? Infinity
              : rng.normal();
        case 4: // mostly missing: below the coverage
          return rng.uniform() < 0.5 ? Number.NaN : rng.normal();
        default:
          return rng.normal() * 3 + 1;
      }
    });
    if (t === 7) row.fill(Number.NaN);
    if (t === 8) row.fill(2);
    out.push(row);
  }
  return out;
}

const close = (a: number, b: number) =>
  Number.isNaN(b)
    ? Number.isNaN(a)
    : Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1e-300) + 1e-15;

describe('IcAccumulator (WebAssembly) = IcAccumulatorJs (reference)', () => {
  for (const holes of [0, 0.02]) {
    it(`exact ICs, spreads to 1e-12, the same hash (label holes ${holes})`, () => {
      const ctx = buildSignalContext(fixtureUniverse({ T, N, holes, seed: 8 }), { horizons: [1, 5, 21] });
      const wasm = new IcAccumulator(ctx, options);
      expect(wasm.wasm).toBe(true);
      const js = new IcAccumulatorJs(ctx, options);
      const hasher = new ValueHasher();
      rows(3).forEach((z, t) => {
        wasm.visit(t, z, t % 11 !== 5);
        hasher.update(z);
        if (t % 11 !== 5) js.add(t, z);
      });
      expect(wasm.digest()).toBe(hasher.digest());
      let spreads = 0;
      let fast = 0;
      wasm.horizons.forEach((a, hi) => {
        const b = js.horizons[hi]!;
        expect([...a.ic]).toEqual([...b.ic]);
        expect([...a.icStocks]).toEqual([...b.icStocks]);
        expect([...a.lagIcSum]).toEqual([...b.lagIcSum]);
        expect([...a.lagIcCount]).toEqual([...b.lagIcCount]);
        expect([...a.lsCount]).toEqual([...b.lsCount]);
        for (let t = 0; t < T; t++) {
          expect(close(a.spread[t]!, b.spread[t]!), `spread ${hi} ${t}`).toBe(true);
          if (!Number.isNaN(b.spread[t]!)) spreads++;
          if (a.icStocks[t] === N) fast++;
        }
        a.lsSum.forEach((v, s) => expect(close(v, b.lsSum[s]!), `ls ${hi} ${s}`).toBe(true));
      });
      expect(spreads).toBeGreaterThan(100);
      if (holes === 0) expect(fast).toBeGreaterThan(50); // the SIMD lane ran
    });
  }

  it('takes any number of skips (spreads in chunks of four row pairs)', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T: 60, N, seed: 4 }), { horizons: [2] });
    const many = { ...options, skips: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11] };
    const wasm = new IcAccumulator(ctx, many);
    const js = new IcAccumulatorJs(ctx, many);
    rows(5)
      .slice(0, 60)
      .forEach((z, t) => {
        wasm.add(t, z);
        js.add(t, z);
      });
    const [a, b] = [wasm.horizons[0]!, js.horizons[0]!];
    expect([...a.lsCount]).toEqual([...b.lsCount]);
    expect(a.lsCount.every((c) => c > 10)).toBe(true);
    a.lsSum.forEach((v, s) => expect(close(v, b.lsSum[s]!), `ls ${s}`).toBe(true));
    expect([...a.lagIcSum]).toEqual([...b.lagIcSum]);
  });

  it('takes dates with gaps, one longer than the ring (decile spreads wait for their rows)', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T, N, holes: 0.01, seed: 12 }), { horizons: [1, 5] });
    const wasm = new IcAccumulator(ctx, options);
    const js = new IcAccumulatorJs(ctx, options);
    rows(13).forEach((z, t) => {
      if (t % 7 === 3 || (t > 40 && t < 70)) return;
      wasm.add(t, z);
      js.add(t, z);
    });
    wasm.horizons.forEach((a, hi) => {
      const b = js.horizons[hi]!;
      expect([...a.lsCount]).toEqual([...b.lsCount]);
      expect(a.lsCount.every((c) => c > 20)).toBe(true);
      a.lsSum.forEach((v, s) => expect(close(v, b.lsSum[s]!), `ls ${hi} ${s}`).toBe(true));
      expect([...a.lagIcSum]).toEqual([...b.lagIcSum]);
    });
  });

  it('falls back to the JavaScript reference behind the same API (no WebAssembly SIMD, N > 32768)', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T: 60, N, seed: 6 }), { horizons: [1, 5] });
    IcAccumulator.forceJs = true;
    let js: IcAccumulator;
    try {
      js = new IcAccumulator(ctx, options);
    } finally {
      IcAccumulator.forceJs = false;
    }
    const wasm = new IcAccumulator(ctx, options);
    expect([js.wasm, wasm.wasm]).toEqual([false, true]);
    rows(9)
      .slice(0, 60)
      .forEach((z, t) => {
        js.visit(t, z, true);
        wasm.visit(t, z, true);
      });
    expect(js.digest()).toBe(wasm.digest());
    js.horizons.forEach((a, hi) => {
      const b = wasm.horizons[hi]!;
      expect([...a.ic]).toEqual([...b.ic]);
      expect([...a.lsCount]).toEqual([...b.lsCount]);
      a.lsSum.forEach((v, s) => expect(close(v, b.lsSum[s]!)).toBe(true));
    });
  });

  it('hashes rows it does not reduce, NaN and ±0 canonically', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T: 30, N: 7, seed: 2 }), { horizons: [1] });
    const wasm = new IcAccumulator(ctx, { ...options, minCoverage: 2 });
    const hasher = new ValueHasher();
    const a = Float64Array.of(1, -0, Number.NaN, 0, -2.5, Number.POSITIVE_INFINITY, 5e-324);
    const b = Float64Array.of(1, 0, -Number.NaN, -0, -2.5, Number.POSITIVE_INFINITY, 5e-324);
    wasm.visit(0, a, false);
    hasher.update(b);
    expect(wasm.digest()).toBe(hasher.digest());
    expect(new IcAccumulator(ctx, options).digest()).toBe(new ValueHasher().digest());
  });

  it('accumulators sharing one kernel memory (a lockstep group) equal accumulators on their own, bit for bit', () => {
    const ctx = buildSignalContext(fixtureUniverse({ T, N, holes: 0.01, seed: 21 }), {
      horizons: [1, 5, 21],
    });
    const signals = [rows(31), rows(32), rows(33)];
    const group = new IcKernelMemory(ctx, options, 3);
    const grouped = signals.map(() => new IcAccumulator(ctx, options, group));
    const alone = signals.map(() => new IcAccumulator(ctx, options));
    expect(() => new IcAccumulator(ctx, options, group)).toThrow(/holds 3 accumulators/);
    // Date by date, each signal in turn; signal j skips some dates (gaps) and leaves others unreduced, so the
    // members load rings and forward rows the others did not ask for.
    for (let t = 0; t < T; t++) {
      signals.forEach((z, j) => {
        if ((t + j) % 13 === 4) return;
        const reduce = (t + 2 * j) % 7 !== 1;
        grouped[j]!.visit(t, z[t]!, reduce);
        alone[j]!.visit(t, z[t]!, reduce);
      });
    }
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      a.length === b.length && Array.from(a).every((v, k) => Object.is(v, b[k]));
    let checked = 0;
    grouped.forEach((g, j) => {
      const a = alone[j]!;
      expect(g.digest()).toBe(a.digest());
      g.horizons.forEach((x, hi) => {
        const y = a.horizons[hi]!;
        for (const key of [
          'ic',
          'icStocks',
          'spread',
          'lagIcSum',
          'lagIcCount',
          'lsSum',
          'lsCount',
        ] as const) {
          expect(same(x[key], y[key]), `${key} signal ${j} horizon ${hi}`).toBe(true);
        }
        checked += x.lsCount.reduce((u, v) => u + v, 0);
      });
    });
    expect(checked).toBeGreaterThan(1000);
    // A member behind the group's latest date would read overwritten rings.
    expect(() => grouped[0]!.visit(T - 2, signals[0]![T - 2]!, true)).toThrow(/lockstep/);
  });
});
