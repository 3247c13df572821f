/**
 * Temporal features (seed 003 calculator 5), functions of the bar's date only (the same for every ticker):
 * ISO day of week (Monday = 1 … Sunday = 7), month (1–12), quarter (1–4), day of the year (1 = 1 January),
 * and a month-end flag that is 1 when the next weekday falls in another month. The flag reads the weekday
 * calendar, not the next date of the grid, so it never depends on data after t.
 */
import { addBusinessDays, dayOfWeek, epochDay } from '../../core/calendar.ts';
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';
import type { FeatureBlock, FeatureCalculator } from './types.ts';

export const TEMPORAL_FEATURES = ['day_of_week', 'month', 'quarter', 'day_of_year', 'is_month_end'] as const;

/** The five temporal values of an ISO date, in TEMPORAL_FEATURES order. */
export function temporalValues(date: string): [number, number, number, number, number] {
  const dow = dayOfWeek(date);
  const month = Number(date.slice(5, 7));
  const doy = epochDay(date) - epochDay(`${date.slice(0, 4)}-01-01`) + 1;
  const monthEnd = addBusinessDays(date, 1).slice(5, 7) !== date.slice(5, 7) ? 1 : 0;
  return [dow === 0 ? 7 : dow, month, Math.floor((month - 1) / 3) + 1, doy, monthEnd];
}

function computeTemporal(u: Universe, ops: PanelOps): FeatureBlock {
  const { T, N } = ops;
  const columns = TEMPORAL_FEATURES.map(() => ops.alloc());
  for (let t = 0; t < T; t++) {
    const v = temporalValues(u.dates[t]!);
    for (let f = 0; f < v.length; f++) columns[f]!.fill(v[f]!, t * N, t * N + N);
  }
  return { family: 'temporal', names: [...TEMPORAL_FEATURES], columns };
}

export const temporalCalculator: FeatureCalculator = {
  family: 'temporal',
  names: () => [...TEMPORAL_FEATURES],
  compute: (u, ops) => computeTemporal(u, ops),
};
