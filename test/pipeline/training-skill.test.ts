/**
 * The end-to-end walk-forward model has skill out of sample (issue 8, docs/decisions/067): on a seeded
 * synthetic market, the calibrated probabilities of the market-relative target beat the class prior of each
 * window's training rows by a clear margin, in every window — and a control with the labels permuted within
 * each date (every date keeps its class mix, the cross-sectional information is destroyed) earns far less, so
 * the gain is not just a forecast of the date's class frequencies. The strategy's signals are produced and
 * backtested.
 *
 * Margins measured at this size (120 stocks × 800 days, 12/3/3-month windows, trials 0; docs/decisions/067):
 * through the pipeline, gain 0.0056–0.0108 nats/row over seeds 1–5 (prior ≈ 1.08; this seed: 0.0088, every
 * window > 0.005); without the store, against the same labels permuted within each date, seeds 1–4: real
 * 0.0083–0.0108, control 0.0001–0.0035, difference 0.0064–0.0082; labels permuted across all rows:
 * −0.0012…0.0001. The thresholds (gain > 0.005, difference > 0.004) fail for a model without skill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.ts';
import { Rng } from '../../src/core/rng.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { computeFeatures, featureMatrixAt } from '../../src/ml/features/index.ts';
import { gbdtParamsFromConfig } from '../../src/ml/gbdt/params.ts';
import {
  loadActiveModelBundle,
  MLSignalStrategy,
  mlStrategyOptionsFromConfig,
} from '../../src/ml/strategy/index.ts';
import { panelTarget } from '../../src/ml/target.ts';
import { walkForwardWindows } from '../../src/ml/validation/walk-forward.ts';
import { runTrainingPipeline } from '../../src/pipeline/training.ts';
import { classificationMetrics, walkForwardEvaluate } from '../../src/pipeline/training-evaluate.ts';
import { openStore } from '../../src/store/open-store.ts';

const SEED = 1;
const H = 5;
const D = 1;
const ws = mkdtempSync(join(tmpdir(), 'alphalab-train-skill-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const { universe } = generateSyntheticMarket({ stocks: 120, days: 800, seed: SEED });
const config = resolveConfig({
  research: { execution_delay: D },
  ml: {
    target: 'market_relative',
    prediction_horizon: H,
    train_months: 12,
    test_months: 3,
    step_months: 3,
    tuning_trials: 0,
    min_training_samples: 300,
    // Below the seed's 0.55: calibrated three-class probabilities of a model this weak stay under 0.55.
    confidence_threshold: 0.42,
    xgb_params: { n_estimators: 100, max_depth: 3, learning_rate: 0.05, min_child_weight: 50 },
  },
});

/** Log-loss gain over the class prior of the walk-forward with labels permuted within each date. */
async function withinDatePermutedGain(): Promise<number> {
  const u = universe;
  const T = u.dates.length;
  const N = u.tickers.length;
  const warmup = Math.min(252, Math.floor(T / 4));
  const target = panelTarget(u.panels.get('close')!.values, T, N, {
    horizon: H,
    delay: D,
    upThreshold: config.ml.up_threshold,
    downThreshold: config.ml.down_threshold,
    target: 'market_relative',
  });
  const rowDate: number[] = [];
  const rowTicker: number[] = [];
  for (let t = warmup; t < T; t += H)
    for (let i = 0; i < N; i++)
      if (!Number.isNaN(target.label[t * N + i]!)) {
        rowDate.push(t);
        rowTicker.push(i);
      }
  const y = Int32Array.from(rowDate, (t, r) => target.label[t * N + rowTicker[r]!]!);
  const rng = new Rng(SEED + 99);
  for (let a = 0; a < y.length; ) {
    let b = a;
    while (b < y.length && rowDate[b] === rowDate[a]) b++;
    for (let k = b - 1; k > a; k--) {
      const j = a + Math.floor(rng.uniform() * (k - a + 1));
      [y[k], y[j]] = [y[j]!, y[k]!];
    }
    a = b;
  }
  const data = {
    X: featureMatrixAt(computeFeatures(u), rowDate, rowTicker),
    y,
    forwardReturn: Float64Array.from(rowDate, (t, r) => target.labelReturn[t * N + rowTicker[r]!]!),
    rowDate: Int32Array.from(rowDate),
    rowTicker: Int32Array.from(rowTicker),
  };
  const settings = {
    base: gbdtParamsFromConfig(config, SEED),
    trials: 0,
    seed: SEED,
    horizon: H,
    delay: D,
    confidenceThreshold: config.ml.confidence_threshold,
    sampleEvery: H,
  };
  const windows = walkForwardWindows(u.dates.slice(0, rowDate.at(-1)! + 1), {
    horizon: H,
    delay: D,
    trainMonths: 12,
    testMonths: 3,
    stepMonths: 3,
    start: u.dates[warmup]!,
  });
  const wf = await walkForwardEvaluate(data, windows, settings, config.ml.min_training_samples);
  const m = classificationMetrics(wf.oosP, wf.oosRows, data, wf.oosPrior, settings);
  return m.prior_log_loss - m.log_loss;
}

