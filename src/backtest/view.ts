/**
 * Point-in-time by construction (style.md habit 6, architecture.md §4): the code that decides at date index t
 * receives a view of the data up to and including t — never the whole panel. Panels come back as views on
 * rows 0..t (no copy); events are filtered by availability at the close of t.
 */
import { closeTime } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import { type Panel, sliceDates } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';

export interface PointInTimeView {
  /** Decision date index and date. */
  readonly t: number;
  readonly date: string;
  readonly tickers: readonly string[];
  readonly sectorOf: Int32Array;
  readonly sectors: readonly string[];
  /** Rows 0..t of a daily field. */
  panel(field: string): Panel;
  hasPanel(field: string): boolean;
  /** Values 0..t of a benchmark series. */
  series(name: string): Float64Array | undefined;
  /** Indices of the events available at the close of t (available_time ≤ close(t)). */
  availableEvents(): Int32Array;
}

export function pointInTimeView(u: Universe, t: number): PointInTimeView {
  if (!(Number.isInteger(t) && t >= 0 && t < u.dates.length)) {
    throw new InvalidInputError(`decision index ${t} is outside 0..${u.dates.length - 1}`);
  }
  const cutoff = closeTime(u.dates[t]!);
  return {
    t,
    date: u.dates[t]!,
    tickers: u.tickers,
    sectorOf: u.sectorOf,
    sectors: u.sectors,
    panel(field) {
      const p = u.panels.get(field);
      if (!p) throw new InvalidInputError(`the universe has no '${field}' field`, { where: { field } });
      return sliceDates(p, 0, t + 1);
    },
    hasPanel: (field) => u.panels.has(field),
    series(name) {
      return u.series.get(name)?.subarray(0, t + 1);
    },
    availableEvents() {
      const idx: number[] = [];
      const at = u.events.availableTime;
      for (let k = 0; k < at.length; k++) if (at[k]! <= cutoff) idx.push(k);
      return Int32Array.from(idx);
    },
  };
}
