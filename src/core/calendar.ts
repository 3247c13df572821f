/**
 * Business-day calendar helpers. Dates are ISO `yyyy-mm-dd` strings; instants are epoch milliseconds UTC
 * (methods.md §0: all timestamps UTC). A daily bar's event time is its close, fixed here at 21:00 UTC
 * (16:00 New York standard time) so that nothing stamped "at the close" is ever seen earlier than it was.
 */
import { InvalidInputError } from './errors.ts';

const MS_PER_DAY = 86_400_000;
/** Hour (UTC) of a daily bar's close; see the module comment. */
export const CLOSE_HOUR_UTC = 21;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True if `s` is a real calendar date written `yyyy-mm-dd`. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

/** Parses `yyyy-mm-dd` to the epoch day number (days since 1970-01-01); throws InvalidInputError. */
export function epochDay(date: string): number {
  if (!isIsoDate(date)) throw new InvalidInputError(`'${date}' is not a date of the form yyyy-mm-dd`);
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** The ISO date of an epoch day number. */
export function isoFromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The ISO date (UTC) of an instant in epoch milliseconds. */
export function isoDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Day of week of an ISO date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return (((epochDay(date) + 4) % 7) + 7) % 7;
}

export function isWeekday(date: string): boolean {
  const d = dayOfWeek(date);
  return d !== 0 && d !== 6;
}

/** `n` consecutive Monday–Friday dates starting at `start` (or the next weekday), like pandas `bdate_range`. */
export function businessDays(start: string, n: number): string[] {
  const out: string[] = [];
  let day = epochDay(start);
  while (out.length < n) {
    const dow = (((day + 4) % 7) + 7) % 7;
    if (dow !== 0 && dow !== 6) out.push(isoFromEpochDay(day));
    day++;
  }
  return out;
}

/** The weekday `k` business days after `date` (k may be negative). */
export function addBusinessDays(date: string, k: number): string {
  let day = epochDay(date);
  const step = k >= 0 ? 1 : -1;
  let left = Math.abs(k);
  while (left > 0) {
    day += step;
    const dow = (((day + 4) % 7) + 7) % 7;
    if (dow !== 0 && dow !== 6) left--;
  }
  return isoFromEpochDay(day);
}

/** Epoch ms of the close of the bar dated `date` (see CLOSE_HOUR_UTC). */
export function closeTime(date: string): number {
  return epochDay(date) * MS_PER_DAY + CLOSE_HOUR_UTC * 3_600_000;
}

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses a timestamp that must carry a zone (`Z` or `±hh:mm`), or a bare `yyyy-mm-dd` which means that
 * day's close. A timestamp without a zone is ambiguous and refused (architecture.md §6, methods.md §0).
 */
export function parseInstant(s: string): number {
  if (isIsoDate(s)) return closeTime(s);
  if (!ZONED.test(s))
    throw new InvalidInputError(`timestamp '${s}' has no time zone; write it with Z or ±hh:mm`);
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) throw new InvalidInputError(`'${s}' is not a valid timestamp`);
  return ms;
}

/** ISO-8601 UTC text of an instant. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Index of the last date in the sorted `dates` that is ≤ `date`, or -1. Binary search.
 */
export function lastIndexAtOrBefore(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! <= date) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Throws unless `dates` are valid ISO dates in strictly increasing order. */
export function assertStrictlyIncreasingDates(dates: readonly string[], file?: string): void {
  for (let t = 0; t < dates.length; t++) {
    const d = dates[t]!;
    if (!isIsoDate(d)) {
      throw new InvalidInputError(`'${d}' is not a date of the form yyyy-mm-dd`, {
        where: { ...(file ? { file } : {}), date: d },
      });
    }
    if (t > 0 && dates[t - 1]! >= d) {
      throw new InvalidInputError(`dates are not strictly increasing: ${dates[t - 1]} then ${d}`, {
        where: { ...(file ? { file } : {}), date: d },
      });
    }
  }
}
