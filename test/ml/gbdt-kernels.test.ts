import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { leafOfBinnedRow, partitionRowsStable, TreeGrower } from '../../src/ml/gbdt/grow.ts';
import { HistogramStore } from '../../src/ml/gbdt/hist-store.ts';
import {
  accumulateFeatureHistogram,
  accumulateTwoFeatureHistograms,
  gatherGradients,
  subtractHistogramRange,
} from '../../src/ml/gbdt/histogram.ts';
import { HESSIAN_FLOOR, softmaxGradients, softmaxRowsInPlace } from '../../src/ml/gbdt/objective.ts';
import { addForestMargins, addForestMarginsJs, flattenForest } from '../../src/ml/gbdt/predict.ts';
import { binMatrix, sketchCuts } from '../../src/ml/gbdt/quantize.ts';
import { sampleRowsBernoulli, xoshiroStateFromSeed } from '../../src/ml/gbdt/sample.ts';
import { emptyCandidate, evaluateFeatureSplits, nodeGain } from '../../src/ml/gbdt/split.ts';
import type { Tree } from '../../src/ml/gbdt/tree.ts';
import { syntheticClassification } from './fixtures.ts';

/** The sampler as the trainer first wrote it: one Rng.uniform() per row. */
function naiveSample(seed: bigint | number, n: number, prob: number): { kept: number[]; dropped: number[] } {
  const rng = new Rng(seed);
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let i = 0; i < n; i++) (rng.uniform() < prob ? kept : dropped).push(i);
  return { kept, dropped };
}

