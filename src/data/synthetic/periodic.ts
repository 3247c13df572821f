/**
 * Facts published on a fixed calendar (methods.md §10 availability rules):
 * - EPS revisions: the monthly FY1 consensus revision, measured on the 15th (the Friday before if a
 *   weekend) and available the next business day at 13:00 UTC. AR(1) with ρ = 0.5, sd 4 % (seed 002's scale).
 * - Short interest / shares outstanding: settlement mid-month (15th) and at month end (each moved back to a
 *   weekday), published 8 business days later after the close (23:00 UTC). Log-AR(1) per half month with
 *   ρ = 0.9 and sd 0.25 around a per-stock level 3 %·exp(0.5·N(0,1)).
 * Both start a few months before the first date, so values are visible from the start.
 */
import { deriveSeed, Rng } from '../../core/rng.ts';
import type { EventBuffer } from './events.ts';
import { FIELD_INDEX as F, firstVisibleDay } from './events.ts';
import {
  addWeekdays,
  closeMs,
  MS_PER_DAY,
  MS_PER_HOUR,
  monthFirstDay,
  monthLastDay,
  weekdayOnOrBefore,
} from './schedule.ts';

const REVISION_HISTORY_MONTHS = 6;
const SHORT_INTEREST_HISTORY_MONTHS = 3;
export const SHORT_INTEREST_PUBLICATION_LAG = 8;

interface Publication {
  readonly eventTime: number;
  readonly availableTime: number;
  /** First date index whose close is at or after availableTime. */
  day: number;
}

function revisionCalendar(startMonth: number, lastDay: number): Publication[] {
  const out: Publication[] = [];
  for (let m = startMonth - REVISION_HISTORY_MONTHS; ; m++) {
    const day = weekdayOnOrBefore(monthFirstDay(m) + 14);
    if (day > lastDay) break;
    out.push({
      eventTime: closeMs(day),
      availableTime: addWeekdays(day, 1) * MS_PER_DAY + 13 * MS_PER_HOUR,
      day: 0,
    });
  }
  return out;
}

function shortInterestCalendar(startMonth: number, lastDay: number): Publication[] {
  const out: Publication[] = [];
  for (let m = startMonth - SHORT_INTEREST_HISTORY_MONTHS; ; m++) {
    const settlements = [weekdayOnOrBefore(monthFirstDay(m) + 14), weekdayOnOrBefore(monthLastDay(m))];
    for (const day of settlements) {
      if (day > lastDay) return out;
      const published = addWeekdays(day, SHORT_INTEREST_PUBLICATION_LAG);
      out.push({ eventTime: closeMs(day), availableTime: published * MS_PER_DAY + 23 * MS_PER_HOUR, day: 0 });
    }
  }
}

function withVisibility(calendar: Publication[], closes: Float64Array): Publication[] {
  for (const p of calendar) p.day = firstVisibleDay(closes, p.availableTime);
  return calendar;
}

export function simulateEpsRevisions(
  seed: number,
  N: number,
  startMonth: number,
  lastDay: number,
  out: EventBuffer,
) {
  const calendar = withVisibility(revisionCalendar(startMonth, lastDay), out.closes);
  const rho = 0.5;
  const sd = 0.04;
  for (let i = 0; i < N; i++) {
    const r = new Rng(deriveSeed(seed, 'eps-revision', i));
    let x = sd * r.normal();
    for (const p of calendar) {
      x = rho * x + sd * Math.sqrt(1 - rho * rho) * r.normal();
      out.pushVisibleFrom(p.day, i, F.eps_revision, p.eventTime, p.availableTime, x);
    }
  }
}

export function simulateShortInterest(
  seed: number,
  N: number,
  startMonth: number,
  lastDay: number,
  out: EventBuffer,
) {
  const calendar = withVisibility(shortInterestCalendar(startMonth, lastDay), out.closes);
  const rho = 0.9;
  const sd = 0.25;
  for (let i = 0; i < N; i++) {
    const r = new Rng(deriveSeed(seed, 'short-interest', i));
    const level = Math.log(0.03) + 0.5 * r.normal();
    let x = sd * r.normal();
    for (const p of calendar) {
      x = rho * x + sd * Math.sqrt(1 - rho * rho) * r.normal();
      out.pushVisibleFrom(p.day, i, F.short_interest, p.eventTime, p.availableTime, Math.exp(level + x));
    }
  }
}
