/**
 * The monitor resolves predictions with the same target the model was trained on (ml.target): its realised
 * classes equal the training labels of panelTarget for both targets, so rolling accuracy compares like with like.
 */
import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { computeFeatures, featureMatrixAt } from '../../src/ml/features/index.ts';
import { freezeWhitelist } from '../../src/ml/features/whitelist.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { MLSignalStrategy } from '../../src/ml/strategy/index.ts';
import { panelTarget, type TargetKind } from '../../src/ml/target.ts';
import { universeDriftInput } from '../../src/monitor/universe-source.ts';

describe('monitor realised classes follow ml.target', () => {
  it('equal the training labels for absolute and market-relative targets', () => {
    const { universe: u } = generateSyntheticMarket({ stocks: 30, days: 320, seed: 8 });
    const T = u.dates.length;
    const N = u.tickers.length;
    const fs = computeFeatures(u);
    const whitelist = freezeWhitelist(fs.names);
    const rows = Array.from({ length: 600 }, (_, k) => 260 + (k % 20));
    const X = featureMatrixAt(
      fs,
      rows,
      rows.map((_, k) => k % N),
      whitelist.names,
    );
    const model = trainGbdt(
      X,
      Int32Array.from(rows, (_, k) => k % 3),
      { params: { nEstimators: 3, maxDepth: 2, seed: 1 } },
    );
    const strategy = new MLSignalStrategy(
      {
        model,
        calibrator: null,
        whitelist,
        payoffs: Float64Array.of(-0.01, 0, 0.01),
        modelName: 'm',
        modelVersion: 1,
      },
      { confidenceThreshold: 0.5, minHoldDays: 3, kellyFraction: 0.25, maxPositionSize: 0.05 },
    );
    const h = 5;
    const d = 1;
    for (const target of ['absolute', 'market_relative'] as TargetKind[]) {
      const input = universeDriftInput(u, fs, strategy, {
        strategyId: 's',
        dateIndex: T - 1,
        horizon: h,
        delay: d,
        upThreshold: 0.01,
        downThreshold: -0.01,
        target,
        lookback: 30,
        baselineRange: null,
        model: null,
      });
      const labels = panelTarget(u.panels.get('close')!.values, T, N, {
        horizon: h,
        delay: d,
        upThreshold: 0.01,
        downThreshold: -0.01,
        target,
      });
      let resolved = 0;
      for (const b of input.predictions) {
        const s = u.dates.indexOf(b.date);
        for (let i = 0; i < N; i++) {
          const want = s + d + h <= T - 1 ? labels.label[s * N + i]! : Number.NaN;
          expect(Object.is(b.realisedClass[i], want)).toBe(true);
          if (!Number.isNaN(want)) resolved++;
        }
      }
      expect(resolved).toBeGreaterThan(10 * N);
    }
  });
});
