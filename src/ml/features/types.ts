/** Types shared by the five feature calculators of seed 003 and the feature set that joins them. */
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';

export const FEATURE_FAMILIES = [
  'technical',
  'fundamental',
  'cross_asset',
  'alternative',
  'temporal',
] as const;
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number];

/** The columns one calculator produced: `columns[j]` is feature `names[j]` as a date-major T × N panel. */
export interface FeatureBlock {
  readonly family: FeatureFamily;
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

export interface FeatureOptions {
  /**
   * Forward-fill cap for sparse facts (methods.md §10): a fact whose event date lies more than this many
   * weekdays before the bar is stale and gives NaN. Default 120 (quarterly filings).
   */
  readonly stalenessBars?: number;
  /** Window of the net insider-buying features, in calendar days (seed 003: 90). */
  readonly insiderWindowDays?: number;
}

export interface ResolvedFeatureOptions {
  readonly stalenessBars: number;
  readonly insiderWindowDays: number;
}

/**
 * A calculator is a pure function of the universe: feature (t, i) may read panel rows ≤ t, series values ≤ t
 * and events with available_time ≤ close(t) (architecture.md §4). `names(u)` is known before computing (the
 * frozen whitelist is built from it) and depends only on the universe's sectors.
 */
export interface FeatureCalculator {
  readonly family: FeatureFamily;
  names(u: Universe): string[];
  compute(u: Universe, ops: PanelOps, options: ResolvedFeatureOptions): FeatureBlock;
}
