/**
 * A seeded workspace for the API and browser tests, built through the library: a small research run
 * (runResearchPipeline + writeResearchOutputs on a synthetic market, plus the IC series Parquet the CLI
 * writes), a damaged run, a persisted risk model, two registered GBDT model versions with metrics, artifacts
 * and a stage history, feature values with a late ingest, the day's ML signals as `alphalab predict` stores
 * them, and drift metrics (with per-feature PSI) and alerts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeTime } from '../../src/core/calendar.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { Rng } from '../../src/core/rng.ts';
import { generateSyntheticMarket } from '../../src/data/index.ts';
import { sqlString, withDuckDB } from '../../src/data/io/duck.ts';
import { saveGbdt } from '../../src/ml/gbdt/json.ts';
import { featureMatrixFromRows } from '../../src/ml/gbdt/matrix.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { writeResearchOutputs } from '../../src/pipeline/outputs.ts';
import { type ResearchPipelineResult, runResearchPipeline } from '../../src/pipeline/research.ts';
import { buildRiskModel } from '../../src/risk/factor-model/build.ts';
import type { Store } from '../../src/store/open-store.ts';

export const MODEL = 'ml_signal';
export const STRATEGY = 'ml_signal';
export const FEATURES = ['mom_5d', 'rsi_14', 'vol_20d'] as const;
export const SIGNAL_DATE = '2024-03-28';
export const DRIFT_DATES = ['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28'] as const;

const config = resolveConfig({
  research: { variants: 1, horizons: [5, 21], min_coverage: 30, min_ic_obs: 30 },
  risk: { methods: ['ledoit_wolf'], lookback: 100 },
  portfolio: { warmup: 160, rebalance_every: 42, max_position: 0.05 },
});

let cached: Promise<ResearchPipelineResult> | undefined;
const market = () => generateSyntheticMarket({ stocks: 50, days: 300, seed: 7 }).universe;

/** The research run, computed once per test file. */
export function researchRun(): Promise<ResearchPipelineResult> {
  cached ??= runResearchPipeline({ universe: market(), config, backend: 'inline', runId: 'run-test-a' });
  return cached;
}

