/**
 * The training pipeline of seed 003 (architecture.md §1): features → feature store → point-in-time training
 * set (Parquet + fingerprint) → three-class target (§9.1) with class weights (§9.2) → walk-forward validation
 * with TPE tuning on inner purged tails (§9.4–§9.6) → final fit on the last training window → Platt calibration
 * on the later purged hold-out with the prefit model (§9.7) → backtest of MLSignalStrategy over the stitched
 * out-of-sample period → registry (parameters, metrics per dataset type, artifacts, fingerprint, code version)
 * → promotion when the new model beats the active one by `ml.promote_margin`. Deterministic for a seed. It
 * holds no maths of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../backtest/evaluate.ts';
import { simulateWalkForward } from '../backtest/simulate.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { type Logger, newRunId, silentLogger } from '../core/log.ts';
import { requirePanel, type Universe } from '../core/universe.ts';
import { type CalibrationReport, calibrationReport } from '../ml/calibration/reliability.ts';
import { computeFeatures, type FeatureSet } from '../ml/features/feature-set.ts';
import { freezeWhitelist } from '../ml/features/whitelist.ts';
import { selectRows } from '../ml/gbdt/matrix.ts';
import { gbdtParamsFromConfig } from '../ml/gbdt/params.ts';
import { featureSetSource, mlStrategyDecide } from '../ml/strategy/backtest.ts';
import { classPayoffs } from '../ml/strategy/kelly.ts';
import { MLSignalStrategy, mlStrategyOptionsFromConfig } from '../ml/strategy/strategy.ts';
import { panelTarget } from '../ml/target.ts';
import type { ParamSpec } from '../ml/tuning/tpe.ts';
import { accuracy, multiclassLogLoss } from '../ml/validation/metrics.ts';
import { addMonths, lowerBoundDate, walkForwardWindows } from '../ml/validation/walk-forward.ts';
import type { Store } from '../store/open-store.ts';
import type { DatasetType, ModelInfo } from '../store/registry/types.ts';
import { type RunManifest, startManifest } from './manifest.ts';
import { defineFeatureColumns, pointInTimeTrainingSet, writeFeatureRows } from './training-dataset.ts';
import {
  classificationMetrics,
  classPriors,
  type FitSettings,
  type LabelledRows,
  tuneAndFit,
  type WindowResult,
  walkForwardEvaluate,
} from './training-evaluate.ts';
import { decidePromotion, registerTrainedModel } from './training-register.ts';

export { decidePromotion } from './training-register.ts';

export type TrainingStage =
  | 'features'
  | 'store'
  | 'training_set'
  | 'walk_forward'
  | 'final_fit'
  | 'calibration'
  | 'backtest'
  | 'register';

export interface TrainingPipelineOptions {
  readonly universe: Universe;
  readonly config: AlphalabConfig;
  readonly store: Store;
  /** Output folder for training_set.parquet, manifest.json, report.json (default: a temp folder, removed). */
  readonly outDir?: string;
  readonly runId?: string;
  readonly seed?: number;
  /** Decision dates sampled every this many bars (default: the prediction horizon, so labels do not overlap). */
  readonly sampleEvery?: number;
  /** First bars skipped so that long windows (200-day SMA, 52-week range) are filled (default min(252, T/4)). */
  readonly warmupBars?: number;
  /** Evaluate only the last k walk-forward windows (default: all). */
  readonly maxWindows?: number;
  /** Feature backfill availability lag in ms (default 15 minutes after the close). */
  readonly availabilityLagMs?: number;
  /** Execution delay d of the label (default config research.execution_delay). */
  readonly delay?: number;
  /** Calibration sample: earlier windows' stitched OOS predictions + tail (default), or the tail only. */
  readonly calibration?: 'stitched' | 'tail';
  /** Tuning search space (default seed 003's). */
  readonly searchSpace?: readonly ParamSpec[];
  /** Metric deciding promotion (default log_loss on test, lower is better). */
  readonly promote?: {
    readonly metric: string;
    readonly dataset: DatasetType;
    readonly higherIsBetter: boolean;
  };
  readonly logger?: Logger;
  readonly onProgress?: (stage: TrainingStage, done: number, total: number) => void;
}

