import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntegrityError, InvalidInputError } from '../../src/core/errors.ts';
import { loadGbdt, saveGbdt } from '../../src/ml/gbdt/json.ts';
import { featureMatrixFromRows, selectRows } from '../../src/ml/gbdt/matrix.ts';
import { logPriorIntercept } from '../../src/ml/gbdt/objective.ts';
import { addForestMargins, flattenForest } from '../../src/ml/gbdt/predict.ts';
import {
  binMatrix,
  radixSortFloat32,
  searchBin,
  sentinelCut,
  sketchCuts,
} from '../../src/ml/gbdt/quantize.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { type Tree, treeLeafValue } from '../../src/ml/gbdt/tree.ts';
import { multiclassLogLoss } from '../../src/ml/validation/metrics.ts';
import { syntheticClassification } from './fixtures.ts';

const col = (v: (number | null)[]) => featureMatrixFromRows(v.map((x) => [x]));

describe('quantisation (§9.3 item 3)', () => {
  it('m ≤ max_bin: cuts are v_2 … v_m plus the sentinel; the minimum is not a cut', () => {
    const c = sketchCuts(col([3, 1, 2, 2, null, 1]), 256);
    expect(Array.from(c.cutValues)).toEqual([2, 3, sentinelCut(3)]);
    expect(sentinelCut(3)).toBe(Math.fround(6.00001));
    expect(c.minValues[0]).toBe(1);
  });
  it('m > max_bin: weighted-rank cuts, non-increasing cuts replaced by the next distinct value', () => {
    const c = sketchCuts(col([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 4);
    expect(Array.from(c.cutValues)).toEqual([2, 5, 7, sentinelCut(9)]);
    const w = Float64Array.from([10, 1, 1, 1, 1]);
    const d = sketchCuts(col([0, 1, 2, 3, 4]), 4, w);
    expect(Array.from(d.cutValues)).toEqual([0, 1, 2, sentinelCut(4)]);
  });
  it('bin = first cut strictly greater (upper bound), clamped; missing gets the code after the last bin', () => {
    const X = col([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null, 100]);
    const cuts = sketchCuts(selectRows(X, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 4);
    const b = binMatrix(X, cuts);
    expect(Array.from(b.bins)).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 3]);
    expect(b.hasMissing[0]).toBe(1);
    expect(searchBin(Float64Array.from([1, 2, 3]), 0, 3, 2)).toBe(2);
    expect(searchBin(Float64Array.from([1, 2, 3]), 0, 3, 0.5)).toBe(0);
  });
  it('radix sort of float32 values equals the comparison sort (negatives, ±0, subnormals, ties)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 300 }), (xs) => {
        const v = Float32Array.from(xs);
        radixSortFloat32(v, v.length, new Float32Array(v.length));
        const ref = Float32Array.from(xs).sort();
        for (let i = 0; i < v.length; i++) expect(v[i] === ref[i]).toBe(true);
      }),
    );
  });
  it('searchBin equals a linear upper-bound scan (clamped) for every position', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -60, max: 60 }),
        (raw, x) => {
          const cuts = Float64Array.from(raw.sort((a, b) => a - b));
          let naive = cuts.findIndex((c) => c > x);
          if (naive < 0) naive = cuts.length - 1;
          const padded = Float64Array.from([-1000, ...cuts, 1000]);
          expect(searchBin(padded, 1, cuts.length + 1, x)).toBe(naive);
        },
      ),
    );
  });
  it('casts to float32 before sketching', () => {
    const c = sketchCuts(col([0.1, 0.2]), 256);
    expect(c.cutValues[0]).toBe(Math.fround(0.2));
  });
  it('an all-missing feature has no bins and every row is missing', () => {
    const X = col([null, null]);
    const b = binMatrix(X, sketchCuts(X, 256));
    expect(b.cuts.cutValues.length).toBe(0);
    expect(Array.from(b.bins)).toEqual([0, 0]);
  });
});

