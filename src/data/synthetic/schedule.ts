/**
 * Calendar arithmetic on epoch-day numbers (days since 1970-01-01, UTC) for the event schedules: month
 * ends, weekday moves, business-day offsets and instants in epoch ms. Kept numeric because the generator
 * schedules about a million events and string dates would dominate its time.
 */
import { CLOSE_HOUR_UTC } from '../../core/calendar.ts';

export const MS_PER_DAY = 86_400_000;
export const MS_PER_HOUR = 3_600_000;

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Month number year·12 + (month − 1) of an epoch day. */
export function monthOf(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Epoch day of the first calendar day of month number `m`. */
export function monthFirstDay(m: number): number {
  return Date.UTC(Math.floor(m / 12), m % 12, 1) / MS_PER_DAY;
}

/** Epoch day of the last calendar day of month number `m`. */
export function monthLastDay(m: number): number {
  return monthFirstDay(m + 1) - 1;
}

/** The day itself if a weekday, else the Friday before. */
export function weekdayOnOrBefore(day: number): number {
  const w = weekdayOf(day);
  return w === 6 ? day - 1 : w === 0 ? day - 2 : day;
}

/** The day itself if a weekday, else the Monday after. */
export function weekdayOnOrAfter(day: number): number {
  const w = weekdayOf(day);
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

/** The weekday `k ≥ 0` business days after `day`. */
export function addWeekdays(day: number, k: number): number {
  let d = day;
  let left = k;
  while (left > 0) {
    d++;
    const w = weekdayOf(d);
    if (w !== 0 && w !== 6) left--;
  }
  return d;
}

/** Epoch ms of the close (21:00 UTC) of an epoch day, as `closeTime` in core/calendar.ts. */
export function closeMs(day: number): number {
  return day * MS_PER_DAY + CLOSE_HOUR_UTC * MS_PER_HOUR;
}