describe('sampleRowsBernoulli (same stream as core Rng)', () => {
  it('keeps exactly the rows the Rng-based loop keeps, dropped rows after them, both increasing', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, n, prob) => {
          const rows = new Int32Array(n);
          const m = sampleRowsBernoulli(seed, n, prob, rows);
          const ref = naiveSample(seed, n, prob);
          expect(m).toBe(ref.kept.length);
          expect(Array.from(rows.subarray(0, m))).toEqual(ref.kept);
          expect(Array.from(rows.subarray(m))).toEqual(ref.dropped);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('seeds like new Rng(seed): the first draw matches the documented golden value', () => {
    // core/rng.ts documents new Rng(42).uniform() = 0.08386297105988216: kept below any larger prob, not at it.
    const rows = new Int32Array(1);
    expect(sampleRowsBernoulli(42, 1, 0.083862971059883, rows)).toBe(1);
    expect(sampleRowsBernoulli(42, 1, 0.08386297105988216, rows)).toBe(0);
    expect(xoshiroStateFromSeed(42)).toHaveLength(8);
  });
  it('edges: n = 0, prob 1 keeps all, tiny prob keeps (almost surely) none', () => {
    expect(sampleRowsBernoulli(1, 0, 0.5, new Int32Array(0))).toBe(0);
    const all = new Int32Array(50);
    expect(sampleRowsBernoulli(7, 50, 1, all)).toBe(50);
    expect(Array.from(all)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const none = new Int32Array(50);
    expect(sampleRowsBernoulli(7, 50, 1e-300, none)).toBe(0);
    expect(Array.from(none)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('partitionRowsStable (branch-free)', () => {
  it('equals a filter: left rows then right rows, each in the original order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: -1, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 5 }),
        (codes, splitBin, defaultLeft, pad) => {
          // Codes 0…5 are bins, 6 is the missing code; rows are a shuffled subset placed at offset `pad`.
          const n = codes.length;
          const bins = Uint8Array.from(codes);
          const rng = new Rng(n * 31 + pad);
          const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
          const rows = new Int32Array(n + pad + 2).fill(-7);
          rows.set(order, pad);
          const goLeft = (r: number) => (bins[r] === 6 ? defaultLeft : bins[r]! <= splitBin);
          const expected = [...order.filter(goLeft), ...order.filter((r) => !goLeft(r))];
          const mid = partitionRowsStable(
            rows,
            pad,
            pad + n,
            bins,
            0,
            splitBin,
            6,
            defaultLeft,
            new Int32Array(n),
          );
          expect(mid - pad).toBe(order.filter(goLeft).length);
          expect(Array.from(rows.subarray(pad, pad + n))).toEqual(expected);
          expect(Array.from(rows.subarray(0, pad))).toEqual(new Array(pad).fill(-7));
          expect(Array.from(rows.subarray(pad + n))).toEqual([-7, -7]);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('Uint16 codes: the missing code 300 and bins above 255 are told apart', () => {
    const bins = Uint16Array.from([299, 300, 0, 256]);
    const rows = Int32Array.from([0, 1, 2, 3]);
    const mid = partitionRowsStable(rows, 0, 4, bins, 0, 256, 300, true, new Int32Array(4));
    expect(mid).toBe(3);
    expect(Array.from(rows)).toEqual([1, 2, 3, 0]);
  });
});

describe('accumulateTwoFeatureHistograms', () => {
  it('equals two single-feature passes bit for bit', () => {
    const rng = new Rng(5);
    const n = 500;
    const bins = new Uint8Array(3 * n);
    for (let i = 0; i < bins.length; i++) bins[i] = rng.int(9);
    const gh = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++) gh[i] = rng.normal();
    const rows = Int32Array.from(rng.sampleIndices(n, 321));
    const ghNode = new Float64Array(2 * n);
    gatherGradients(rows, 10, 300, gh, ghNode);
    const a = new Float64Array(40);
    const b = new Float64Array(40);
    accumulateTwoFeatureHistograms(bins, rows, 10, 300, ghNode, a, 2 * n, n, 0, 20);
    accumulateFeatureHistogram(bins, 2 * n, rows, 10, 300, gh, b, 0);
    accumulateFeatureHistogram(bins, n, rows, 10, 300, gh, b, 20);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.some((v) => v !== 0)).toBe(true);
  });
});

describe('TreeGrower with dropped rows', () => {
  it('partitions dropped rows to the leaf that traversal reaches, and leaves the tree and sampled segments unchanged', () => {
    for (const seed of [1, 2, 3]) {
      const data = syntheticClassification(3000, 6, seed, 0.1);
      const binned = binMatrix(data.X, sketchCuts(data.X, 64));
      const n = data.X.rows;
      const rng = new Rng(seed);
      const gh = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        gh[2 * i] = rng.normal();
        gh[2 * i + 1] = 0.1 + rng.uniform();
      }
      const params = { maxDepth: 5, minChildWeight: 3, lambda: 1, alpha: 0, gamma: 0, eta: 0.3 };
      const features = Int32Array.from([0, 2, 3, 5]);
      const rows = new Int32Array(n);
      const m = sampleRowsBernoulli(seed, n, 0.7, rows);
      const dropped = Array.from(rows.subarray(m));
      const onlySampled = rows.slice(0, m);
      const a = new TreeGrower(binned).grow(gh, onlySampled, m, features, 0, params);
      const b = new TreeGrower(binned).grow(gh, rows, m, features, 0, params, n - m);
      expect(b.tree).toEqual(a.tree);
      expect(b.segStart).toEqual(a.segStart);
      expect(b.segEnd).toEqual(a.segEnd);
      expect(Array.from(rows.subarray(0, m))).toEqual(Array.from(onlySampled));
      expect(a.dropStart.every((s, j) => s === a.dropEnd[j])).toBe(true);
      const seen = new Set<number>();
      for (let j = 0; j < b.leafNodes.length; j++) {
        for (let s = b.dropStart[j]!; s < b.dropEnd[j]!; s++) {
          const r = rows[s]!;
          seen.add(r);
          expect(leafOfBinnedRow(b, binned, r)).toBe(b.leafNodes[j]);
        }
      }
      expect([...seen].sort((x, y) => x - y)).toEqual(dropped);
      expect(b.leafNodes.length).toBeGreaterThan(4);
    }
  });
});

/** A store over random codes: `p` features of `codes` bins each plus the missing code. */
function randomStore(rng: Rng, n: number, p: number, codes: number) {
  const bins = codes > 255 ? new Uint16Array(n * p) : new Uint8Array(n * p);
  for (let i = 0; i < bins.length; i++) bins[i] = rng.int(codes + 1);
  const cutPtr = Int32Array.from({ length: p + 1 }, (_, f) => f * codes);
  const cuts = {
    nFeatures: p,
    cutPtr,
    cutValues: new Float64Array(p * codes),
    minValues: new Float64Array(p),
  };
  const store = new HistogramStore({ rows: n, cols: p, bins, cuts, hasMissing: new Uint8Array(p) });
  return { bins, store };
}

describe('HistogramStore (WebAssembly SIMD kernels)', () => {
  for (const codes of [9, 300]) {
    it(`builds histograms bit-identical to the JavaScript kernel (${codes > 255 ? 'u16' : 'u8'} codes), across memory growth`, () => {
      const rng = new Rng(codes);
      const n = 700;
      const p = 11;
      const { bins, store } = randomStore(rng, n, p, codes);
      const gh = new Float64Array(2 * n);
      for (let i = 0; i < 2 * n; i++) gh[i] = rng.normal();
      for (const q of [1, 2, 3, 7, 8, 11]) {
        const features = rng.sampleIndices(p, q);
        store.setFeatures(features);
        const rows = rng.sampleIndices(n, 400);
        store.loadTree(gh, rows, 400);
        // Many live histograms force the pool to grow the memory (and replace its buffer) midway.
        const held = Array.from({ length: 40 }, () => store.acquire());
        const h = held[39]!;
        store.build(h, 13, 390);
        const ref = new Float64Array(store.histLength);
        features.forEach((f, j) =>
          accumulateFeatureHistogram(bins, f * n, rows, 13, 390, gh, ref, store.blockOffset(j)),
        );
        const got = store.f64.subarray(h, h + store.histLength);
        expect(Array.from(got)).toEqual(Array.from(ref));
        // Subtraction leaves parent − child on the sampled features.
        const parent = held[0]!;
        store.build(parent, 0, 400);
        store.subtract(parent, h);
        const ref2 = new Float64Array(store.histLength);
        features.forEach((f, j) => {
          accumulateFeatureHistogram(bins, f * n, rows, 0, 400, gh, ref2, store.blockOffset(j));
          subtractHistogramRange(ref2, ref, store.blockOffset(j), store.blockOffset(j + 1));
        });
        expect(Array.from(store.f64.subarray(parent, parent + store.histLength))).toEqual(Array.from(ref2));
        for (const x of held) store.release(x);
        // A recycled histogram comes back zeroed.
        const again = store.acquire();
        expect(store.f64.subarray(again, again + store.histLength).every((v) => v === 0)).toBe(true);
        store.release(again);
      }
    });

    it(`partitions rows in WebAssembly exactly like partitionRowsStable (${codes > 255 ? 'u16' : 'u8'} codes)`, () => {
      const rng = new Rng(codes + 1);
      const n = 500;
      const p = 3;
      const { bins, store } = randomStore(rng, n, p, codes);
      const rows = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      const mine = Int32Array.from(rows);
      store.loadTree(new Float64Array(2 * n), mine, n);
      const ref = Int32Array.from(rows);
      const tmp = new Int32Array(n);
      // Nested splits on random segments, including empty ones, splitBin −1 and the last bin.
      for (let t = 0; t < 60; t++) {
        const a = rng.int(n + 1);
        const b = a + rng.int(n - a + 1);
        const f = rng.int(p);
        const splitBin = rng.int(codes + 1) - 1;
        const dl = rng.uniform() < 0.5;
        const midRef = partitionRowsStable(ref, a, b, bins, f * n, splitBin, codes, dl, tmp);
        expect(store.partition(a, b, f, splitBin, dl)).toBe(midRef);
      }
      store.copyRowsOut(mine, n);
      expect(Array.from(mine)).toEqual(Array.from(ref));
    });
  }

  it('scans splits in WebAssembly exactly like evaluateFeatureSplits (α = 0 and L1, empty bins, missing slot)', () => {
    const rng = new Rng(77);
    const n = 50;
    const p = 4;
    const codes = 40;
    const { store } = randomStore(rng, n, p, codes);
    for (let t = 0; t < 300; t++) {
      const h = store.acquire();
      const v = store.f64;
      let G = 0;
      let H = 0;
      for (let f = 0; f < p; f++) {
        const missing = rng.uniform() < 0.5;
        for (let s = 0; s <= codes; s++) {
          const at = h + store.blockOffset(f) + 2 * s;
          // A third of the bins are empty; the missing slot is filled for half the features.
          if ((s < codes && rng.uniform() < 0.33) || (s === codes && !missing)) continue;
          v[at] = rng.normal() * (t % 3 === 0 ? 1 : 3);
          v[at + 1] = rng.uniform() * 4;
          G += v[at]!;
          H += v[at + 1]!;
        }
      }
      if (t % 4 === 1) {
        // Exact ties across features (feature 2 repeats feature 0; the first must win) and a near tie one ulp
        // away (feature 3 = feature 1 with one gradient nudged), where the division-free rejection must not cut.
        const span = 2 * (codes + 1);
        const f0 = h + store.blockOffset(0);
        const f1 = h + store.blockOffset(1);
        const f2 = h + store.blockOffset(2);
        const f3 = h + store.blockOffset(3);
        G = 0;
        H = 0;
        v.copyWithin(f2, f0, f0 + span);
        v.copyWithin(f3, f1, f1 + span);
        const s = 2 * rng.int(codes);
        if (v[f3 + s + 1]! > 0) v[f3 + s] = v[f3 + s]! * (1 + 2 ** -52);
        for (let k = 0; k < span; k += 2) {
          G += v[f0 + k]!;
          H += v[f0 + k + 1]!;
        }
      }
      const prm = {
        lambda: rng.uniform() < 0.2 ? 0 : rng.uniform() * 2,
        alpha: rng.uniform() < 0.5 ? 0 : rng.uniform(),
        minChildWeight: rng.uniform() * 10,
      };
      const parentGain = nodeGain(G, H, prm);
      const ref = emptyCandidate();
      const got = emptyCandidate();
      for (let f = 0; f < p; f++) {
        evaluateFeatureSplits(v, h + store.blockOffset(f), codes, f, G, H, parentGain, prm, ref);
        store.scanFeature(h, f, f, G, H, parentGain, prm, got);
      }
      expect(got).toEqual(ref);
      store.release(h);
    }
  });
});

describe('forest prediction in WebAssembly', () => {
  /** A random tree of depth ≤ maxDepth on p features with thresholds from `pool`. */
  function randomTree(rng: Rng, p: number, maxDepth: number, k: number, pool: number[]): Tree {
    const left: number[] = [];
    const right: number[] = [];
    const feature: number[] = [];
    const threshold: number[] = [];
    const defaultLeft: number[] = [];
    const value: number[] = [];
    const grow = (d: number): number => {
      const id = left.length;
      left.push(-1);
      right.push(-1);
      feature.push(-1);
      threshold.push(0);
      defaultLeft.push(0);
      value.push(rng.normal());
      if (d < maxDepth && rng.uniform() < 0.8) {
        feature[id] = rng.int(p);
        threshold[id] = pool[rng.int(pool.length)]!;
        defaultLeft[id] = rng.int(2);
        value[id] = 0;
        left[id] = grow(d + 1);
        right[id] = grow(d + 1);
      }
      return id;
    };
    grow(0);
    const f64 = (a: number[]) => Float64Array.from(a);
    return {
      classIndex: k,
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      feature: Int32Array.from(feature),
      threshold: f64(threshold),
      defaultLeft: Uint8Array.from(defaultLeft),
      value: f64(value),
      gain: new Float64Array(left.length),
      cover: new Float64Array(left.length),
    };
  }

  it('equals the JavaScript traversal bit for bit: NaN, ±0, ±∞ thresholds, non-float32 thresholds, any depth', () => {
    const rng = new Rng(2024);
    // Values and thresholds collide often: equal values must go right (x < t is false).
    const grid = [-2, -1, -0.5, -0, 0, 0.1, 0.5, 1, 3, 1e30, -1e-30];
    const pool = [
      ...grid,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      0.1 + 1e-12,
      -0.3 - 1e-12,
      3e38 * 2,
    ];
    for (const [p, maxDepth, nTrees, n] of [
      [5, 3, 7, 37],
      [3, 6, 30, 300],
      [11, 1, 4, 9],
      [2, 13, 3, 50], // deeper than MAX_WASM_PREDICT_DEPTH: the JavaScript fallback
      [4, 0, 3, 10], // single-leaf trees
    ] as const) {
      const K = 3;
      const trees = Array.from({ length: nTrees }, (_, t) => randomTree(rng, p, maxDepth, t % K, pool));
      const forest = flattenForest(trees, K);
      const X32 = new Float32Array(n * p);
      for (let i = 0; i < X32.length; i++) {
        const u = rng.uniform();
        X32[i] = u < 0.1 ? Number.NaN : u < 0.5 ? grid[rng.int(grid.length)]! : rng.normal();
      }
      for (const [a, b] of [
        [0, nTrees],
        [1, Math.max(1, nTrees - 1)],
      ] as const) {
        const ref = Float64Array.from({ length: n * K }, (_, i) => i / 7);
        const got = Float64Array.from(ref);
        addForestMarginsJs(forest, X32, n, p, ref, a, b);
        addForestMargins(forest, X32, n, p, got, a, b);
        expect(Array.from(got)).toEqual(Array.from(ref));
      }
    }
  });
});

describe('softmaxGradients', () => {
  it('the K = 3 fast path equals the softmax of softmaxRowsInPlace and the §9.3 gradient formulas bit for bit', () => {
    const rng = new Rng(9);
    for (const K of [2, 3, 4]) {
      const n = 200;
      const F = Float64Array.from({ length: n * K }, () => rng.normal() * 3);
      F[0] = F[1]!; // a tie for the row maximum
      const y = Int32Array.from({ length: n }, () => rng.int(K));
      for (const w of [undefined, Float64Array.from({ length: n }, () => rng.uniform() * 2)]) {
        const P = new Float64Array(n * K);
        const gh = new Float64Array(2 * n * K);
        softmaxGradients(F, y, w, n, K, P, gh);
        const Q = Float64Array.from(F);
        softmaxRowsInPlace(Q, n, K);
        expect(Array.from(P)).toEqual(Array.from(Q));
        for (let i = 0; i < n; i++) {
          const wi = w ? w[i]! : 1;
          for (let k = 0; k < K; k++) {
            const p = Q[i * K + k]!;
            expect(gh[k * 2 * n + 2 * i]).toBe((k === y[i] ? p - 1 : p) * wi);
            expect(gh[k * 2 * n + 2 * i + 1]).toBe(Math.max(2 * p * (1 - p) * wi, HESSIAN_FLOOR));
          }
        }
      }
    }
  });
});
