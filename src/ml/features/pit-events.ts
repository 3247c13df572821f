/**
 * Point-in-time views of sparse events on the daily grid (methods.md §10). At bar t the decision time is
 * τ_t = close(t); a fact is visible iff available_time ≤ τ_t. Among visible facts the value of an event time
 * is the one with the largest available time (restatements win), and the history is ordered by event time.
 * Forward fill is capped: a fact whose event date is more than `stalenessBars` weekdays before t is stale.
 * Nothing is ever back-filled.
 */
import { closeTime, epochDay } from '../../core/calendar.ts';
import type { Universe } from '../../core/universe.ts';

const MS_PER_DAY = 86_400_000;
/** Weekdays among the first r days of a week that starts on a Thursday (epoch day 0). */
const WEEKDAY_PREFIX = [0, 1, 2, 2, 2, 3, 4, 5];

/** Number of weekdays in epoch days [0, d) (negative d counts backwards). */
function weekdaysBefore(d: number): number {
  const w = Math.floor(d / 7);
  return 5 * w + WEEKDAY_PREFIX[d - 7 * w]!;
}

/** Weekdays in the epoch-day interval (a, b]. */
export function weekdaysBetween(a: number, b: number): number {
  return weekdaysBefore(b + 1) - weekdaysBefore(a + 1);
}

/** Visible history of one (ticker, field) at one bar, oldest event first; only `n` entries are valid. */
export interface VisibleHistory {
  n: number;
  readonly eventTime: Float64Array;
  readonly value: Float64Array;
}

const eventIndexCache = new WeakMap<object, { readonly N: number; readonly byField: Int32Array[][] }>();

/**
 * Per ticker, the event indices of `field` ordered by (available time, event time); null if the universe has
 * no such field. All fields are grouped in one pass over the events and cached per events object.
 */
export function eventsByTicker(u: Universe, field: string): Int32Array[] | null {
  const f = u.events.fields.indexOf(field);
  if (f < 0) return null;
  const e = u.events;
  const N = u.tickers.length;
  const cached = eventIndexCache.get(e);
  if (cached && cached.N === N) return cached.byField[f]!;
  const F = e.fields.length;
  const counts = new Int32Array(F * N);
  const ok = (k: number) => e.field[k]! >= 0 && e.field[k]! < F && e.ticker[k]! >= 0 && e.ticker[k]! < N;
  for (let k = 0; k < e.value.length; k++) if (ok(k)) counts[e.field[k]! * N + e.ticker[k]!]!++;
  const lists = Array.from(counts, (c) => new Int32Array(c));
  const fillAt = new Int32Array(F * N);
  for (let k = 0; k < e.value.length; k++) {
    if (!ok(k)) continue;
    const g = e.field[k]! * N + e.ticker[k]!;
    lists[g]![fillAt[g]!++] = k;
  }
  const at = e.availableTime;
  const et = e.eventTime;
  for (const l of lists) l.sort((a, b) => at[a]! - at[b]! || et[a]! - et[b]! || a - b);
  const byField = Array.from({ length: F }, (_, g) => lists.slice(g * N, g * N + N));
  eventIndexCache.set(e, { N, byField });
  return byField[f]!;
}

/** close(t) for every date of the grid, epoch ms. */
export function closeTimes(u: Universe): Float64Array {
  return Float64Array.from(u.dates, (d) => closeTime(d));
}

