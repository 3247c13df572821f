/**
 * Walk-forward evaluation of the training pipeline (methods.md §9.4–§9.7): per window, TPE tuning on an inner
 * purged validation tail, a fit on the rest, Platt calibration on the earlier windows' stitched out-of-sample
 * predictions plus the tail, calibrated predictions on the test window, and accuracy, log loss (beside the
 * class-prior log loss) and the Sharpe of signal-based returns. The stitched out-of-sample series takes each
 * window's first `step` months (the last window's whole test period).
 */
import { InvalidInputError } from '../core/errors.ts';
import { deriveSeed } from '../core/rng.ts';
import {
  applyOneVsRestPlatt,
  fitOneVsRestPlatt,
  type OneVsRestCalibrator,
} from '../ml/calibration/multiclass.ts';
import { type DatedPredictions, stitchedCalibrationSample } from '../ml/calibration/stitched.ts';
import { type FeatureMatrix, selectRows } from '../ml/gbdt/matrix.ts';
import type { GbdtModel } from '../ml/gbdt/model.ts';
import type { GbdtParams } from '../ml/gbdt/params.ts';
import { trainGbdt } from '../ml/gbdt/train.ts';
import { classBalanceWeights } from '../ml/target.ts';
import { tuneGbdt } from '../ml/tuning/gbdt-search.ts';
import type { ParamSpec } from '../ml/tuning/tpe.ts';
import { multiclassLogLoss } from '../ml/validation/metrics.ts';
import {
  type IndexRange,
  innerValidationSplit,
  rowsInDateRange,
  type WalkForwardWindow,
} from '../ml/validation/walk-forward.ts';
import { type ClassificationMetrics, classificationMetrics, classPriors } from './training-metrics.ts';

export interface LabelledRows {
  readonly X: FeatureMatrix;
  /** Class 0/1/2 per row. */
  readonly y: Int32Array;
  /** Forward return R per row (the label's return). */
  readonly forwardReturn: Float64Array;
  /** Universe date index per row (ascending). */
  readonly rowDate: Int32Array;
  readonly rowTicker: Int32Array;
}

export {
  type ClassificationMetrics,
  classificationMetrics,
  classPriors,
  scoreRankIC,
  signalSharpe,
} from './training-metrics.ts';

export interface FitSettings {
  readonly base: Partial<GbdtParams>;
  readonly trials: number;
  readonly space?: readonly ParamSpec[];
  readonly seed: number;
  readonly horizon: number;
  readonly delay: number;
  readonly confidenceThreshold: number;
  /** Spacing of the sampled decision dates in bars (annualises the signal Sharpe by √(252/Δ)). */
  readonly sampleEvery: number;
  /**
   * Calibration sample (docs/decisions/060): `stitched` (default) — earlier windows' stitched out-of-sample
   * predictions plus the model's own purged tail; `tail` — the tail only (the earlier recipe, kept to measure
   * the difference).
   */
  readonly calibration?: 'stitched' | 'tail';
}

/** A safe-integer seed derived from the run seed and labels (core/rng deriveSeed, low 52 bits). */
export function seedOf(seed: number, ...labels: string[]): number {
  return Number(BigInt.asUintN(52, deriveSeed(seed, ...labels)));
}

export interface FittedModel {
  readonly model: GbdtModel;
  /**
   * One-vs-rest Platt calibrator (§9.7) of the prefit model, fitted on the stitched out-of-sample predictions
   * of the earlier walk-forward models followed by this model's own purged validation tail
   * (ml/calibration/stitched.ts) — every calibration row predicted by a model that did not train on it.
   */
  readonly calibrator: OneVsRestCalibrator;
  readonly params: Partial<GbdtParams>;
  /** Best inner-validation log loss of the tuning (NaN without tuning). */
  readonly validationLogLoss: number;
  /** Rows the model was fitted on (the window minus its purged validation tail). */
  readonly trainRows: Int32Array;
  /** Rows of the validation tail (tuning objective, and the model's own part of the calibration sample). */
  readonly validationRows: Int32Array;
  /** Calibrated probabilities of the validation rows. */
  readonly validationP: Float64Array;
  /** Raw probabilities of the validation rows. */
  readonly validationRawP: Float64Array;
  /** The calibration sample: rows, raw and calibrated probabilities, and how much came from earlier models. */
  readonly calibration: {
    readonly rows: Int32Array;
    readonly rawP: Float64Array;
    readonly P: Float64Array;
    readonly earlierRows: number;
    readonly dates: number;
  };
  /** Wall time of the recipe's steps (ms): tuning (all trials), the fit, calibration. */
  readonly timingsMs: { readonly tune: number; readonly fit: number; readonly calibrate: number };
}

