/**
 * Walk-forward windows on trading dates, methods.md §9.4 (seed 003: train 24 months, test 6, step 3).
 *
 * Window k: train [S + k·step, S + k·step + train), test [train end, train end + test), half-open calendar
 * intervals (months added with the day clamped to the month's end), applied to the sorted trading dates.
 * A window whose test end lies beyond the day after the last date is dropped (or kept and flagged
 * `partial`). Purge: the last h + d training dates are removed, because their labels reach into the test
 * period. Stitched out-of-sample: each window contributes its first `step` months of test dates and the
 * last window its whole test period, so every date gets exactly one prediction. Tuning uses an inner,
 * time-ordered validation tail of the purged training dates, itself purged from the part it is fitted on.
 */
import { epochDay, isIsoDate, isoFromEpochDay } from '../../core/calendar.ts';
import { InvalidInputError } from '../../core/errors.ts';

export interface WalkForwardOptions {
  readonly trainMonths?: number;
  readonly testMonths?: number;
  readonly stepMonths?: number;
  /** Label horizon h and execution delay d: the purge removes h + d training dates. */
  readonly horizon: number;
  readonly delay?: number;
  /** Anchor S (ISO date); default the first date. */
  readonly start?: string;
  /** Keep a last window whose test period runs past the data, flagged partial (default false: drop it). */
  readonly keepPartial?: boolean;
}

/** Half-open index ranges [start, end) into the dates array. */
export interface IndexRange {
  readonly start: number;
  readonly end: number;
}

export interface WalkForwardWindow {
  readonly index: number;
  /** Calendar bounds (ISO dates), half-open. */
  readonly trainStart: string;
  readonly trainEnd: string;
  readonly testStart: string;
  readonly testEnd: string;
  /** Training dates before the purge. */
  readonly train: IndexRange;
  /** Training dates after dropping the last h + d. */
  readonly trainPurged: IndexRange;
  readonly test: IndexRange;
  /** The part of `test` that goes into the stitched out-of-sample series. */
  readonly outOfSample: IndexRange;
  readonly partial: boolean;
}

/** `date` plus `months` calendar months, the day clamped to the target month's length (pandas DateOffset). */
export function addMonths(date: string, months: number): string {
  if (!isIsoDate(date)) throw new InvalidInputError(`'${date}' is not a date of the form yyyy-mm-dd`);
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(ty, tm, Math.min(d, last))).toISOString().slice(0, 10);
}

/** First index with dates[i] ≥ date (binary search on sorted ISO strings). */
export function lowerBoundDate(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function positiveInt(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1))
    throw new InvalidInputError(`${name} must be an integer ≥ 1, got ${v}`);
  return v;
}

/**
 * The walk-forward windows over sorted, distinct trading dates. R9.5: dates spanning 2019-01-01 … 2022-12-31
 * give 7 windows, test starts 2021-01-01, 2021-04-01, …, 2022-07-01, the last test ending 2023-01-01.
 */
export function walkForwardWindows(
  dates: readonly string[],
  options: WalkForwardOptions,
): WalkForwardWindow[] {
  const train = positiveInt('trainMonths', options.trainMonths ?? 24);
  const test = positiveInt('testMonths', options.testMonths ?? 6);
  const step = positiveInt('stepMonths', options.stepMonths ?? 3);
  const purge = purgeLength(options.horizon, options.delay ?? 0);
  for (let t = 0; t < dates.length; t++) {
    if (!isIsoDate(dates[t]!))
      throw new InvalidInputError(`'${dates[t]}' is not a date of the form yyyy-mm-dd`, {
        where: { row: t },
      });
    if (t > 0 && !(dates[t - 1]! < dates[t]!)) {
      throw new InvalidInputError(`dates must be strictly increasing: ${dates[t - 1]} then ${dates[t]}`, {
        where: { row: t, date: dates[t]! },
      });
    }
  }
  if (dates.length === 0) return [];
  const S = options.start ?? dates[0]!;
  const dataEndExclusive = isoFromEpochDay(epochDay(dates[dates.length - 1]!) + 1);
  const out: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const trainStart = addMonths(S, k * step);
    const trainEnd = addMonths(S, k * step + train);
    const testStart = trainEnd;
    const testEnd = addMonths(S, k * step + train + test);
    if (testStart >= dataEndExclusive) break;
    const partial = testEnd > dataEndExclusive;
    if (partial && !options.keepPartial) break;
    const a = lowerBoundDate(dates, trainStart);
    const b = lowerBoundDate(dates, trainEnd);
    const e = lowerBoundDate(dates, testEnd);
    out.push({
      index: k,
      trainStart,
      trainEnd,
      testStart,
      testEnd,
      train: { start: a, end: b },
      trainPurged: { start: a, end: Math.max(a, b - purge) },
      test: { start: b, end: e },
      outOfSample: { start: b, end: lowerBoundDate(dates, addMonths(S, k * step + train + step)) },
      partial,
    });
    if (partial) break;
  }
  // The last window contributes its whole test period to the stitched series.
  const last = out[out.length - 1];
  if (last) out[out.length - 1] = { ...last, outOfSample: last.test };
  return out;
}

export function purgeLength(horizon: number, delay: number): number {
  if (!(Number.isInteger(horizon) && horizon >= 1))
    throw new InvalidInputError(`horizon must be an integer ≥ 1, got ${horizon}`);
  if (!(Number.isInteger(delay) && delay >= 0))
    throw new InvalidInputError(`delay must be an integer ≥ 0, got ${delay}`);
  return horizon + delay;
}

export interface InnerSplit {
  /** Dates the tuning models are fitted on: [train start, validation start − (h + d)). */
  readonly fit: IndexRange;
  /** The validation tail. */
  readonly validation: IndexRange;
}

/**
 * The inner, time-ordered validation tail of a (purged) training range: the last ⌈fraction·n⌉ dates (at
 * least one) validate, and the h + d dates before them are purged from the fit part. Also the later,
 * purged hold-out on which a prefit model is calibrated (methods.md §9.7).
 */
export function innerValidationSplit(
  train: IndexRange,
  options: { fraction?: number; horizon: number; delay?: number },
): InnerSplit {
  const fraction = options.fraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1))
    throw new InvalidInputError(`validation fraction must be in (0, 1), got ${fraction}`);
  const purge = purgeLength(options.horizon, options.delay ?? 0);
  const n = train.end - train.start;
  const nVal = Math.min(n, Math.max(1, Math.ceil(fraction * n)));
  const valStart = train.end - nVal;
  return {
    fit: { start: train.start, end: Math.max(train.start, valStart - purge) },
    validation: { start: valStart, end: train.end },
  };
}

/**
 * Row indices of a sample set whose rows carry a date index (e.g. a stacked (date, ticker) dataset):
 * the rows with rowDate ∈ [range.start, range.end).
 */
export function rowsInDateRange(rowDate: Int32Array, range: IndexRange): Int32Array {
  let c = 0;
  for (let i = 0; i < rowDate.length; i++) if (rowDate[i]! >= range.start && rowDate[i]! < range.end) c++;
  const out = new Int32Array(c);
  c = 0;
  for (let i = 0; i < rowDate.length; i++)
    if (rowDate[i]! >= range.start && rowDate[i]! < range.end) out[c++] = i;
  return out;
}