/** First index with a[idx] > x (a ascending), or a.length. */
function firstAbove(a: Float64Array | Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fills `out` (T × N, date-major) with `reduce(history)` of the facts of `field` visible at each close: the
 * `keep` newest event times (oldest first; a restatement replaces the value of its event time). The history
 * only changes on the bars where a fact becomes visible, so `reduce` runs once per change, and the value is
 * written until the next change or until the newest fact is stale (its event date more than `stalenessBars`
 * weekdays before the bar), whichever is first. NaN where nothing is visible. Returns false (and leaves
 * `out` untouched) when the universe has no such field.
 */
export function fillFromVisibleHistory(
  u: Universe,
  field: string,
  keep: number,
  stalenessBars: number,
  reduce: (h: VisibleHistory) => number,
  out: Float64Array,
): boolean {
  const lists = eventsByTicker(u, field);
  if (!lists) return false;
  const e = u.events;
  const T = u.dates.length;
  const N = u.tickers.length;
  const cut = closeTimes(u);
  // Cumulative weekday count at each bar: the age of a fact in weekdays is a difference of two counts.
  const wc = Int32Array.from(u.dates, (d) => weekdaysBefore(epochDay(d) + 1));
  const h: VisibleHistory = { n: 0, eventTime: new Float64Array(keep), value: new Float64Array(keep) };
  const insert = (et: number, v: number) => {
    const bufT = h.eventTime;
    const bufV = h.value;
    let p = h.n;
    while (p > 0 && bufT[p - 1]! > et) p--;
    if (p > 0 && bufT[p - 1] === et) {
      bufV[p - 1] = v; // restatement of the same event time, later availability
      return;
    }
    if (h.n === keep) {
      if (p === 0) return; // older than everything kept
      bufT.copyWithin(0, 1, p);
      bufV.copyWithin(0, 1, p);
      p--;
    } else {
      bufT.copyWithin(p + 1, p, h.n);
      bufV.copyWithin(p + 1, p, h.n);
      h.n++;
    }
    bufT[p] = et;
    bufV[p] = v;
  };
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i]!;
    h.n = 0;
    let k = 0;
    // First bar at which each fact is visible: the first close ≥ available_time.
    const firstBar = (j: number) => firstAtOrAfterTime(cut, e.availableTime[list[j]!]!);
    while (k < list.length) {
      const a = firstBar(k);
      if (a >= T) break;
      while (k < list.length && firstBar(k) === a) {
        insert(e.eventTime[list[k]!]!, e.value[list[k]!]!);
        k++;
      }
      const next = k < list.length ? Math.min(T, firstBar(k)) : T;
      const newestDay = Math.floor(h.eventTime[h.n - 1]! / MS_PER_DAY);
      const staleFrom = firstAbove(wc, stalenessBars + weekdaysBefore(newestDay + 1));
      const end = Math.min(next, staleFrom);
      if (end <= a) continue;
      const v = reduce(h);
      for (let t = a; t < end; t++) out[t * N + i] = v;
    }
  }
  return true;
}

/** First index with cut[idx] ≥ x (cut ascending), or cut.length. */
export function firstAtOrAfterTime(cut: Float64Array, x: number): number {
  let lo = 0;
  let hi = cut.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cut[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The latest visible, non-stale value of `field` as a T × N panel (NaN where none; all NaN if absent). */
export function latestVisiblePanel(u: Universe, field: string, stalenessBars: number): Float64Array {
  const out = new Float64Array(u.dates.length * u.tickers.length).fill(Number.NaN);
  fillFromVisibleHistory(u, field, 1, stalenessBars, (h) => h.value[h.n - 1]!, out);
  return out;
}

/**
 * Trailing-twelve-month sum of a quarterly flow: the four newest visible quarters, provided their event times
 * span at most 330 days (four consecutive quarters); otherwise NaN rather than a sum over a gap.
 */
export function trailingFourQuarterSumPanel(u: Universe, field: string, stalenessBars: number): Float64Array {
  const out = new Float64Array(u.dates.length * u.tickers.length).fill(Number.NaN);
  fillFromVisibleHistory(
    u,
    field,
    4,
    stalenessBars,
    (h) =>
      h.n === 4 && h.eventTime[3]! - h.eventTime[0]! <= 330 * MS_PER_DAY
        ? h.value[0]! + h.value[1]! + h.value[2]! + h.value[3]!
        : Number.NaN,
    out,
  );
  return out;
}

/**
 * Latest visible value and the value `lag` event times earlier (lag 4 = the same quarter a year before,
 * lag 1 = the previous publication), the earlier one NaN unless visible and at most `maxSpanDays` older.
 */
export function latestAndLaggedPanels(
  u: Universe,
  field: string,
  lag: number,
  stalenessBars: number,
  maxSpanDays: number,
): { latest: Float64Array; lagged: Float64Array } {
  const size = u.dates.length * u.tickers.length;
  const latest = new Float64Array(size).fill(Number.NaN);
  const lagged = new Float64Array(size).fill(Number.NaN);
  fillFromVisibleHistory(u, field, lag + 1, stalenessBars, (h) => h.value[h.n - 1]!, latest);
  fillFromVisibleHistory(
    u,
    field,
    lag + 1,
    stalenessBars,
    (h) =>
      h.n === lag + 1 && h.eventTime[lag]! - h.eventTime[0]! <= maxSpanDays * MS_PER_DAY
        ? h.value[0]!
        : Number.NaN,
    lagged,
  );
  return { latest, lagged };
}