/** Stitched out-of-sample raw predictions of earlier walk-forward models, in date order (see stitched.ts). */
export type EarlierPredictions = DatedPredictions;

const NO_EARLIER: EarlierPredictions = {
  rows: new Int32Array(0),
  dates: new Int32Array(0),
  P: new Float64Array(0),
};

/**
 * The production recipe on one training range (methods.md §9.4, §9.6, §9.7): split off the last 20 % of the
 * dates as a validation tail, purge h + d dates before it, tune with TPE (objective: class-weighted validation
 * log loss) unless `trials` is 0, fit the class-weighted booster on the purged fit part, and calibrate the
 * prefit model on the earlier models' stitched out-of-sample predictions dated before the tail plus its own
 * tail predictions. The range is itself purged before the test window, so every calibration label is known
 * before the first test decision. Walk-forward windows and the final model use the same recipe, so the
 * out-of-sample metrics describe what is deployed.
 */
export async function tuneAndFit(
  data: LabelledRows,
  train: IndexRange,
  s: FitSettings,
  label: string,
  earlier: EarlierPredictions = NO_EARLIER,
): Promise<FittedModel> {
  const inner = innerValidationSplit(train, { fraction: 0.2, horizon: s.horizon, delay: s.delay });
  const fitRows = rowsInDateRange(data.rowDate, inner.fit);
  const valRows = rowsInDateRange(data.rowDate, inner.validation);
  if (fitRows.length === 0 || valRows.length === 0)
    throw new InvalidInputError(
      `training range ${label} has ${fitRows.length} fit and ${valRows.length} validation rows`,
    );
  const part = (rows: Int32Array) => {
    const y = Int32Array.from(rows, (r) => data.y[r]!);
    return { X: selectRows(data.X, rows), y, weights: classBalanceWeights(y).weights };
  };
  const fit = part(fitRows);
  const val = part(valRows);
  let params: Partial<GbdtParams> = { ...s.base, seed: seedOf(s.seed, 'gbdt', label) };
  let validationLogLoss = Number.NaN;
  let tunedModel: GbdtModel | undefined;
  const t0 = performance.now();
  if (s.trials > 0) {
    const tuned = await tuneGbdt(fit, val, {
      trials: s.trials,
      seed: seedOf(s.seed, 'tpe', label),
      base: params,
      ...(s.space ? { space: s.space } : {}),
    });
    params = tuned.bestParams;
    validationLogLoss = tuned.best.value;
    tunedModel = tuned.bestModel;
  }
  const t1 = performance.now();
  // The best trial already fitted exactly this model (same rows, weights, parameters and seed).
  const model =
    tunedModel ??
    trainGbdt(fit.X, fit.y, {
      params: { ...params, earlyStoppingRounds: 0 },
      weights: fit.weights,
    });
  const t2 = performance.now();
  const validationRawP = model.predictProba(val.X);
  const sample = stitchedCalibrationSample(
    earlier,
    { rows: valRows, dates: Int32Array.from(valRows, (r) => data.rowDate[r]!), P: validationRawP },
    inner.validation.start,
    3,
  );
  const calibrator = fitOneVsRestPlatt(
    sample.P,
    Int32Array.from(sample.rows, (r) => data.y[r]!),
    3,
  );
  const calibratedSample = applyOneVsRestPlatt(calibrator, sample.P);
  const t3 = performance.now();
  return {
    model,
    calibrator,
    params,
    validationLogLoss,
    trainRows: fitRows,
    validationRows: valRows,
    validationP: calibratedSample.slice(sample.earlierRows * 3),
    validationRawP,
    calibration: {
      rows: sample.rows,
      rawP: sample.P,
      P: calibratedSample,
      earlierRows: sample.earlierRows,
      dates: sample.distinctDates,
    },
    timingsMs: { tune: t1 - t0, fit: t2 - t1, calibrate: t3 - t2 },
  };
}

export interface WindowResult {
  readonly index: number;
  readonly trainStart: string;
  readonly testStart: string;
  readonly testEnd: string;
  readonly trainRows: number;
  readonly skipped?: string;
  readonly metrics?: ClassificationMetrics;
  readonly validationLogLoss?: number;
  readonly params?: Partial<GbdtParams>;
  /** Log loss of the uncalibrated probabilities on the test window. */
  readonly rawLogLoss?: number;
  /** Calibration sample: rows, distinct dates, and rows that came from earlier windows' predictions. */
  readonly calibration?: { readonly rows: number; readonly dates: number; readonly earlierRows: number };
  /** Wall time (ms) of tuning, the fit, calibration, and predicting the test window. */
  readonly timingsMs?: {
    readonly tune: number;
    readonly fit: number;
    readonly calibrate: number;
    readonly predict: number;
  };
}

