import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DatedPredictions, stitchedCalibrationSample } from '../../src/ml/calibration/index.ts';

const preds = (rows: number[], dates: number[], K = 3): DatedPredictions => ({
  rows: Int32Array.from(rows),
  dates: Int32Array.from(dates),
  P: Float64Array.from(rows.flatMap((r) => Array.from({ length: K }, (_, k) => r + k / 10))),
});

describe('stitchedCalibrationSample (calibration on earlier windows’ out-of-sample predictions)', () => {
  it('takes the earlier predictions dated before the own hold-out, then the own hold-out', () => {
    const earlier = preds([0, 1, 2, 3, 4, 5], [10, 10, 15, 15, 20, 20]);
    const own = preds([40, 41, 42, 43], [20, 20, 25, 25]);
    const s = stitchedCalibrationSample(earlier, own, 20, 3);
    // Earlier rows dated 20 are replaced by the own model's predictions of date 20: no date is counted twice.
    expect(Array.from(s.rows)).toEqual([0, 1, 2, 3, 40, 41, 42, 43]);
    expect(Array.from(s.dates)).toEqual([10, 10, 15, 15, 20, 20, 25, 25]);
    expect(s.earlierRows).toBe(4);
    expect(s.distinctDates).toBe(4);
    expect(Array.from(s.P.subarray(0, 3))).toEqual([0, 0.1, 0.2]);
    expect(Array.from(s.P.subarray(12, 15))).toEqual([40, 40.1, 40.2]);
  });

  it('with no earlier predictions it is the own hold-out (the first window)', () => {
    const own = preds([7, 8], [3, 4]);
    const s = stitchedCalibrationSample(preds([], []), own, 3, 3);
    expect(Array.from(s.rows)).toEqual([7, 8]);
    expect(s.earlierRows).toBe(0);
    expect(Array.from(s.P)).toEqual(Array.from(own.P));
  });

  it('never holds a row dated at or after the own start from an earlier model, and is in date order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 20 }),
        fc.integer({ min: 0, max: 50 }),
        (e, o, start) => {
          const ed = e.sort((a, b) => a - b);
          const od = o.map((x) => x + start).sort((a, b) => a - b);
          const s = stitchedCalibrationSample(
            preds(
              ed.map((_, i) => i),
              ed,
            ),
            preds(
              od.map((_, i) => 1000 + i),
              od,
            ),
            start,
            3,
          );
          for (let r = 0; r < s.rows.length; r++) {
            if (r > 0) expect(s.dates[r]!).toBeGreaterThanOrEqual(s.dates[r - 1]!);
            if (s.rows[r]! < 1000) expect(s.dates[r]!).toBeLessThan(start);
          }
          expect(s.rows.length).toBe(ed.filter((x) => x < start).length + od.length);
        },
      ),
    );
  });

  it('refuses unsorted, mis-shaped or mis-dated input', () => {
    expect(() => stitchedCalibrationSample(preds([0, 1], [5, 4]), preds([], []), 9, 3)).toThrow(
      /earlier predictions are not in date order/,
    );
    expect(() =>
      stitchedCalibrationSample(
        { rows: Int32Array.of(0), dates: Int32Array.of(0), P: new Float64Array(2) },
        preds([], []),
        1,
        3,
      ),
    ).toThrow(/1 rows, 1 dates, 2 probabilities/);
    expect(() => stitchedCalibrationSample(preds([], []), preds([3], [2]), 5, 3)).toThrow(
      /dated 2 before its start 5/,
    );
  });
});