/** Long-format IC series Parquet through DuckDB's appender, as `alphalab research` writes it (bit-exact doubles). */
async function writeIcSeries(file: string, res: ResearchPipelineResult): Promise<void> {
  const t = res.research.tier;
  await withDuckDB(async (conn) => {
    await conn.run('CREATE TABLE ic_series (date DATE, signal VARCHAR, horizon INTEGER, ic DOUBLE)');
    const appender = await conn.createAppender('ic_series');
    try {
      for (const s of t.signals) {
        for (const a of s.accumulations) {
          for (let d = 0; d < a.ic.length; d++) {
            if (Number.isNaN(a.ic[d]!)) continue;
            appender.appendVarchar(t.context.dates[d]!);
            appender.appendVarchar(s.name);
            appender.appendInteger(a.horizon);
            appender.appendDouble(a.ic[d]!);
            appender.endRow();
          }
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await conn.run(
      `COPY (SELECT * FROM ic_series ORDER BY signal, horizon, date) TO ${sqlString(file)} (FORMAT parquet)`,
    );
  });
}

export interface SeededRuns {
  readonly runsDir: string;
  readonly riskRoot: string;
  readonly riskAsOf: string;
  readonly firstSignal: string;
}

/** Research runs folder (one good run, one damaged) and a persisted risk model under `root`. */
export async function seedFiles(root: string): Promise<SeededRuns> {
  const res = await researchRun();
  const runsDir = join(root, 'runs');
  writeResearchOutputs(join(runsDir, 'run-a'), res);
  await writeIcSeries(join(runsDir, 'run-a', 'ic_series.parquet'), res);
  mkdirSync(join(runsDir, 'damaged'), { recursive: true });
  writeFileSync(join(runsDir, 'damaged', 'report.json'), '{ "title": "cut short');
  mkdirSync(join(runsDir, 'not-a-run'), { recursive: true });
  const riskRoot = join(root, 'workspace', 'artifacts', 'risk_model');
  const risk = await buildRiskModel(market(), { outDir: riskRoot, createdAt: '2026-01-01T00:00:00.000Z' });
  if (risk.status !== 'ok') throw new Error(`fixture risk model: ${risk.reason}`);
  return { runsDir, riskRoot, riskAsOf: risk.asOf!, firstSignal: res.research.tier.signals[0]!.name };
}

/** A small three-class GBDT on random features, as the `weights` artifact of a model. */
function gbdtJson(seed: number): string {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal()];
    rows.push(x);
    y.push(x[0]! + 0.3 * rng.normal() > 0.5 ? 2 : x[0]! < -0.5 ? 0 : 1);
  }
  const model = trainGbdt(featureMatrixFromRows(rows, [...FEATURES]), y, {
    params: {
      nEstimators: 8,
      maxDepth: 3,
      learningRate: 0.3,
      subsample: 1,
      colsampleBytree: 1,
      earlyStoppingRounds: 0,
    },
  });
  return saveGbdt(model);
}

export interface SeededStore {
  readonly versions: readonly number[];
}

/** Registry, feature store and monitoring tables. */
export async function seedStore(store: Store): Promise<SeededStore> {
  const reg = store.registry;
  const versions: number[] = [];
  for (const [k, sharpe] of [1.1, 1.4].entries()) {
    const m = await reg.register(MODEL, {
      strategyType: 'ml',
      description: `fixture model ${k + 1}`,
      params: { seed: k },
    });
    versions.push(m.version);
    await reg.logMetrics(m.modelId, { sharpe_ratio: sharpe, ic: 0.03 + 0.01 * k, accuracy: 0.41 }, 'test');
    await reg.logMetrics(m.modelId, { sharpe_ratio: sharpe + 0.3, ic: Number.NaN }, 'backtest');
    await reg.logMetrics(m.modelId, { mlogloss: 1.02 - 0.01 * k }, 'val');
    await reg.logArtifact(m.modelId, { name: 'model.json', data: gbdtJson(11 + k) }, 'weights');
    await reg.logArtifact(
      m.modelId,
      { name: 'whitelist.json', data: JSON.stringify({ names: FEATURES }) },
      'feature_whitelist',
    );
    await reg.promote(MODEL, m.version, { by: 'fixture', reason: `version ${m.version} trained` });
  }

  const fs = store.features;
  for (const f of FEATURES) await fs.defineFeature(f, { description: `fixture ${f}` });
  const rows = [];
  for (const entity of ['AAPL', 'MSFT']) {
    for (const [d, date] of DRIFT_DATES.entries()) {
      for (const [j, f] of FEATURES.entries()) {
        rows.push({
          entity,
          feature: f,
          eventTime: date,
          value: (entity === 'AAPL' ? 1 : -1) * (j + 1) + d / 10,
        });
      }
    }
  }
  await fs.writeFeatures(rows, { producer: 'fixture', availabilityLagMs: 3_600_000 });
  // Seed 004's worked example: known only the next evening.
  await fs.defineFeature('late_fact');
  await fs.writeFeatures(
    [
      {
        entity: 'AAPL',
        feature: 'late_fact',
        eventTime: '2024-01-15',
        ingestTime: '2024-01-16T22:00:00Z',
        value: 0.035,
      },
    ],
    { producer: 'fixture' },
  );

  const names = ['ml_signal_direction', 'ml_signal_strength', 'ml_signal_size'];
  for (const n of names) await fs.defineFeature(n, { description: 'MLSignalStrategy output' });
  const tickers = ['AAPL', 'MSFT', 'NVDA', 'XOM', 'JPM'];
  await fs.writeFeatureFrame(
    {
      entities: tickers,
      entityIndex: Int32Array.from(tickers, (_, i) => i),
      eventTimeMs: new Float64Array(tickers.length).fill(closeTime(SIGNAL_DATE)),
      features: names,
      values: [
        Float64Array.of(1, -1, 1, -1, 1),
        Float64Array.of(0.61, 0.58, 0.72, 0.66, 0.56),
        Float64Array.of(0.02, 0.01, 0.05, 0.03, 0.004),
      ],
    },
    { producer: 'alphalab.ml.predict', producerVersion: `${MODEL}:v2`, availabilityLagMs: 15 * 60_000 },
  );

  for (const [d, date] of DRIFT_DATES.entries()) {
    await store.monitoring.upsertDriftMetrics({
      date,
      strategyId: STRATEGY,
      ic: 0.04 - 0.015 * d,
      ic5dAvg: d < 2 ? Number.NaN : 0.03 - 0.01 * d,
      psi: 0.05 + 0.08 * d,
      sharpe5d: 1.2 - 0.4 * d,
      sharpe20d: 0.9 - 0.2 * d,
      accuracy: 0.45,
      psiAlert: d === 3,
      details: { psiByFeature: { mom_5d: 0.02 + 0.1 * d, rsi_14: 0.05, vol_20d: d === 0 ? null : 0.3 } },
    });
  }
  await store.monitoring.insertAlert({
    strategyId: STRATEGY,
    rule: 'psi_warning',
    severity: 'warning',
    message: 'PSI 0.21 above 0.10 on mom_5d',
    date: DRIFT_DATES[2],
    metric: 'psi',
    value: 0.21,
    threshold: 0.1,
  });
  await store.monitoring.insertAlert({
    strategyId: STRATEGY,
    rule: 'psi_severe',
    severity: 'severe',
    message: 'PSI 0.32 above 0.25 on mom_5d: retrain',
    date: DRIFT_DATES[3],
    metric: 'psi',
    value: 0.32,
    threshold: 0.25,
  });
  await store.monitoring.insertAlert({
    strategyId: 'other',
    rule: 'stale_model',
    severity: 'info',
    message: 'model is 3 days old',
  });
  return { versions };
}
