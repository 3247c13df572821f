import { describe, expect, it } from 'vitest';
import { closeTime } from '../../../src/core/calendar.ts';
import { makeUniverse, type PitEvents } from '../../../src/core/universe.ts';
import {
  assertWhitelistedColumns,
  computeFeatures,
  FeatureLeakageError,
  featureMatrixAt,
  featureNames,
  forwardLookingPattern,
  freezeWhitelist,
  latestVisiblePanel,
  parseWhitelist,
  relativeToSectorMedian,
  temporalValues,
  trailingFourQuarterSumPanel,
  trailingWindowEventSum,
  weekdaysBetween,
} from '../../../src/ml/features/index.ts';
import { randomUniverse } from './fixtures.ts';

const DAY = 86_400_000;

function tinyUniverse(dates: string[], events: Partial<PitEvents> & { fields: string[] }) {
  const N = 1;
  const close = new Float64Array(dates.length).fill(10);
  return makeUniverse({
    dates,
    tickers: ['A'],
    securities: [{ ticker: 'A', sector: 'X' }],
    panels: new Map([['close', { dates, tickers: ['A'], values: close }]]),
    events: {
      fields: events.fields,
      ticker: events.ticker ?? new Int32Array(0),
      field: events.field ?? new Int32Array(0),
      eventTime: events.eventTime ?? new Float64Array(0),
      availableTime: events.availableTime ?? new Float64Array(0),
      value: events.value ?? new Float64Array(0),
    },
    source: `tiny:${N}`,
  });
}

describe('point-in-time facts on the daily grid', () => {
  const dates = ['2024-01-15', '2024-01-16', '2024-01-17', '2024-01-18'];
  it('an after-close filing on D is visible from D + 1 only (not "filed on D applies to bars ≥ D")', () => {
    const u = tinyUniverse(dates, {
      fields: ['roe'],
      ticker: Int32Array.of(0, 0),
      field: Int32Array.of(0, 0),
      eventTime: Float64Array.of(closeTime('2023-12-29'), closeTime('2023-12-29')),
      availableTime: Float64Array.of(closeTime('2024-01-15') + 3600e3, closeTime('2024-01-17')),
      value: Float64Array.of(0.1, 0.12), // the second is a restatement of the same quarter
    });
    expect(Array.from(latestVisiblePanel(u, 'roe', 120))).toEqual([Number.NaN, 0.1, 0.12, 0.12]);
    // Staleness cap: the quarter ended 12 weekdays before the 16th; with a cap of 12 it still counts, 11 not.
    expect(
      weekdaysBetween(Math.floor(closeTime('2023-12-29') / DAY), Math.floor(closeTime('2024-01-16') / DAY)),
    ).toBe(12);
    expect(latestVisiblePanel(u, 'roe', 12)[1]).toBe(0.1);
    expect(latestVisiblePanel(u, 'roe', 11)[1]).toBeNaN();
    expect(Array.from(latestVisiblePanel(u, 'missing_field', 120)).every(Number.isNaN)).toBe(true);
  });

  it('trailing-twelve-month sums need four consecutive visible quarters', () => {
    const q = ['2023-03-31', '2023-06-30', '2023-09-29', '2023-12-29'].map(closeTime);
    const u = tinyUniverse(dates, {
      fields: ['eps'],
      ticker: new Int32Array(4),
      field: new Int32Array(4),
      eventTime: Float64Array.from(q),
      availableTime: Float64Array.of(
        q[0]! + 30 * DAY,
        q[1]! + 30 * DAY,
        q[2]! + 30 * DAY,
        closeTime('2024-01-17'),
      ),
      value: Float64Array.of(1, 2, 3, 4),
    });
    expect(Array.from(trailingFourQuarterSumPanel(u, 'eps', 120))).toEqual([Number.NaN, Number.NaN, 10, 10]);
  });

  it('90-day insider window: visible and recent transactions only, hand-checked', () => {
    const d = ['2024-01-02', '2024-03-01', '2024-04-02', '2024-04-03'];
    const u = tinyUniverse(d, {
      fields: ['insider_shares'],
      ticker: new Int32Array(2),
      field: new Int32Array(2),
      eventTime: Float64Array.of(closeTime('2024-01-02') - 3600e3, closeTime('2024-02-28')),
      availableTime: Float64Array.of(closeTime('2024-01-02') + 3600e3, closeTime('2024-02-29')),
      value: Float64Array.of(500, -200),
    });
    // Bar 0: the first buy is filed after the close → invisible. Bar 1: both. 2024-04-02 is 91 days after
    // the buy → only the sale remains.
    expect(Array.from(trailingWindowEventSum(u, 'insider_shares', 90, Math.sign)!)).toEqual([0, 0, -1, -1]);
    expect(Array.from(trailingWindowEventSum(u, 'insider_shares', 90, (v) => v)!)).toEqual([
      0, 300, -200, -200,
    ]);
  });

  it('sector-relative ratios divide by the sector median of the day (≥ 3 values)', () => {
    const x = Float64Array.of(1, 2, 3, 10, Number.NaN, 4);
    const out = relativeToSectorMedian(x, 1, 6, Int32Array.of(0, 0, 0, 1, 1, 1), 2);
    expect(Array.from(out.slice(0, 3))).toEqual([0.5, 1, 1.5]);
    expect(Array.from(out.slice(3)).every(Number.isNaN)).toBe(true); // only two values in sector 1
  });
});

