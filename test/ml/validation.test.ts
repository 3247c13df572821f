import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDays } from '../../src/core/calendar.ts';
import {
  accuracy,
  addMonths,
  confusionMatrix,
  innerValidationSplit,
  multiclassLogLoss,
  purgedKFold,
  rowsInDateRange,
  walkForwardWindows,
} from '../../src/ml/validation/index.ts';

function calendarDays(start: string, end: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${start}T00:00:00Z`);
    d.toISOString().slice(0, 10) <= end;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

describe('walk-forward windows (§9.4)', () => {
  it('R9.5: 2019-01-01 … 2022-12-31 gives 7 windows, test starts quarterly from 2021-01-01, last test end 2023-01-01', () => {
    const dates = calendarDays('2019-01-01', '2022-12-31');
    const w = walkForwardWindows(dates, { horizon: 5 });
    expect(w.length).toBe(7);
    expect(w.map((x) => x.testStart)).toEqual([
      '2021-01-01',
      '2021-04-01',
      '2021-07-01',
      '2021-10-01',
      '2022-01-01',
      '2022-04-01',
      '2022-07-01',
    ]);
    expect(w[6]!.testEnd).toBe('2023-01-01');
    expect(w[6]!.test.end).toBe(dates.length);
    expect(w.every((x) => !x.partial)).toBe(true);
    const partial = walkForwardWindows(dates, { horizon: 5, keepPartial: true });
    expect(partial.length).toBe(8);
    expect(partial[7]!.partial).toBe(true);
  });
  it('half-open intervals, purge of h + d training dates, stitched out-of-sample covers each test date once', () => {
    const dates = businessDays('2018-01-01', 1100);
    const h = 5;
    const d = 1;
    const w = walkForwardWindows(dates, { horizon: h, delay: d });
    expect(w.length).toBeGreaterThan(2);
    for (const x of w) {
      expect(dates[x.train.start]! >= x.trainStart).toBe(true);
      expect(dates[x.train.end - 1]! < x.trainEnd).toBe(true);
      expect(dates[x.test.start]! >= x.testStart).toBe(true);
      expect(x.test.start).toBe(x.train.end);
      expect(x.train.end - x.trainPurged.end).toBe(h + d);
      // Purged labels end before the test starts: the last kept row t uses prices up to t + d + h < test start.
      expect(x.trainPurged.end - 1 + d + h).toBeLessThan(x.test.start);
    }
    const covered = new Int32Array(dates.length);
    for (const x of w) for (let t = x.outOfSample.start; t < x.outOfSample.end; t++) covered[t]!++;
    const first = w[0]!.test.start;
    const last = w[w.length - 1]!.test.end;
    for (let t = 0; t < dates.length; t++) expect(covered[t]).toBe(t >= first && t < last ? 1 : 0);
  });
  it('addMonths clamps to month end; invalid dates throw', () => {
    expect(addMonths('2019-01-31', 1)).toBe('2019-02-28');
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2019-11-15', 3)).toBe('2020-02-15');
    expect(() => walkForwardWindows(['2020-01-02', '2020-01-01'], { horizon: 1 })).toThrow(/increasing/);
    expect(walkForwardWindows([], { horizon: 1 })).toEqual([]);
  });
  it('inner validation tail is the last 20 % and the fit part is purged by h + d', () => {
    const s = innerValidationSplit({ start: 10, end: 110 }, { horizon: 5, delay: 1 });
    expect(s.validation).toEqual({ start: 90, end: 110 });
    expect(s.fit).toEqual({ start: 10, end: 84 });
    const tiny = innerValidationSplit({ start: 0, end: 3 }, { horizon: 5 });
    expect(tiny.fit.end).toBe(0);
    expect(Array.from(rowsInDateRange(Int32Array.from([0, 0, 1, 2, 2, 3]), { start: 1, end: 3 }))).toEqual([
      2, 3, 4,
    ]);
  });
});

describe('purged k-fold with embargo (§9.5)', () => {
  const n = 12;
  const t0 = Array.from({ length: n }, (_, i) => i);
  const t1 = t0.map((i) => i + 2);
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  it('R9.6 strict (adopted) training sets', () => {
    const f = purgedKFold(t0, t1, { k: 5, embargoPct: 0.1 });
    expect(f.map((x) => Array.from(x.test))).toEqual([
      range(0, 2),
      range(3, 5),
      range(6, 7),
      range(8, 9),
      range(10, 11),
    ]);
    expect(f.map((x) => Array.from(x.train))).toEqual([
      range(6, 11),
      [0, 9, 10, 11],
      [...range(0, 3), 11],
      range(0, 5),
      range(0, 7),
    ]);
  });
  it('R9.6 book Snippet 7.3 column', () => {
    const f = purgedKFold(t0, t1, { k: 5, embargoPct: 0.1, variant: 'snippet-7.3' });
    expect(f.map((x) => Array.from(x.train))).toEqual([
      range(5, 11),
      [0, 1, 8, 9, 10, 11],
      [...range(0, 4), 10, 11],
      range(0, 6),
      range(0, 8),
    ]);
  });
  it('strict: no training label overlaps the test labels or their embargo (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 2, max: 4 }),
        (m, span, k) => {
          const a = Array.from({ length: m }, (_, i) => i);
          const b = a.map((i) => i + span);
          for (const fold of purgedKFold(a, b, { k, embargoPct: 0 })) {
            const start = a[fold.test[0]!]!;
            const end = Math.max(...Array.from(fold.test, (i) => b[i]!));
            for (const i of fold.train) expect(b[i]! < start || a[i]! > end).toBe(true);
          }
        },
      ),
    );
  });
  it('refuses bad input', () => {
    expect(() => purgedKFold([0, 1], [1], { k: 2 })).toThrow(/t1/);
    expect(() => purgedKFold([0, 1], [1, 2], { k: 3 })).toThrow(/k must/);
    expect(() => purgedKFold([1, 0], [1, 2], { k: 2 })).toThrow(/non-decreasing/);
  });
});

describe('metrics', () => {
  const P = Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.1, 0.8]);
  it('multi-class log loss, hand-computed', () => {
    expect(multiclassLogLoss(P, [0, 2], 3)).toBeCloseTo(0.2899092476264711, 15);
    expect(multiclassLogLoss(P, [0, 2], 3, [1, 0])).toBeCloseTo(-Math.log(0.7), 15);
    expect(Number.isNaN(multiclassLogLoss(new Float64Array(0), [], 3))).toBe(true);
    expect(multiclassLogLoss(Float64Array.from([1, 0, 0]), [1], 3)).toBeCloseTo(-Math.log(1e-15), 12);
  });
  it('accuracy and confusion matrix', () => {
    expect(accuracy(P, [0, 1], 3)).toBe(0.5);
    expect(Array.from(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3))).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 1]);
    expect(() => accuracy(P, [0], 3)).toThrow(/expected 1 rows/);
  });
});
