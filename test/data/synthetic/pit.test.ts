import { describe, expect, it } from 'vitest';
import { addBusinessDays, closeTime, isoDateOf } from '../../../src/core/calendar.ts';
import {
  EVENT_FIELDS,
  FORWARD_FILLED_PANELS,
  generateSyntheticMarket,
} from '../../../src/data/synthetic/index.ts';
import { firstDifference } from './arrays.ts';
import { eventIndices, naivePitFill } from './naive-pit.ts';

const N = 40;
const T = 400;
const { universe: u } = generateSyntheticMarket({ stocks: N, days: T, seed: 5 });
const e = u.events;
const closes = u.dates.map(closeTime);
const fieldIndex = (f: string) => e.fields.indexOf(f);
const DAY = 86_400_000;

const eventsOf = (i: number, f: number) => eventIndices(e, i, f);
const naiveFill = (field: string) => naivePitFill(u, field);

describe('synthetic market: point-in-time events', () => {
  it('has every documented event field, with available_time > event_time for every event', () => {
    expect(e.fields).toEqual(EVENT_FIELDS);
    const counts = new Map<string, number>();
    for (let k = 0; k < e.value.length; k++) {
      const f = e.fields[e.field[k]!]!;
      counts.set(f, (counts.get(f) ?? 0) + 1);
      expect(e.availableTime[k]! > e.eventTime[k]!).toBe(true);
      expect(e.availableTime[k]! <= closes[T - 1]!).toBe(true);
      expect(Number.isFinite(e.value[k]!)).toBe(true);
    }
    for (const f of EVENT_FIELDS) expect(counts.get(f) ?? 0, f).toBeGreaterThan(0);
  });

  it('files quarterly facts 20–60 days after the quarter end (moved to a weekday), some after the close', () => {
    let afterClose = 0;
    let beforeOpen = 0;
    let filings = 0;
    const f = fieldIndex('eps');
    for (let k = 0; k < e.value.length; k++) {
      if (e.field[k] !== f) continue;
      filings++;
      const quarterEnd = isoDateOf(e.eventTime[k]!);
      const month = Number(quarterEnd.slice(5, 7));
      // A quarter end is the last day of a month.
      expect(isoDateOf(e.eventTime[k]! + DAY).slice(8, 10)).toBe('01');
      expect(e.eventTime[k]).toBe(closeTime(quarterEnd));
      expect(month).toBeGreaterThanOrEqual(1);
      const lagDays = (e.availableTime[k]! - e.eventTime[k]!) / DAY;
      expect(lagDays).toBeGreaterThan(19);
      expect(lagDays).toBeLessThan(63.2);
      const hour = new Date(e.availableTime[k]!).getUTCHours();
      if (hour >= 21) afterClose++;
      if (hour < 14) beforeOpen++;
    }
    expect(filings).toBeGreaterThan(N * 8);
    expect(afterClose / filings).toBeGreaterThan(0.3);
    expect(beforeOpen / filings).toBeGreaterThan(0.3);
  });

  it('publishes short interest 8 business days after mid-month and month-end settlements', () => {
    const f = fieldIndex('short_interest');
    for (let k = 0; k < e.value.length; k++) {
      if (e.field[k] !== f) continue;
      const settled = isoDateOf(e.eventTime[k]!);
      expect(isoDateOf(e.availableTime[k]!)).toBe(addBusinessDays(settled, 8));
      const day = Number(settled.slice(8, 10));
      expect(day <= 15 ? day >= 13 : day >= 26).toBe(true);
      expect(e.value[k]!).toBeGreaterThan(0);
    }
  });

  it('files insider transactions within 2 business days, after the trade, with signed shares and value', () => {
    const fs = fieldIndex('insider_shares');
    const fv = fieldIndex('insider_value');
    const close = u.panels.get('close')!.values;
    for (let k = 0; k < e.value.length; k++) {
      if (e.field[k] !== fs) continue;
      const traded = isoDateOf(e.eventTime[k]!);
      expect(isoDateOf(e.availableTime[k]!) <= addBusinessDays(traded, 2)).toBe(true);
      expect(Number.isInteger(e.value[k]!) && e.value[k] !== 0).toBe(true);
      // The matching value fact follows it: signed shares × the close of the trade date.
      expect(e.field[k + 1]).toBe(fv);
      const t = u.dates.indexOf(traded);
      expect(e.value[k + 1]).toBe(e.value[k]! * close[t * N + e.ticker[k]!]!);
    }
  });

  it('keeps each (ticker, field) in event-time order with non-decreasing availability', () => {
    for (let i = 0; i < N; i += 7) {
      for (let f = 0; f < e.fields.length; f++) {
        const ks = eventsOf(i, f);
        for (let p = 1; p < ks.length; p++) {
          expect(e.eventTime[ks[p]!]! >= e.eventTime[ks[p - 1]!]!).toBe(true);
          expect(e.availableTime[ks[p]!]! >= e.availableTime[ks[p - 1]!]!).toBe(true);
        }
      }
    }
  });

  it.each(FORWARD_FILLED_PANELS)(
    'daily %s is exactly the point-in-time forward fill of its events',
    (field) => {
      const panel = u.panels.get(field)!.values;
      expect(firstDifference(panel, naiveFill(field))).toBe(-1);
      // Fundamentals start two years before the first date, so nothing is missing.
      expect(panel.some(Number.isNaN)).toBe(false);
    },
  );

  it('never shows an event in a panel before the first close at or after its available_time', () => {
    let checked = 0;
    let missing = 0;
    let early = 0;
    for (let k = 0; k < e.value.length; k++) {
      const field = e.fields[e.field[k]!]!;
      if (!(FORWARD_FILLED_PANELS as readonly string[]).includes(field)) continue;
      const panel = u.panels.get(field)!.values;
      const i = e.ticker[k]!;
      const ta = closes.findIndex((c) => c >= e.availableTime[k]!);
      // Facts filed before the first date all land on day 0, where only the latest of them shows.
      if (ta === 0) continue;
      if (panel[ta * N + i] !== e.value[k]) missing++;
      for (let t = 0; t < ta; t++) if (panel[t * N + i] === e.value[k]) early++;
      checked++;
    }
    expect(missing).toBe(0);
    expect(early).toBe(0);
    expect(checked).toBeGreaterThan(N * 20);
  });

  it('an after-close filing on date D first shows at the close of the next business day', () => {
    const f = fieldIndex('roe');
    const panel = u.panels.get('roe')!.values;
    let seen = 0;
    for (let k = 0; k < e.value.length && seen < 20; k++) {
      if (e.field[k] !== f || new Date(e.availableTime[k]!).getUTCHours() < 21) continue;
      const D = isoDateOf(e.availableTime[k]!);
      const t = u.dates.indexOf(D);
      if (t < 0 || t + 1 >= T) continue;
      expect(panel[t * N + e.ticker[k]!]).not.toBe(e.value[k]);
      expect(panel[(t + 1) * N + e.ticker[k]!]).toBe(e.value[k]);
      seen++;
    }
    expect(seen).toBe(20);
  });

  it('builds market_cap = close × PIT shares outstanding and book_to_market = PIT book equity / market_cap', () => {
    const close = u.panels.get('close')!.values;
    const shares = naiveFill('shares_outstanding');
    const book = naiveFill('book_equity');
    const mcap = Float64Array.from(close, (c, k) => c * shares[k]!);
    expect(firstDifference(u.panels.get('market_cap')!.values, mcap)).toBe(-1);
    expect(
      firstDifference(
        u.panels.get('book_to_market')!.values,
        Float64Array.from(book, (b, k) => b / mcap[k]!),
      ),
    ).toBe(-1);
    // Shares change only on days a filing becomes visible.
    const filingDays = new Set<number>();
    const fso = fieldIndex('shares_outstanding');
    for (let k = 0; k < e.value.length; k++) {
      if (e.field[k] === fso && e.ticker[k] === 0)
        filingDays.add(closes.findIndex((c) => c >= e.availableTime[k]!));
    }
    for (let t = 1; t < T; t++)
      if (shares[t * N] !== shares[(t - 1) * N]) expect(filingDays.has(t)).toBe(true);
  });
});