export interface TrainingResult {
  readonly runId: string;
  readonly model: ModelInfo;
  readonly promoted: boolean;
  readonly promotionReason: string;
  readonly metrics: Readonly<Record<'train' | 'val' | 'test' | 'backtest', Readonly<Record<string, number>>>>;
  /**
   * Reliability tables: of the final calibrator on its own fitting sample (stitched out-of-sample
   * predictions + the final tail; in-sample for the calibrator) and of the walk-forward test predictions
   * (out of sample: each calibrated by a calibrator fitted before its window).
   */
  readonly reliability: {
    readonly calibrationSample: CalibrationReport;
    readonly outOfSample: CalibrationReport;
  };
  readonly windows: readonly WindowResult[];
  readonly fingerprint: string;
  readonly featureCount: number;
  readonly rows: number;
  readonly manifest: RunManifest;
}

export async function runTrainingPipeline(o: TrainingPipelineOptions): Promise<TrainingResult> {
  const { universe: u, config, store } = o;
  const ml = config.ml;
  const log = o.logger ?? silentLogger;
  const runId = o.runId ?? newRunId();
  const seed = o.seed ?? config.data.synthetic.seed;
  const h = ml.prediction_horizon;
  const d = o.delay ?? config.research.execution_delay;
  const sampleEvery = o.sampleEvery ?? h;
  const lagMs = o.availabilityLagMs ?? 15 * 60_000;
  const T = u.dates.length;
  const N = u.tickers.length;
  const warmup = o.warmupBars ?? Math.min(252, Math.floor(T / 4));
  const manifest = startManifest({ runId, command: 'train', config, universe: u, seeds: { seed } });
  const timings = manifest.timingsMs;
  const time = async <R>(stage: TrainingStage, fn: () => Promise<R> | R): Promise<R> => {
    const t0 = performance.now();
    const r = await fn();
    timings[stage] = performance.now() - t0;
    log.info({ stage, ms: Math.round(timings[stage]) }, 'training stage done');
    return r;
  };
  const tempDir = o.outDir ? undefined : mkdtempSync(join(tmpdir(), 'alphalab-train-'));
  const dir = o.outDir ?? tempDir!;
  await mkdir(dir, { recursive: true });
  try {
    // The target first: it is cheap and checks the thresholds before the features are computed.
    const close = requirePanel(u, 'close').values;
    // R is the return the classes are cut from (absolute or market-relative, ml.target); class payoffs and
    // the signal Sharpe use it too, so they measure what the model was asked to predict.
    const { labelReturn: R, label } = panelTarget(close, T, N, {
      horizon: h,
      delay: d,
      upThreshold: ml.up_threshold,
      downThreshold: ml.down_threshold,
      target: ml.target,
    });
    const fs: FeatureSet = await time('features', () => computeFeatures(u));
    const whitelist = freezeWhitelist(fs.names);

    const sampled: number[] = [];
    for (let t = warmup; t < T; t += sampleEvery) sampled.push(t);
    const rowDate: number[] = [];
    const rowTicker: number[] = [];
    for (const t of sampled)
      for (let i = 0; i < N; i++)
        if (!Number.isNaN(label[t * N + i]!)) {
          rowDate.push(t);
          rowTicker.push(i);
        }
    if (rowDate.length < ml.min_training_samples)
      throw new InvalidInputError(
        `only ${rowDate.length} labelled rows; ml.min_training_samples is ${ml.min_training_samples}`,
      );

    const code = manifest.gitSha ?? 'unknown';
    await time('store', async () => {
      await defineFeatureColumns(store.features, whitelist);
      const labelledDates = [...new Set(rowDate)];
      return writeFeatureRows(store.features, fs, whitelist, labelledDates, {
        producerVersion: code,
        runId,
        availabilityLagMs: lagMs,
      });
    });
    const ts = await time('training_set', () =>
      pointInTimeTrainingSet(store, fs, whitelist, Int32Array.from(rowDate), Int32Array.from(rowTicker), {
        dir,
        availabilityLagMs: lagMs,
        runId,
      }),
    );
    const data: LabelledRows = {
      X: ts.X,
      y: Int32Array.from(rowDate, (t, r) => label[t * N + rowTicker[r]!]!),
      forwardReturn: Float64Array.from(rowDate, (t, r) => R[t * N + rowTicker[r]!]!),
      rowDate: Int32Array.from(rowDate),
      rowTicker: Int32Array.from(rowTicker),
    };
    const lastLabelled = rowDate[rowDate.length - 1]!;
    const settings: FitSettings = {
      base: gbdtParamsFromConfig(config, seed),
      trials: ml.tuning_trials,
      ...(o.searchSpace ? { space: o.searchSpace } : {}),
      seed,
      horizon: h,
      delay: d,
      confidenceThreshold: ml.confidence_threshold,
      sampleEvery,
      calibration: o.calibration ?? 'stitched',
    };

    let windows = walkForwardWindows(u.dates.slice(0, lastLabelled + 1), {
      horizon: h,
      delay: d,
      trainMonths: ml.train_months,
      testMonths: ml.test_months,
      stepMonths: ml.step_months,
      start: u.dates[warmup]!,
    });
    if (o.maxWindows !== undefined) windows = windows.slice(Math.max(0, windows.length - o.maxWindows));
    const wf = await time('walk_forward', () =>
      walkForwardEvaluate(data, windows, settings, ml.min_training_samples, (a, b) =>
        o.onProgress?.('walk_forward', a, b),
      ),
    );
    const evaluated = wf.windows.filter((w) => w.metrics);
    if (evaluated.length === 0)
      throw new InvalidInputError(
        `no walk-forward window could be evaluated (${windows.length} windows; need ${ml.train_months}+${ml.test_months} months of labelled history and ${ml.min_training_samples} training rows)`,
      );

    // Final model: the last train_months of labelled dates, fitted by the same recipe with the newest window's
    // tuned parameters. Its calibrator is fitted on predictions it never trained on: the walk-forward models'
    // stitched out-of-sample predictions dated before its purged 20 % tail, then its own predictions of that
    // tail (the later hold-out of §9.7).
    const finalStart = Math.max(
      warmup,
      lowerBoundDate(u.dates, addMonths(u.dates[lastLabelled]!, -ml.train_months)),
    );
    const bestParams = wf.models[wf.models.length - 1]!.fitted.params;
    const final = await time('final_fit', () =>
      tuneAndFit(
        data,
        { start: finalStart, end: lastLabelled + 1 },
        { ...settings, base: bestParams, trials: 0 },
        'final',
        settings.calibration === 'tail' ? undefined : wf.stitched,
      ),
    );
    const holdRows = final.validationRows;
    const trainY = Int32Array.from(final.trainRows, (r) => data.y[r]!);
    const priors = classPriors(trainY);
    const oosY = Int32Array.from(wf.oosRows, (r) => data.y[r]!);
    const cal = await time('calibration', () => ({
      calibrator: final.calibrator,
      // In-sample for the calibrator: its fitting sample, raw vs calibrated.
      report: calibrationReport(
        final.calibration.rawP,
        final.calibration.P,
        Int32Array.from(final.calibration.rows, (r) => data.y[r]!),
        3,
        10,
      ),
      // Out of sample: the walk-forward test predictions, each calibrated by a calibrator fitted before it.
      oosReport: calibrationReport(wf.oosRawP, wf.oosP, oosY, 3, 10),
      Pcal: final.validationP,
    }));
    const payoffs = classPayoffs(
      Float64Array.from(final.trainRows, (r) => data.forwardReturn[r]!),
      trainY,
    );

    const backtest = await time('backtest', () => {
      const opts = mlStrategyOptionsFromConfig(config);
      const strategies = wf.models.map((m) => {
        const rows = m.fitted.trainRows;
        const pay = classPayoffs(
          Float64Array.from(rows, (r) => data.forwardReturn[r]!),
          Int32Array.from(rows, (r) => data.y[r]!),
        );
        return {
          range: m.window.outOfSample,
          strategy: new MLSignalStrategy(
            {
              model: m.fitted.model,
              calibrator: m.fitted.calibrator,
              whitelist,
              payoffs: pay,
              modelName: ml.model_name,
              modelVersion: 0,
            },
            opts,
          ),
        };
      });
      const decisions = sampled.filter(
        (t) => t <= T - 1 - d && strategies.some((s) => t >= s.range.start && t < s.range.end),
      );
      const source = featureSetSource(fs, whitelist.names);
      const deciders = strategies.map((s) => mlStrategyDecide(s.strategy, source));
      const returns =
        u.panels.get('return')?.values ??
        Float64Array.from(close, (c, k) => (k < N ? Number.NaN : c / close[k - N]! - 1));
      const sim = simulateWalkForward({
        universe: u,
        returns,
        decisionIndices: decisions,
        executionDelay: d,
        decide: (view, held, k) =>
          deciders[strategies.findIndex((s) => view.t >= s.range.start && view.t < s.range.end)]!(
            view,
            held,
            k,
          ),
      });
      return evaluate(sim);
    });

    const testMetrics = classificationMetrics(wf.oosP, wf.oosRows, data, wf.oosPrior, settings);
    const trainMetrics = classificationMetrics(
      final.model.predictProba(selectRows(data.X, final.trainRows)),
      final.trainRows,
      data,
      priors,
      settings,
    );
    const valMetrics = classificationMetrics(cal.Pcal, holdRows, data, priors, settings);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
    const metrics = {
      train: { ...trainMetrics },
      val: {
        ...valMetrics,
        tuning_log_loss: mean(evaluated.map((w) => w.validationLogLoss ?? Number.NaN)),
        calibrated_brier: cal.report.brierAfter,
        raw_brier: cal.report.brierBefore,
        calibration_rows: final.calibration.rows.length,
        calibration_dates: final.calibration.dates,
        calibration_earlier_rows: final.calibration.earlierRows,
      },
      test: {
        ...testMetrics,
        raw_log_loss: multiclassLogLoss(
          wf.oosRawP,
          Int32Array.from(wf.oosRows, (r) => data.y[r]!),
          3,
        ),
        raw_accuracy: accuracy(
          wf.oosRawP,
          Int32Array.from(wf.oosRows, (r) => data.y[r]!),
          3,
        ),
        calibrated_brier: cal.oosReport.brierAfter,
        raw_brier: cal.oosReport.brierBefore,
        // > 0 when the calibrated model beats the class prior of its training rows out of sample.
        log_loss_gain: testMetrics.prior_log_loss - testMetrics.log_loss,
        windows: evaluated.length,
      },
      backtest: {
        sharpe_ratio: backtest.net.sharpe,
        annual_return: backtest.net.annualReturn,
        annual_volatility: backtest.net.annualVolatility,
        max_drawdown: backtest.net.maxDrawdown,
        hit_rate: backtest.net.hitRate,
        annual_turnover: backtest.annualTurnover,
        rebalances: backtest.rebalances,
      },
    };

    const reliability = { calibrationSample: cal.report, outOfSample: cal.oosReport };
    const model = await time('register', async () => {
      return registerTrainedModel(store, {
        name: ml.model_name,
        description: `3-class GBDT (${ml.target} target) on ${whitelist.names.length} PIT features, horizon ${h}, delay ${d}`,
        params: {
          gbdt: bestParams as Record<string, number | string>,
          horizon: h,
          delay: d,
          target: ml.target,
          up_threshold: ml.up_threshold,
          down_threshold: ml.down_threshold,
          sample_every: sampleEvery,
          seed,
          run_id: runId,
          feature_whitelist_sha256: whitelist.sha256,
        },
        datasetStart: u.dates[rowDate[0]!]!,
        datasetEnd: u.dates[lastLabelled]!,
        fingerprint: ts.fingerprint,
        codeVersion: code,
        metrics,
        model: final.model,
        calibrator: cal.calibrator,
        whitelist,
        payoffs,
        horizon: h,
        reliability,
      });
    });

    const promoteBy = o.promote ?? {
      metric: 'log_loss',
      dataset: 'test' as DatasetType,
      higherIsBetter: false,
    };
    const decision = await decidePromotion(store, ml.model_name, model, promoteBy, ml.promote_margin);
    if (decision.promote)
      await store.registry.promote(ml.model_name, model.version, {
        by: 'alphalab train',
        reason: decision.reason,
      });
    manifest.finishedAt = new Date().toISOString();
    const result: TrainingResult = {
      runId,
      model,
      promoted: decision.promote,
      promotionReason: decision.reason,
      metrics,
      reliability,
      windows: wf.windows,
      fingerprint: ts.fingerprint,
      featureCount: whitelist.names.length,
      rows: data.y.length,
      manifest: {
        ...manifest,
        inputs: { ...manifest.inputs, trainingSet: ts.fingerprint, featureWhitelist: whitelist.sha256 },
      },
    };
    if (o.outDir) {
      const json = (x: unknown) =>
        `${JSON.stringify(x, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
      writeFileSync(join(dir, 'manifest.json'), json(result.manifest));
      writeFileSync(
        join(dir, 'report.json'),
        json({ ...result, manifest: undefined, featureTimingsMs: fs.timingsMs }),
      );
    }
    return result;
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}
