import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  closeTime,
  dayOfWeek,
  epochDay,
  isoFromEpochDay,
} from '../../../src/core/calendar.ts';
import { Rng } from '../../../src/core/rng.ts';
import {
  EventBuffer,
  FIELD_INDEX,
  firstVisibleDay,
  trackedSlot,
} from '../../../src/data/synthetic/events.ts';
import { addZScoredEffect } from '../../../src/data/synthetic/market.ts';
import { GICS_SECTOR_SHARES } from '../../../src/data/synthetic/parameters.ts';
import {
  addWeekdays,
  closeMs,
  monthFirstDay,
  monthLastDay,
  monthOf,
  weekdayOf,
  weekdayOnOrAfter,
  weekdayOnOrBefore,
} from '../../../src/data/synthetic/schedule.ts';
import { assignSectors } from '../../../src/data/synthetic/stocks.ts';
import { ZigguratNormal } from '../../../src/data/synthetic/ziggurat.ts';

/** Φ(x) via erfc with the Numerical Recipes Chebyshev fit (|error| < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('ZigguratNormal', () => {
  const n = 200_000;
  const z = new ZigguratNormal(new Rng(2026));
  const xs = Float64Array.from({ length: n }, () => z.next());

  it('is deterministic for a seed', () => {
    const again = new ZigguratNormal(new Rng(2026));
    for (let k = 0; k < 1000; k++) expect(again.next()).toBe(xs[k]);
  });

  it('has the moments of N(0, 1)', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of xs) {
      m1 += x / n;
      m2 += (x * x) / n;
      m3 += (x * x * x) / n;
      m4 += (x * x * x * x) / n;
    }
    // Sampling sds at n = 2e5: mean 0.0022, var 0.0032, skew 0.0055, kurtosis 0.011.
    expect(Math.abs(m1)).toBeLessThan(0.01);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.015);
    expect(Math.abs(m3)).toBeLessThan(0.025);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.06);
  });

  it('passes a Kolmogorov–Smirnov test against Φ, and reaches the tail beyond r = 3.44', () => {
    const sorted = Float64Array.from(xs).sort();
    let D = 0;
    for (let k = 0; k < n; k++) {
      const F = normalCdf(sorted[k]!);
      D = Math.max(D, (k + 1) / n - F, F - k / n);
    }
    expect(D).toBeLessThan(1.63 / Math.sqrt(n)); // 1 % critical value
    let beyond = 0;
    for (const x of xs) if (Math.abs(x) > 3.442619855899) beyond++;
    // P(|Z| > r) = 5.76e-4: expect ≈ 115 of 2e5.
    expect(beyond).toBeGreaterThan(70);
    expect(beyond).toBeLessThan(170);
  });
});

describe('schedule arithmetic on epoch days', () => {
  it('agrees with core/calendar on weekdays, business-day offsets and closes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8000, max: 25000 }), fc.integer({ min: 0, max: 30 }), (day, k) => {
        const iso = isoFromEpochDay(day);
        expect(weekdayOf(day)).toBe(dayOfWeek(iso));
        expect(closeMs(day)).toBe(closeTime(iso));
        const start = weekdayOnOrAfter(day);
        expect(isoFromEpochDay(addWeekdays(start, k))).toBe(addBusinessDays(isoFromEpochDay(start), k));
        const before = weekdayOnOrBefore(day);
        expect(before <= day && day - before <= 2 && weekdayOf(before) % 6 !== 0).toBe(true);
        expect(start >= day && start - day <= 2 && weekdayOf(start) % 6 !== 0).toBe(true);
      }),
    );
  });

  it('finds month boundaries', () => {
    expect(isoFromEpochDay(monthLastDay(monthOf(epochDay('2016-02-10'))))).toBe('2016-02-29');
    expect(isoFromEpochDay(monthLastDay(monthOf(epochDay('2015-12-31'))))).toBe('2015-12-31');
    expect(isoFromEpochDay(monthFirstDay(monthOf(epochDay('2015-12-31')) + 1))).toBe('2016-01-01');
    expect(monthOf(epochDay('2015-01-01'))).toBe(2015 * 12);
  });
});

describe('firstVisibleDay and EventBuffer', () => {
  const closes = Float64Array.from(['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'], closeTime);

  it('returns the first close at or after the available time (a fact at exactly the close is visible)', () => {
    expect(firstVisibleDay(closes, closes[0]! - 1)).toBe(0);
    expect(firstVisibleDay(closes, closes[1]!)).toBe(1);
    expect(firstVisibleDay(closes, closes[1]! + 1)).toBe(2);
    expect(firstVisibleDay(closes, closes[3]! + 1)).toBe(4);
    expect(firstVisibleDay(new Float64Array(0), 0)).toBe(0);
    fc.assert(
      fc.property(fc.double({ min: closes[0]! - 1e9, max: closes[3]! + 1e9, noNaN: true }), (a) => {
        const naive = closes.findIndex((c) => c >= a);
        expect(firstVisibleDay(closes, a)).toBe(naive < 0 ? 4 : naive);
      }),
    );
  });

  it('drops facts not available by the last close and buckets tracked updates by day in push order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ticker: fc.integer({ min: 0, max: 3 }),
            field: fc.constantFrom(FIELD_INDEX.roe, FIELD_INDEX.revenue, FIELD_INDEX.short_interest),
            offset: fc.integer({ min: -2, max: 5 }),
            value: fc.double({ noNaN: true }),
          }),
          { maxLength: 40 },
        ),
        (rows) => {
          const buf = new EventBuffer(closes);
          const day0 = epochDay('2020-01-02');
          const kept: { day: number; ticker: number; field: number; value: number }[] = [];
          for (const r of rows) {
            const available = (day0 + r.offset) * 86_400_000 + 22 * 3_600_000;
            buf.push(r.ticker, r.field, available - 86_400_000, available, r.value);
            const day = closes.findIndex((c) => c >= available);
            if (day >= 0) kept.push({ day, ticker: r.ticker, field: r.field, value: r.value });
          }
          const ev = buf.toPitEvents();
          expect(Array.from(ev.value)).toEqual(kept.map((k) => k.value));
          const vis = buf.visibility();
          const tracked = kept.filter((k) => k.field !== FIELD_INDEX.revenue);
          const expected = [...tracked].sort((a, b) => a.day - b.day); // stable: push order within a day
          expect(vis.dayStart[4]).toBe(expected.length);
          expected.forEach((k, p) => {
            expect(vis.stock[p]).toBe(k.ticker);
            expect(Object.is(vis.value[p], k.value)).toBe(true);
            expect(vis.slot[p]).toBe(trackedSlot(k.field === FIELD_INDEX.roe ? 'roe' : 'short_interest'));
            expect(p >= vis.dayStart[k.day]! && p < vis.dayStart[k.day + 1]!).toBe(true);
          });
        },
      ),
    );
  });
});

describe('addZScoredEffect', () => {
  /** Naive twin: κ·z-score (ddof 0) over the finite values; nothing if fewer than two or constant. */
  function naive(x: number[], kappa: number): number[] {
    const fin = x.filter((v) => !Number.isNaN(v));
    const out = x.map(() => 0);
    if (fin.length < 2) return out;
    const m = fin.reduce((a, b) => a + b, 0) / fin.length;
    const sd = Math.sqrt(fin.reduce((a, b) => a + (b - m) ** 2, 0) / fin.length);
    if (sd === 0) return out;
    return x.map((v) => (Number.isNaN(v) ? 0 : (kappa * (v - m)) / sd));
  }

  it('matches the naive twin on random inputs with NaNs, at an offset', () => {
    fc.assert(
      fc.property(
        // |x| < 1e-100 becomes 0: the squared deviations of values near 1e-159 are subnormal (< 2.2e-308), where
        // both sums of squares lose relative precision — a property of IEEE doubles, not of the kernel
        fc.array(
          fc.oneof(
            fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((v) => (Math.abs(v) < 1e-100 ? 0 : v)),
            fc.constant(Number.NaN),
          ),
          { maxLength: 30 },
        ),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (x, kappa) => {
          const buf = Float64Array.from([7, 7, ...x]);
          const alpha = new Float64Array(x.length).fill(1);
          addZScoredEffect(alpha, buf, 2, x.length, kappa);
          const want = naive(x, kappa);
          want.forEach((w, i) => {
            expect(alpha[i]!).toBeCloseTo(1 + w, 9);
          });
        },
      ),
    );
  });

  it('hand case, and edges: n = 0, one value, all NaN, constant input, κ = 0 change nothing', () => {
    const alpha = new Float64Array(3);
    addZScoredEffect(alpha, Float64Array.from([1, 2, 3]), 0, 3, 2);
    // mean 2, sd √(2/3): z = ∓1.224744871391589
    expect(alpha[0]).toBeCloseTo(-2.449489742783178, 14);
    expect(alpha[1]).toBe(0);
    expect(alpha[2]).toBeCloseTo(2.449489742783178, 14);
    for (const x of [[], [5], [Number.NaN, Number.NaN], [4, 4, 4], [1, 2, 3]]) {
      const a = new Float64Array(x.length);
      addZScoredEffect(a, Float64Array.from(x), 0, x.length, x.length === 3 && x[0] === 1 ? 0 : 1);
      expect(Array.from(a).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('assignSectors', () => {
  it('gives every sector at least one stock and follows the shares by the largest remainder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 3000 }), (S, extra) => {
        const N = S + extra;
        const sectorOf = assignSectors(N, S, new Rng(N));
        const counts = new Array(S).fill(0);
        for (const s of sectorOf) counts[s]++;
        const total = GICS_SECTOR_SHARES.slice(0, S).reduce((a, b) => a + b, 0);
        counts.forEach((c, s) => {
          const ideal = 1 + (GICS_SECTOR_SHARES[s]! / total) * (N - S);
          expect(Math.abs(c - ideal)).toBeLessThan(1);
        });
      }),
      { numRuns: 50 },
    );
  });
});
