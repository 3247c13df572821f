import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import type { Panel } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { selectWindow } from '../../src/risk/covariance/window-extract.ts';

/**
 * Naive twin of selectWindow's rules (window-extract.ts module comment), written straight from them: a date
 * with no return is dropped; a stock enters with ≥ minHistory finite returns that are not all equal;
 * listwise deletion drops a date on which an entered stock has no return.
 */
function naiveSelect(panel: Panel, start: number, end: number, minHistory: number | undefined) {
  const N = panel.tickers.length;
  const at = (t: number, i: number) => panel.values[t * N + i]!;
  const days = Array.from({ length: end - start + 1 }, (_, k) => start + k);
  const live = days.filter((t) => panel.tickers.some((_, i) => !Number.isNaN(at(t, i))));
  const need = minHistory ?? live.length;
  const kept: number[] = [];
  const excluded: { ticker: string; observations: number; reason: string }[] = [];
  panel.tickers.forEach((ticker, i) => {
    const xs = days.map((t) => at(t, i)).filter((x) => Number.isFinite(x));
    if (xs.length < need) excluded.push({ ticker, observations: xs.length, reason: 'insufficient-history' });
    else if (xs.every((x) => x === xs[0]))
      excluded.push({ ticker, observations: xs.length, reason: 'constant' });
    else kept.push(i);
  });
  const rows = live.filter((t) => kept.every((i) => !Number.isNaN(at(t, i))));
  return {
    columns: kept,
    rows,
    excluded,
    droppedDates: days.filter((t) => !rows.includes(t)).map((t) => panel.dates[t]!),
  };
}

/** A panel with gaps, empty dates, constant stocks (±0 among them) and late listings. */
const panelArb = fc
  .record({
    T: fc.integer({ min: 1, max: 40 }),
    N: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    gapShare: fc.constantFrom(0, 0.02, 0.2),
  })
  .map(({ T, N, seed, gapShare }) => {
    const rng = new Rng(seed);
    const values = Float64Array.from({ length: T * N }, () =>
      rng.uniform() < gapShare ? Number.NaN : 0.01 * rng.normal(),
    );
    for (let i = 0; i < N; i++) {
      const kind = rng.uniform();
      if (kind < 0.15)
        for (let t = 0; t < T; t++) values[t * N + i] = t % 2 ? 0 : -0; // constant (±0)
      else if (kind < 0.25)
        for (let t = 0; t < T; t++)
          if (!Number.isNaN(values[t * N + i]!)) values[t * N + i] = 0.003;
          else if (kind < 0.35) for (let t = 0; t < Math.floor(T / 2); t++) values[t * N + i] = Number.NaN; // late listing
    }
    for (let t = 0; t < T; t++)
      if (rng.uniform() < 0.05) for (let i = 0; i < N; i++) values[t * N + i] = Number.NaN;
    const panel: Panel = {
      dates: Array.from({ length: T }, (_, t) => `d${String(t).padStart(3, '0')}`),
      tickers: Array.from({ length: N }, (_, i) => `S${i}`),
      values,
    };
    const end = rng.int(T);
    const lookback = 1 + rng.int(T);
    const minHistory = rng.uniform() < 0.5 ? undefined : 1 + rng.int(Math.max(1, lookback));
    return { panel, end, lookback, minHistory };
  });

describe('selectWindow against its rules (naive twin)', () => {
  it('keeps the same stocks, dates and exclusions on panels with gaps, empty dates and constant stocks', () => {
    fc.assert(
      fc.property(panelArb, ({ panel, end, lookback, minHistory }) => {
        const start = Math.max(0, end - lookback + 1);
        const hasReturn = Array.from({ length: end - start + 1 }, (_, k) =>
          panel.tickers.some((_, i) => !Number.isNaN(panel.values[(start + k) * panel.tickers.length + i]!)),
        ).some(Boolean);
        const options = { lookback, end, ...(minHistory === undefined ? {} : { minHistory }) };
        if (!hasReturn) {
          expect(() => selectWindow(panel, options)).toThrow(InvalidInputError);
          return;
        }
        const got = selectWindow(panel, options);
        const want = naiveSelect(panel, start, end, minHistory);
        expect(Array.from(got.columns)).toEqual(want.columns);
        expect(Array.from(got.rows)).toEqual(want.rows);
        expect(got.excluded).toEqual(want.excluded);
        expect(got.droppedDates).toEqual(want.droppedDates);
        expect(got.p).toBe(want.columns.length);
        expect(got.T).toBe(want.rows.length);
      }),
      { numRuns: 400 },
    );
  });

  it('names the ticker and date of an infinite return', () => {
    const values = Float64Array.from({ length: 12 }, (_, k) => 0.01 * (k + 1));
    values[2 * 3 + 1] = Number.NEGATIVE_INFINITY;
    const panel: Panel = { dates: ['d0', 'd1', 'd2', 'd3'], tickers: ['A', 'B', 'C'], values };
    expect(() => selectWindow(panel, { lookback: 4 })).toThrow(/return is -Infinity/);
    try {
      selectWindow(panel, { lookback: 4 });
    } catch (e) {
      expect((e as InvalidInputError).where).toMatchObject({ ticker: 'B', date: 'd2' });
    }
  });
});
