import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  assertStrictlyIncreasingDates,
  businessDays,
  closeTime,
  dayOfWeek,
  epochDay,
  isIsoDate,
  isoFromEpochDay,
  lastIndexAtOrBefore,
  parseInstant,
} from '../../src/core/calendar.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

describe('calendar', () => {
  it('recognises real ISO dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-1-05')).toBe(false);
    expect(isIsoDate('2024-13-01')).toBe(false);
  });

  it('round-trips epoch days', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(isoFromEpochDay(epochDay('2015-01-01'))).toBe('2015-01-01');
    expect(() => epochDay('01/02/2015')).toThrow(InvalidInputError);
  });

  it('knows the weekday', () => {
    expect(dayOfWeek('2026-11-21')).toBe(6); // a Saturday
    expect(dayOfWeek('2015-01-01')).toBe(4); // a Thursday
  });

  it('generates Monday–Friday dates like pandas bdate_range', () => {
    expect(businessDays('2015-01-01', 5)).toEqual([
      '2015-01-01',
      '2015-01-02',
      '2015-01-05',
      '2015-01-06',
      '2015-01-07',
    ]);
    expect(businessDays('2026-11-21', 2)).toEqual(['2026-11-23', '2026-11-24']);
    expect(addBusinessDays('2015-01-02', 1)).toBe('2015-01-05');
    expect(addBusinessDays('2015-01-05', -1)).toBe('2015-01-02');
    expect(addBusinessDays('2015-01-05', 0)).toBe('2015-01-05');
  });

  it('stamps a bar at its close and refuses timestamps without a zone', () => {
    expect(new Date(closeTime('2024-01-15')).toISOString()).toBe('2024-01-15T21:00:00.000Z');
    expect(parseInstant('2024-01-16T22:00:00Z')).toBe(Date.UTC(2024, 0, 16, 22));
    expect(parseInstant('2024-01-16T22:00:00+01:00')).toBe(Date.UTC(2024, 0, 16, 21));
    expect(parseInstant('2024-01-15')).toBe(closeTime('2024-01-15'));
    expect(() => parseInstant('2024-01-16 22:00:00')).toThrow(/no time zone/);
    expect(() => parseInstant('garbageZ')).toThrow(InvalidInputError);
  });

  it('finds the last date at or before a date', () => {
    const d = ['2015-01-01', '2015-01-02', '2015-01-05'];
    expect(lastIndexAtOrBefore(d, '2014-12-31')).toBe(-1);
    expect(lastIndexAtOrBefore(d, '2015-01-02')).toBe(1);
    expect(lastIndexAtOrBefore(d, '2015-01-03')).toBe(1);
    expect(lastIndexAtOrBefore(d, '2030-01-01')).toBe(2);
  });

  it('checks that dates increase strictly and says where they do not', () => {
    expect(() => assertStrictlyIncreasingDates(['2015-01-02', '2015-01-01'], 'daily.csv')).toThrow(
      /not strictly increasing.*file daily.csv.*date 2015-01-01/,
    );
    expect(() => assertStrictlyIncreasingDates(['2015-01-01', '2015-01-02'])).not.toThrow();
  });
});