describe('trainGbdt behaviour', () => {
  const data = syntheticClassification(3000, 8, 11);
  const test = syntheticClassification(3000, 8, 12);
  const params = {
    nEstimators: 40,
    maxDepth: 4,
    learningRate: 0.1,
    subsample: 0.8,
    colsampleBytree: 0.8,
    minChildWeight: 5,
    seed: 7,
  };

  it('learns the known signal: test log loss well below the class prior, above the Bayes optimum', () => {
    const m = trainGbdt(data.X, data.y, { params });
    const P = m.predictProba(test.X);
    const loss = multiclassLogLoss(P, test.y, 3);
    const prior = new Float64Array(3);
    for (const c of data.y) prior[c]! += 1 / data.y.length;
    const priorP = new Float64Array(test.y.length * 3);
    for (let i = 0; i < test.y.length; i++) priorP.set(prior, i * 3);
    const priorLoss = multiclassLogLoss(priorP, test.y, 3);
    const bayesLoss = multiclassLogLoss(test.bayes, test.y, 3);
    expect(loss).toBeLessThan(priorLoss - 0.05);
    expect(loss).toBeGreaterThan(bayesLoss - 0.02);
  });

  it('is deterministic for a seed and depends on it when sampling', () => {
    const a = saveGbdt(trainGbdt(data.X, data.y, { params }));
    const b = saveGbdt(trainGbdt(data.X, data.y, { params }));
    const c = saveGbdt(trainGbdt(data.X, data.y, { params: { ...params, seed: 8 } }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('column sampling uses max(1, ⌊c·p⌋) features per tree', () => {
    const m = trainGbdt(data.X, data.y, { params: { ...params, colsampleBytree: 0.1, nEstimators: 10 } });
    // ⌊0.1·8⌋ = 0 → 1 feature: every tree splits on a single feature.
    for (const t of m.trees)
      expect(new Set(Array.from(t.feature).filter((f) => f >= 0)).size).toBeLessThanOrEqual(1);
  });

  it('JSON round trip is exact (margins bit for bit, thresholds, −∞ and NaN scores)', () => {
    const m = trainGbdt(data.X, data.y, { params, eval: { X: test.X, y: test.y } });
    const text = saveGbdt(m);
    const back = loadGbdt(text);
    expect(saveGbdt(back)).toBe(text);
    const a = m.predictMargins(test.X);
    const b = back.predictMargins(test.X);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(back.featureImportance()).toEqual(m.featureImportance());
    const noEval = loadGbdt(saveGbdt(trainGbdt(data.X, data.y, { params: { ...params, nEstimators: 2 } })));
    expect(Number.isNaN(noEval.info.bestScore)).toBe(true);
  });

  it('refuses damaged or foreign model files with IntegrityError', () => {
    const j = JSON.parse(saveGbdt(trainGbdt(data.X, data.y, { params: { ...params, nEstimators: 2 } })));
    expect(() => loadGbdt('{')).toThrow(IntegrityError);
    expect(() => loadGbdt({ ...j, version: 99 })).toThrow(/version 99/);
    expect(() => loadGbdt({ ...j, format: 'xgboost' })).toThrow(IntegrityError);
    const bad = structuredClone(j);
    bad.trees[0].left[0] = 0;
    expect(() => loadGbdt(bad)).toThrow(/bad child/);
  });

  it('early stopping keeps the rounds up to the best validation mlogloss', () => {
    const m = trainGbdt(data.X, data.y, {
      params: { ...params, nEstimators: 400, learningRate: 0.5, earlyStoppingRounds: 5 },
      eval: { X: test.X, y: test.y },
    });
    const h = m.info.evalLogLoss;
    expect(m.info.roundsTrained).toBeLessThan(400);
    expect(m.info.roundsTrained).toBe(m.info.bestIteration + 6);
    expect(m.rounds).toBe(m.info.bestIteration + 1);
    expect(Math.min(...h)).toBe(m.info.bestScore);
    expect(multiclassLogLoss(m.predictProba(test.X), test.y, 3)).toBeCloseTo(m.info.bestScore, 12);
  });

  it('feature importance: weight counts splits, gain and cover are means of their totals', () => {
    const m = trainGbdt(data.X, data.y, { params });
    const imp = m.featureImportance();
    let splits = 0;
    for (const t of m.trees) splits += Array.from(t.feature).filter((f) => f >= 0).length;
    expect(imp.reduce((s, r) => s + r.weight, 0)).toBe(splits);
    for (const r of imp) if (r.weight > 0) expect(r.gain).toBeCloseTo(r.totalGain / r.weight, 12);
    // The signal lives in features 0, 1, 4 (and the 2·3 interaction); noise features 5–7 gain least.
    const byGain = [...imp].sort((a, b) => b.totalGain - a.totalGain).map((r) => r.feature);
    expect(byGain.slice(0, 2).sort()).toEqual([0, 1]);
  });

  it('flattened forest (breadth-first, adjacent children) predicts like per-tree traversal, any node order', () => {
    // Children deliberately out of order (right before left, not adjacent) as a foreign JSON could have.
    const t: Tree = {
      classIndex: 1,
      left: Int32Array.from([3, -1, -1, 4, -1, -1]),
      right: Int32Array.from([1, -1, -1, 5, -1, -1]),
      feature: Int32Array.from([0, -1, -1, 1, -1, -1]),
      threshold: Float64Array.from([0.5, 0, 0, Number.NEGATIVE_INFINITY, 0, 0]),
      defaultLeft: Uint8Array.from([1, 0, 0, 0, 0, 0]),
      value: Float64Array.from([0, 10, 20, 0, 30, 40]),
      gain: new Float64Array(6),
      cover: new Float64Array(6),
    };
    const rows = [
      [0.1, 1],
      [0.9, 1],
      [Number.NaN, 2],
      [0.2, Number.NaN],
      [0.5, 0],
    ];
    const X32 = Float32Array.from(rows.flat());
    const out = new Float64Array(rows.length * 2);
    addForestMargins(flattenForest([t], 2), X32, rows.length, 2, out, 0, 1);
    rows.forEach((_, i) => expect(out[i * 2 + 1]).toBe(treeLeafValue(t, X32, i * 2)));
    expect(Array.from(rows, (_, i) => out[i * 2 + 1])).toEqual([40, 10, 40, 40, 10]);
  });

  it('a missing value follows the learned default direction at prediction', () => {
    const X = featureMatrixFromRows([[1], [2], [3], [null], [null], [10], [11], [12]]);
    const y = [0, 0, 0, 0, 0, 2, 2, 2];
    const m = trainGbdt(X, y, { params: { nEstimators: 1, maxDepth: 1, minChildWeight: 0 } });
    const t = m.trees[0]!;
    expect(t.defaultLeft[0]).toBe(1);
    const P = m.predictProba(featureMatrixFromRows([[null], [1]]));
    expect(P[0]).toBe(P[3]);
  });

  it('log-prior initial margin (XGBoost ≥ 3.1) is centred ln π_k', () => {
    const b = logPriorIntercept(Int32Array.from([0, 0, 1, 2]), undefined, 3);
    expect(b[0]).toBeCloseTo(Math.log(0.5) - (Math.log(0.5) + 2 * Math.log(0.25)) / 3, 15);
    expect(Math.abs(b[0]! + b[1]! + b[2]!)).toBeLessThan(1e-14);
    const floored = logPriorIntercept(Int32Array.from([0, 0]), undefined, 3);
    expect(floored[1]).toBeCloseTo(Math.log(1e-6) - (2 * Math.log(1e-6)) / 3, 12);
    const m = trainGbdt(data.X, data.y, {
      params: { ...params, nEstimators: 1, initialMargin: 'log_prior' },
    });
    expect(Array.from(m.baseMargin)).toEqual(Array.from(logPriorIntercept(data.y, undefined, 3)));
  });

  it('256 bins plus missing values switch the bin matrix to Uint16 and still train exactly', () => {
    const n = 2000;
    const rows = Array.from({ length: n }, (_, i) => [i % 7 === 0 ? null : i / n, (i * 7919) % 13]);
    const X = featureMatrixFromRows(rows);
    const y = rows.map((r) => (r[0] === null ? 1 : r[0]! < 0.3 ? 0 : 2));
    const b = binMatrix(X, sketchCuts(X, 256));
    expect(b.bins).toBeInstanceOf(Uint16Array);
    expect(b.bins[0]).toBe(256);
    const m = trainGbdt(X, y, { params: { nEstimators: 20, maxDepth: 3 } });
    expect(multiclassLogLoss(m.predictProba(X), y, 3)).toBeLessThan(0.05);
    // Missing rows (class 1) are told apart by the default direction alone.
    expect(m.predictClass(featureMatrixFromRows([[null, 0]]))[0]).toBe(1);
  });

  it('throws typed errors naming the bad input', () => {
    const X = featureMatrixFromRows([[1], [2]]);
    expect(() => trainGbdt(X, [0, 3])).toThrow(/label 3/);
    expect(() => trainGbdt(X, [0, 1], { params: { subsample: 0 } })).toThrow(InvalidInputError);
    expect(() => trainGbdt(X, [0, 1], { weights: Float64Array.from([1, -1]) })).toThrow(/weight -1/);
    expect(() => trainGbdt(X, [0, 1], { params: { earlyStoppingRounds: 3 } })).toThrow(/validation set/);
    expect(() => trainGbdt(featureMatrixFromRows([[Number.POSITIVE_INFINITY]]), [0])).toThrow(/infinite/);
    expect(() => trainGbdt(featureMatrixFromRows([]), [])).toThrow(/no rows/);
    const m = trainGbdt(X, [0, 1], { params: { nEstimators: 1 } });
    expect(() => m.predictProba(featureMatrixFromRows([[1, 2]]))).toThrow(/1 features/);
  });

  it('one row, constant feature: a single-leaf tree per class', () => {
    const m = trainGbdt(featureMatrixFromRows([[5], [5], [5]]), [0, 1, 2], { params: { nEstimators: 2 } });
    for (const t of m.trees) expect(t.left.length).toBe(1);
    const one = trainGbdt(featureMatrixFromRows([[1]]), [2], {
      params: { nEstimators: 1, minChildWeight: 0 },
    });
    expect(one.trees[0]!.left.length).toBe(1);
  });
});
