import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTime } from '../../src/core/calendar.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { IntegrityError } from '../../src/core/errors.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { computeFeatures, featureMatrixAt } from '../../src/ml/features/index.ts';
import {
  loadActiveModelBundle,
  MLSignalStrategy,
  mlStrategyOptionsFromConfig,
} from '../../src/ml/strategy/index.ts';
import type { ParamSpec } from '../../src/ml/tuning/tpe.ts';
import { runTrainingPipeline, type TrainingResult } from '../../src/pipeline/training.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const { universe } = generateSyntheticMarket({ stocks: 60, days: 480, seed: 5 });
const config = resolveConfig({
  ml: {
    train_months: 9,
    test_months: 3,
    step_months: 3,
    tuning_trials: 2,
    min_training_samples: 300,
    xgb_params: { n_estimators: 30, max_depth: 2, learning_rate: 0.05, min_child_weight: 200 },
  },
});
const space: ParamSpec[] = [
  { name: 'n_estimators', type: 'int', low: 15, high: 30 },
  { name: 'learning_rate', type: 'float', low: 0.03, high: 0.1, log: true },
];

async function train(store: Store, cfg = config): Promise<TrainingResult> {
  return runTrainingPipeline({ universe, config: cfg, store, seed: 3, maxWindows: 1, searchSpace: space });
}

async function freshStore(): Promise<Store> {
  const ws = mkdtempSync(join(tmpdir(), 'alphalab-train-test-'));
  dirs.push(ws);
  return openStore({ workspace: ws, dbUrl: ':memory:', env: {} });
}

describe('training pipeline end to end (small synthetic market)', () => {
  it('registers, logs, fingerprints, promotes; deterministic for a seed', async () => {
    const store = await freshStore();
    try {
      const r = await train(store);
      expect(r.model.version).toBe(1);
      expect(r.promoted).toBe(true);
      expect(r.featureCount).toBeGreaterThan(60);
      expect(r.windows.filter((w) => w.metrics).length).toBe(1);
      // Out-of-sample metrics are defined (one window of a tiny booster; skill is asserted at a larger size
      // in training-skill.test.ts, docs/decisions/067).
      for (const k of ['log_loss', 'raw_log_loss', 'prior_log_loss', 'accuracy', 'calibrated_brier'] as const)
        expect(r.metrics.test[k]).toBeGreaterThan(0);
      expect(r.metrics.test.rows).toBeGreaterThan(500);
      // Platt scaling on the hold-out brings the class-weighted probabilities back towards the frequencies.
      expect(r.metrics.val.calibrated_brier!).toBeLessThan(r.metrics.val.raw_brier!);
      const logged = await store.registry.getMetrics(r.model.modelId);
      expect(new Set(logged.map((m) => m.datasetType))).toEqual(
        new Set(['train', 'val', 'test', 'backtest']),
      );
      const runs = await store.registry.getTrainingRuns(r.model.modelId);
      expect(runs[0]!.dataFingerprint).toBe(r.fingerprint);
      expect(runs[0]!.status).toBe('completed');
      const ts = await store.engine.query('SELECT fingerprint, row_count FROM training_sets');
      expect(ts.map((x) => String(x.fingerprint))).toEqual([r.fingerprint]);
      expect(Number(ts[0]!.row_count)).toBe(r.rows);
      // Features were written as a backfill: producer metadata, ingest = close + 15 min.
      const fe = await store.engine.query(
        `SELECT producer, run_id, epoch_ms(event_time) AS e, epoch_ms(ingest_time) AS i FROM feature_events_v WHERE feature_name = 'rsi_14' LIMIT 3`,
      );
      for (const row of fe) {
        expect(row.producer).toBe('alphalab.ml.features');
        expect(row.run_id).toBe(r.runId);
        expect(Number(row.i) - Number(row.e)).toBe(15 * 60_000);
      }

      // The strategy serves the active model; its predictions use the frozen whitelist.
      const bundle = await loadActiveModelBundle(store.registry, config.ml.model_name);
      const strategy = new MLSignalStrategy(bundle, mlStrategyOptionsFromConfig(config));
      const fs = computeFeatures(universe);
      const t = universe.dates.length - 1;
      const X = featureMatrixAt(
        fs,
        new Int32Array(universe.tickers.length).fill(t),
        Int32Array.from(universe.tickers, (_, i) => i),
        bundle.whitelist.names,
      );
      const P = strategy.predictProba(X);
      for (let i = 0; i < X.rows; i++) expect(P[3 * i]! + P[3 * i + 1]! + P[3 * i + 2]!).toBeCloseTo(1, 12);
      expect(closeTime(universe.dates[t]!)).toBeGreaterThan(0);

      // Same seed, fresh store: identical data fingerprint and metrics.
      const other = await freshStore();
      try {
        const again = await train(other);
        expect(again.fingerprint).toBe(r.fingerprint);
        expect(again.metrics).toEqual(r.metrics);
      } finally {
        await other.close();
      }

      // A second model that does not beat the active one by the margin is registered but not promoted.
      const strict = resolveConfig({
        ...JSON.parse(JSON.stringify(config)),
        ml: { ...JSON.parse(JSON.stringify(config.ml)), promote_margin: 10 },
      });
      const r2 = await train(store, strict);
      expect(r2.model.version).toBe(2);
      expect(r2.promoted).toBe(false);
      expect(r2.promotionReason).toMatch(/margin 10/);
      expect((await store.registry.getActive(config.ml.model_name))!.version).toBe(1);

      // A tampered artifact is refused when the strategy loads the active model.
      const root = join(store.workspace, 'artifacts');
      const files: string[] = [];
      const walk = (d: string) => {
        for (const f of readdirSync(d)) {
          const p = join(d, f);
          if (statSync(p).isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(root);
      for (const f of files) writeFileSync(f, `${readFileSync(f, 'utf8')} `);
      await expect(loadActiveModelBundle(store.registry, config.ml.model_name)).rejects.toBeInstanceOf(
        IntegrityError,
      );
    } finally {
      await store.close();
    }
  }, 240_000);
});