describe('temporal features', () => {
  it('Monday = 1, quarter, day of year, month end by the weekday calendar', () => {
    expect(temporalValues('2024-01-01')).toEqual([1, 1, 1, 1, 0]);
    expect(temporalValues('2024-05-31')).toEqual([5, 5, 2, 152, 1]); // Friday, leap year
    expect(temporalValues('2024-06-28')).toEqual([5, 6, 2, 180, 1]); // the 29th and 30th are a weekend
    expect(temporalValues('2024-12-30')).toEqual([1, 12, 4, 365, 0]);
  });
});

describe('feature set', () => {
  it('has 30+ technical features, a stable schema and no forward-looking names', () => {
    const u = randomUniverse(3, 60, 4);
    const fs = computeFeatures(u);
    expect(fs.names).toEqual(featureNames(u));
    expect(fs.families.filter((f) => f === 'technical').length).toBeGreaterThanOrEqual(30);
    expect(fs.names.filter((n) => forwardLookingPattern(n) !== null)).toEqual([]);
    expect(fs.columns.every((c) => c.length === 60 * 4)).toBe(true);
    const X = featureMatrixAt(fs, [59, 10], [3, 0], ['rsi_14', 'month']);
    expect(X.values[0]).toBe(fs.columns[fs.names.indexOf('rsi_14')]![59 * 4 + 3]);
    expect(X.values[3]).toBe(fs.columns[fs.names.indexOf('month')]![10 * 4]);
    expect(() => featureMatrixAt(fs, [0], [0], ['ret_fwd_5d'])).toThrow(/no column 'ret_fwd_5d'/);
  });

  it('refuses a universe without close and unknown families', () => {
    const u = randomUniverse(3, 10, 2);
    const panels = new Map(u.panels);
    panels.delete('close');
    expect(() => computeFeatures({ ...u, panels })).toThrow(/no 'close' field/);
    expect(() => computeFeatures(u, { families: ['sentiment' as never] })).toThrow(/unknown feature family/);
    expect(() => computeFeatures(u, { stalenessBars: -1 })).toThrow(/stalenessBars/);
  });
});

describe('frozen whitelist and leakage guard (seed 001 P0.3)', () => {
  const wl = freezeWhitelist(['rsi_14', 'ret_5d', 'pe_ratio']);
  it('accepts exactly the whitelisted columns in order', () => {
    expect(() => assertWhitelistedColumns(['rsi_14', 'ret_5d', 'pe_ratio'], wl)).not.toThrow();
    expect(Object.isFrozen(wl.names)).toBe(true);
    expect(parseWhitelist(JSON.stringify(wl))).toEqual(wl);
  });
  it.each([
    [['rsi_14', 'ret_5d', 'pe_ratio', 'fwd_ret_5d'], /forward-looking.*fwd_ret_5d \(matches 'fwd'\)/],
    [['rsi_14', 'ret_5d', 'pe_ratio', 'future_vol'], /future_vol/],
    [['rsi_14', 'label', 'pe_ratio'], /label/],
    [['rsi_14', 'ret_5d', 'target_class'], /target_class/],
    [['rsi_14', 'ret_next_5d', 'pe_ratio'], /ret_next_5d \(matches 'next'\)/],
    [['rsi_14', 'close_lead_1', 'pe_ratio'], /close_lead_1 \(matches 'lead'\)/],
    [['rsi_14', 'ret_5d', 'pe_ratio', 'vol_20'], /not on the frozen feature whitelist: vol_20/],
    [['rsi_14', 'ret_5d'], /feature count mismatch: 2 columns for 3 whitelisted; missing pe_ratio/],
    [['ret_5d', 'rsi_14', 'pe_ratio'], /out of order/],
  ])('rejects %j', (cols, message) => {
    let err: unknown;
    try {
      assertWhitelistedColumns(cols, wl);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeatureLeakageError);
    expect((err as Error).message).toMatch(message);
  });
  it('cannot freeze forward-looking or duplicate names; a tampered file is refused', () => {
    expect(() => freezeWhitelist(['rsi_14', 'y_fwd'])).toThrow(FeatureLeakageError);
    expect(() => freezeWhitelist(['rsi_14', 'rsi_14'])).toThrow(/duplicate/);
    expect(() => parseWhitelist(JSON.stringify({ ...wl, names: ['rsi_14'] }))).toThrow(/hash/);
    expect(forwardLookingPattern('leader_score')).toBeNull(); // 'lead' only as a whole token
  });
});