export interface WalkForwardOutcome {
  readonly windows: WindowResult[];
  /** Stitched out-of-sample rows and their probabilities (row r of `rows` ↔ P[3r…3r+2]). */
  readonly oosRows: Int32Array;
  readonly oosP: Float64Array;
  /** Uncalibrated probabilities of the same rows. */
  readonly oosRawP: Float64Array;
  /** Class priors of the training rows of each out-of-sample row's window (rows × 3). */
  readonly oosPrior: Float64Array;
  /** The stitched raw predictions as a dated series (the calibration pool of later models). */
  readonly stitched: EarlierPredictions;
  /** The model of each evaluated window and its out-of-sample date range (for the backtest). */
  readonly models: { readonly window: WalkForwardWindow; readonly fitted: FittedModel }[];
}

/** Runs every window; windows with fewer than `minSamples` training rows are reported as skipped. */
export async function walkForwardEvaluate(
  data: LabelledRows,
  windows: readonly WalkForwardWindow[],
  s: FitSettings,
  minSamples: number,
  onWindow?: (done: number, total: number) => void,
): Promise<WalkForwardOutcome> {
  const results: WindowResult[] = [];
  const oosRows: number[] = [];
  const oosP: number[] = [];
  const oosPrior: number[] = [];
  const oosRawP: number[] = [];
  const models: WalkForwardOutcome['models'] = [];
  let done = 0;
  for (const w of windows) {
    const trainRows = rowsInDateRange(data.rowDate, w.trainPurged);
    const head = {
      index: w.index,
      trainStart: w.trainStart,
      testStart: w.testStart,
      testEnd: w.testEnd,
      trainRows: trainRows.length,
    };
    const testRows = rowsInDateRange(data.rowDate, w.test);
    if (trainRows.length < minSamples || testRows.length === 0) {
      results.push({
        ...head,
        skipped: trainRows.length < minSamples ? `fewer than ${minSamples} training rows` : 'no test rows',
      });
    } else {
      // Calibrated on the stitched predictions of the windows before this one (all dated before its test).
      const fitted = await tuneAndFit(
        data,
        w.trainPurged,
        s,
        `window-${w.index}`,
        s.calibration === 'tail' ? NO_EARLIER : stitchedSoFar(oosRows, oosRawP, data.rowDate),
      );
      const tp = performance.now();
      const raw = fitted.model.predictProba(selectRows(data.X, testRows));
      const P = applyOneVsRestPlatt(fitted.calibrator, raw);
      const predictMs = performance.now() - tp;
      const priors = classPriors(Int32Array.from(fitted.trainRows, (r) => data.y[r]!));
      results.push({
        ...head,
        metrics: classificationMetrics(P, testRows, data, priors, s),
        rawLogLoss: multiclassLogLoss(
          raw,
          Int32Array.from(testRows, (r) => data.y[r]!),
          3,
        ),
        validationLogLoss: fitted.validationLogLoss,
        params: fitted.params,
        calibration: {
          rows: fitted.calibration.rows.length,
          dates: fitted.calibration.dates,
          earlierRows: fitted.calibration.earlierRows,
        },
        timingsMs: { ...fitted.timingsMs, predict: predictMs },
      });
      const oos = w.outOfSample;
      testRows.forEach((r, k) => {
        if (data.rowDate[r]! < oos.start || data.rowDate[r]! >= oos.end) return;
        oosRows.push(r);
        oosP.push(P[3 * k]!, P[3 * k + 1]!, P[3 * k + 2]!);
        oosRawP.push(raw[3 * k]!, raw[3 * k + 1]!, raw[3 * k + 2]!);
        oosPrior.push(priors[0]!, priors[1]!, priors[2]!);
      });
      models.push({ window: w, fitted });
    }
    onWindow?.(++done, windows.length);
  }
  return {
    windows: results,
    oosRows: Int32Array.from(oosRows),
    oosP: Float64Array.from(oosP),
    oosPrior: Float64Array.from(oosPrior),
    oosRawP: Float64Array.from(oosRawP),
    stitched: stitchedSoFar(oosRows, oosRawP, data.rowDate),
    models,
  };
}

function stitchedSoFar(rows: number[], rawP: number[], rowDate: Int32Array): EarlierPredictions {
  return {
    rows: Int32Array.from(rows),
    dates: Int32Array.from(rows, (r) => rowDate[r]!),
    P: Float64Array.from(rawP),
  };
}
