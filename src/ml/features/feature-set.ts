/**
 * The feature set: the five calculators of seed 003 run on one universe and joined on its date × ticker grid
 * (the "left join on the date index" of the seed is free here: every calculator writes the same grid).
 */
import { InvalidInputError } from '../../core/errors.ts';
import { requirePanel, type Universe } from '../../core/universe.ts';
import type { FeatureMatrix } from '../gbdt/matrix.ts';
import { alternativeCalculator } from './alternative.ts';
import { crossAssetCalculator } from './cross-asset.ts';
import { fundamentalCalculator } from './fundamental.ts';
import { PanelOps } from './panel-ops.ts';
import { technicalCalculator } from './technical.ts';
import { temporalCalculator } from './temporal.ts';
import {
  FEATURE_FAMILIES,
  type FeatureCalculator,
  type FeatureFamily,
  type FeatureOptions,
  type ResolvedFeatureOptions,
} from './types.ts';

export const FEATURE_CALCULATORS: Readonly<Record<FeatureFamily, FeatureCalculator>> = Object.freeze({
  technical: technicalCalculator,
  fundamental: fundamentalCalculator,
  cross_asset: crossAssetCalculator,
  alternative: alternativeCalculator,
  temporal: temporalCalculator,
});

export interface FeatureSet {
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  readonly names: readonly string[];
  /** Family of each feature, same order as `names`. */
  readonly families: readonly FeatureFamily[];
  /** `columns[j]` is feature j as a date-major T × N panel (NaN = missing). */
  readonly columns: readonly Float64Array[];
  /** Milliseconds spent in each calculator. */
  readonly timingsMs: Readonly<Partial<Record<FeatureFamily, number>>>;
}

export interface ComputeFeaturesOptions extends FeatureOptions {
  /** Families to compute, in this order (default: all five). */
  readonly families?: readonly FeatureFamily[];
}

export function resolveFeatureOptions(o: FeatureOptions = {}): ResolvedFeatureOptions {
  const stalenessBars = o.stalenessBars ?? 120;
  const insiderWindowDays = o.insiderWindowDays ?? 90;
  if (!(Number.isInteger(stalenessBars) && stalenessBars >= 0))
    throw new InvalidInputError(`stalenessBars must be an integer ≥ 0, got ${stalenessBars}`);
  if (!(insiderWindowDays > 0 && Number.isFinite(insiderWindowDays)))
    throw new InvalidInputError(`insiderWindowDays must be > 0, got ${insiderWindowDays}`);
  return { stalenessBars, insiderWindowDays };
}

function resolveFamilies(families: readonly FeatureFamily[] | undefined): readonly FeatureFamily[] {
  const list = families ?? FEATURE_FAMILIES;
  for (const f of list) {
    if (!(FEATURE_FAMILIES as readonly string[]).includes(f))
      throw new InvalidInputError(`unknown feature family '${f}' (known: ${FEATURE_FAMILIES.join(', ')})`);
  }
  return list;
}

/** The ordered feature names `computeFeatures(u, options)` will produce, without computing anything. */
export function featureNames(u: Universe, families?: readonly FeatureFamily[]): string[] {
  return resolveFamilies(families).flatMap((f) => FEATURE_CALCULATORS[f].names(u));
}

/**
 * Every feature of the chosen families on the universe's grid. Needs a `close` panel; other inputs missing
 * from the universe give NaN columns so the schema (and the whitelist) never depends on what was loaded.
 */
export function computeFeatures(u: Universe, options: ComputeFeaturesOptions = {}): FeatureSet {
  requirePanel(u, 'close');
  const resolved = resolveFeatureOptions(options);
  const families = resolveFamilies(options.families);
  const ops = new PanelOps(u.dates.length, u.tickers.length);
  const names: string[] = [];
  const fam: FeatureFamily[] = [];
  const columns: Float64Array[] = [];
  const timingsMs: Partial<Record<FeatureFamily, number>> = {};
  for (const f of families) {
    const t0 = performance.now();
    const block = FEATURE_CALCULATORS[f].compute(u, ops, resolved);
    timingsMs[f] = performance.now() - t0;
    block.names.forEach((n, j) => {
      names.push(n);
      fam.push(f);
      columns.push(block.columns[j]!);
    });
  }
  return { dates: u.dates, tickers: u.tickers, names, families: fam, columns, timingsMs };
}

/**
 * Rows (date index, ticker index) of a feature set as a row-major FeatureMatrix with the given column order
 * (default: the set's own). Unknown column names are an InvalidInputError.
 */
export function featureMatrixAt(
  fs: FeatureSet,
  dateIndex: ArrayLike<number>,
  tickerIndex: ArrayLike<number>,
  columns: readonly string[] = fs.names,
): FeatureMatrix {
  const pos = new Map(fs.names.map((n, j) => [n, j] as const));
  const src = columns.map((c) => {
    const j = pos.get(c);
    if (j === undefined)
      throw new InvalidInputError(`the feature set has no column '${c}'`, { where: { column: c } });
    return fs.columns[j]!;
  });
  const n = dateIndex.length;
  const p = columns.length;
  const N = fs.tickers.length;
  const values = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    const cell = dateIndex[r]! * N + tickerIndex[r]!;
    for (let j = 0; j < p; j++) values[r * p + j] = src[j]![cell]!;
  }
  return { rows: n, cols: p, values, names: columns };
}
