import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { TreeGrower } from '../../src/ml/gbdt/grow.ts';
import { featureMatrixFromRows } from '../../src/ml/gbdt/matrix.ts';
import { binMatrix, sketchCuts } from '../../src/ml/gbdt/quantize.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import type { Tree } from '../../src/ml/gbdt/tree.ts';
import { type NaiveNode, naiveBoost, naiveGrow } from './gbdt-naive.ts';

/** Walks the flat tree and the naive tree together and asserts the same structure and numbers. */
function expectSameTree(t: Tree, node: number, nv: NaiveNode, tol: number): void {
  expect(t.feature[node]).toBe(nv.feature);
  expect(Math.abs(t.cover[node]! - nv.cover)).toBeLessThanOrEqual(tol);
  if (nv.feature < 0) {
    expect(Math.abs(t.value[node]! - nv.value)).toBeLessThanOrEqual(tol);
    return;
  }
  expect(t.threshold[node]).toBe(nv.threshold);
  expect(t.defaultLeft[node] === 1).toBe(nv.defaultLeft);
  expect(Math.abs(t.gain[node]! - nv.gain)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(nv.gain)));
  expectSameTree(t, t.left[node]!, nv.left!, tol);
  expectSameTree(t, t.right[node]!, nv.right!, tol);
}

const cell = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 4 }).map((v) => v / 2) },
);

describe('histogram tree vs exact-greedy twin (m ≤ max_bin)', () => {
  it('picks the same splits, thresholds, default directions and leaves (integer gradients: exact sums)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.record({
          maxDepth: fc.integer({ min: 1, max: 4 }),
          minChildWeight: fc.integer({ min: 0, max: 4 }),
          lambda: fc.integer({ min: 0, max: 3 }),
          gamma: fc.constantFrom(0, 0.5, 3),
        }),
        (n, p, seed, prm) => {
          const rng = new Rng(seed);
          const X = Array.from({ length: n }, () =>
            Array.from({ length: p }, () => fc.sample(cell, { seed: rng.int(1e9), numRuns: 1 })[0]!),
          );
          // Integers make every partial sum exact, so equal candidates tie bit for bit in both versions.
          const g = Array.from({ length: n }, () => rng.int(11) - 5);
          const h = Array.from({ length: n }, () => 1 + rng.int(4));
          const M = featureMatrixFromRows(X);
          const binned = binMatrix(M, sketchCuts(M, 256));
          const gh = new Float64Array(2 * n);
          for (let i = 0; i < n; i++) {
            gh[2 * i] = g[i]!;
            gh[2 * i + 1] = h[i]!;
          }
          const rows = Int32Array.from({ length: n }, (_, i) => i);
          const features = Int32Array.from({ length: p }, (_, f) => f);
          const grown = new TreeGrower(binned).grow(gh, rows, n, features, 0, { ...prm, eta: 0.3, alpha: 0 });
          const naive = naiveGrow(X, g, h, [...rows], [...features], { ...prm, eta: 0.3 });
          expectSameTree(grown.tree, 0, naive, 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('boosted margins match the naive booster on random float data with weights (3 rounds, depth 3)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Rng(seed);
      const n = 120;
      const X = Array.from({ length: n }, () =>
        Array.from({ length: 3 }, () => (rng.uniform() < 0.1 ? Number.NaN : rng.normal())),
      );
      const y = X.map((r) =>
        (Number.isNaN(r[0]!) ? 0 : r[0]!) + rng.normal() > 0.3 ? 2 : rng.uniform() < 0.5 ? 0 : 1,
      );
      // Continuous weights make every row's gradient distinct, so two partitions never tie exactly (with unit
      // weights round 1 has g ∈ {1/3, −2/3}: equal class counts tie, and rounding may break such a tie either
      // way). The integer-gradient test above covers ties.
      const w = Array.from({ length: n }, () => 0.5 + rng.uniform());
      const params = { maxDepth: 3, minChildWeight: 1, lambda: 1, gamma: 0, eta: 0.3 };
      const naive = naiveBoost(X, y, w, 3, 3, params);
      const model = trainGbdt(featureMatrixFromRows(X), y, {
        params: { nEstimators: 3, maxDepth: 3, minChildWeight: 1, regLambda: 1, learningRate: 0.3 },
        weights: Float64Array.from(w),
      });
      const F = model.predictMargins(featureMatrixFromRows(X));
      for (let i = 0; i < n; i++)
        for (let k = 0; k < 3; k++)
          expect(Math.abs(F[i * 3 + k]! - naive.margins[i]![k]!)).toBeLessThan(1e-9);
      // Trees are not compared node by node here: two features inducing the same partition of a small node
      // tie exactly in real arithmetic, and rounding may break that tie either way without changing a margin.
    }
  });
});