describe('walk-forward skill of the market-relative model (seeded synthetic market)', () => {
  it('beats the class prior out of sample in every window, far more than a within-date permutation; signals backtest', async () => {
    const store = await openStore({ workspace: ws, dbUrl: ':memory:', env: {} });
    try {
      const r = await runTrainingPipeline({ universe, config, store, seed: SEED });
      const test = r.metrics.test;
      const evaluated = r.windows.filter((w) => w.metrics);
      expect(evaluated.length).toBeGreaterThanOrEqual(4);
      expect(test.rows).toBeGreaterThan(5000);
      const gain = test.prior_log_loss! - test.log_loss!;
      expect(test.log_loss_gain).toBeCloseTo(gain, 12);
      expect(gain).toBeGreaterThan(0.005);
      for (const w of evaluated) expect(w.metrics!.prior_log_loss - w.metrics!.log_loss).toBeGreaterThan(0);
      // Later windows are calibrated on earlier windows' out-of-sample predictions as well as their own tail.
      expect(evaluated[0]!.calibration!.earlierRows).toBe(0);
      expect(evaluated.at(-1)!.calibration!.earlierRows).toBeGreaterThan(0);
      expect(evaluated.at(-1)!.calibration!.dates).toBeGreaterThan(3 * evaluated[0]!.calibration!.dates);
      expect(r.metrics.val.calibration_earlier_rows).toBeGreaterThan(0);
      // Calibration helps out of sample: the walk-forward test predictions' Brier score drops.
      expect(test.calibrated_brier).toBeLessThan(test.raw_brier!);
      expect(r.reliability.outOfSample.reliabilityAfter.reduce((s, b) => s + b.count, 0)).toBe(test.rows);

      const control = await withinDatePermutedGain();
      expect(gain - control).toBeGreaterThan(0.004);

      // MLSignalStrategy: signals out of sample, a backtest with rebalances, and signals from the registry.
      expect(test.signals).toBeGreaterThan(100);
      expect(r.metrics.backtest.rebalances).toBeGreaterThan(20);
      expect(Number.isFinite(r.metrics.backtest.sharpe_ratio!)).toBe(true);
      const bundle = await loadActiveModelBundle(store.registry, config.ml.model_name);
      const strategy = new MLSignalStrategy(bundle, mlStrategyOptionsFromConfig(config));
      const fs = computeFeatures(universe);
      const N = universe.tickers.length;
      let produced = 0;
      for (let t = universe.dates.length - 20; t < universe.dates.length; t++) {
        const X = featureMatrixAt(
          fs,
          new Int32Array(N).fill(t),
          Int32Array.from({ length: N }, (_, i) => i),
          bundle.whitelist.names,
        );
        const signals = strategy.generateSignals(universe.dates[t]!, universe.tickers, X);
        for (const s of signals) {
          expect(s.strength).toBeGreaterThan(config.ml.confidence_threshold);
          expect(s.suggestedSize).toBeGreaterThanOrEqual(0);
          expect(s.suggestedSize).toBeLessThanOrEqual(config.ml.max_position_size);
        }
        produced += signals.length;
      }
      expect(produced).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 180_000);
});
