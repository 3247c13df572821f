/**
 * The calibration sample of a prefit model in a walk-forward (methods.md §9.4, §9.7; docs/decisions/060):
 * the stitched out-of-sample predictions of the earlier walk-forward models, followed by the model's own
 * purged hold-out. Every row carries exactly one prediction, made by a model that did not train on it, and
 * every row lies before the hold-out's end — which the caller places h + d dates before the test window
 * (`innerValidationSplit` of a purged training range), so every label of the sample is resolved before the
 * first test decision. Never k-fold on time series: folds would train on the future.
 *
 * Why pool: a 20 % tail of a 24-month window holds ~20 decision dates, and Platt intercepts fitted on so few
 * dates carry that tail's regime into the test window. The earlier windows' predictions come from models of
 * the same recipe, so their raw scores are on the same scale; the calibrator learns the recipe's
 * miscalibration (the class-balancing weights push raw probabilities towards 1/3) from many more dates.
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Predictions of a set of rows: row ids (ascending dates), their date indices, probabilities (n × K). */
export interface DatedPredictions {
  readonly rows: Int32Array;
  readonly dates: Int32Array;
  readonly P: Float64Array;
}

export interface StitchedCalibrationSample extends DatedPredictions {
  /** How many of the rows come from earlier models (the rest are the model's own hold-out). */
  readonly earlierRows: number;
  /** Distinct decision dates in the sample. */
  readonly distinctDates: number;
}

/**
 * Earlier models' predictions dated strictly before `ownStart` (the first date of the model's own hold-out;
 * later earlier-model predictions are replaced by the model's own, so no date appears twice), then `own`.
 * `earlier` must be in ascending date order (as a stitched walk-forward series is). K = P.length / rows.
 */
export function stitchedCalibrationSample(
  earlier: DatedPredictions,
  own: DatedPredictions,
  ownStart: number,
  K: number,
): StitchedCalibrationSample {
  for (const [name, p] of [
    ['earlier', earlier],
    ['own', own],
  ] as const) {
    if (p.dates.length !== p.rows.length || p.P.length !== p.rows.length * K)
      throw new InvalidInputError(
        `${name} predictions: ${p.rows.length} rows, ${p.dates.length} dates, ${p.P.length} probabilities for ${K} classes`,
      );
    for (let r = 1; r < p.dates.length; r++)
      if (p.dates[r]! < p.dates[r - 1]!)
        throw new InvalidInputError(`${name} predictions are not in date order`, { where: { row: r } });
  }
  for (let r = 0; r < own.dates.length; r++)
    if (own.dates[r]! < ownStart)
      throw new InvalidInputError(`own hold-out row dated ${own.dates[r]} before its start ${ownStart}`, {
        where: { row: r },
      });
  let m = 0;
  while (m < earlier.dates.length && earlier.dates[m]! < ownStart) m++;
  const n = m + own.rows.length;
  const rows = new Int32Array(n);
  const dates = new Int32Array(n);
  const P = new Float64Array(n * K);
  rows.set(earlier.rows.subarray(0, m));
  rows.set(own.rows, m);
  dates.set(earlier.dates.subarray(0, m));
  dates.set(own.dates, m);
  P.set(earlier.P.subarray(0, m * K));
  P.set(own.P, m * K);
  let distinctDates = 0;
  for (let r = 0; r < n; r++) if (r === 0 || dates[r] !== dates[r - 1]) distinctDates++;
  return { rows, dates, P, earlierRows: m, distinctDates };
}
