/** Shared helpers for the data/io tests: temp directories, small files and a random universe. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDays, parseInstant } from '../../../src/core/calendar.ts';
import { Rng } from '../../../src/core/rng.ts';
import { makeUniverse, type PitEvents, type Universe } from '../../../src/core/universe.ts';

export function tempDir(label = 'io'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `alphalab-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'sp500-slice');

export const fixtureInput = {
  prices: join(FIXTURE, 'all_stocks_slice.csv.gz'),
  sectors: join(FIXTURE, 'sp500_sectors.csv'),
  index: join(FIXTURE, 'sp500_index_GSPC_yahoo.csv'),
  vix: join(FIXTURE, 'VIX_History.csv'),
  famaFrench: [
    join(FIXTURE, 'F-F_Research_Data_Factors_daily.CSV'),
    join(FIXTURE, 'F-F_Research_Data_5_Factors_2x3_daily.CSV'),
    join(FIXTURE, 'F-F_Momentum_Factor_daily.CSV'),
  ],
};

/**
 * A random universe whose doubles are hard to round-trip: full-precision normals, tiny and huge
 * magnitudes, subnormals, and NaN holes; plus series and events.
 */
export function randomUniverse(
  T: number,
  N: number,
  seed: number,
  fields = ['close', 'volume', 'eps'],
): Universe {
  const rng = new Rng(seed);
  const dates = businessDays('2020-01-01', T);
  const tickers = Array.from({ length: N }, (_, i) => `T${String(i).padStart(3, '0')}`);
  const sectors = ['Energy', 'Health Care', 'Utilities'];
  const securities = tickers.map((ticker, i) =>
    i % 2 === 0
      ? { ticker, sector: sectors[i % 3]!, name: `Name, "${i}" Inc` }
      : { ticker, sector: sectors[i % 3]! },
  );
  const hard = [
    Number.MIN_VALUE,
    5e-324 * 3,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    0.1 + 0.2,
    1 / 3,
    -0,
  ];
  const panels = new Map(
    fields.map((f) => {
      const v = new Float64Array(T * N);
      for (let k = 0; k < v.length; k++) {
        const u = rng.uniform();
        if (f === 'close') v[k] = u < 0.1 ? Number.NaN : Math.exp(rng.normal() * 3);
        else if (u < 0.1) v[k] = Number.NaN;
        else if (u < 0.2) v[k] = hard[rng.int(hard.length)]!;
        else v[k] = rng.normal() * 10 ** (rng.int(40) - 20);
      }
      return [f, { dates, tickers, values: v }] as const;
    }),
  );
  const market = new Float64Array(T).map(() => 100 * Math.exp(rng.normal()));
  market[0] = Number.NaN;
  const events: PitEvents = {
    fields: ['eps', 'revenue'],
    ticker: Int32Array.from({ length: 5 }, (_, k) => k % N),
    field: Int32Array.from({ length: 5 }, (_, k) => k % 2),
    eventTime: Float64Array.from({ length: 5 }, (_, k) => parseInstant(dates[k % T]!)),
    availableTime: Float64Array.from(
      { length: 5 },
      (_, k) => parseInstant(dates[k % T]!) + 86_400_000 + k * 1234,
    ),
    value: Float64Array.from({ length: 5 }, (_, k) => (k === 3 ? Number.NaN : rng.normal())),
  };
  return makeUniverse({
    dates,
    tickers,
    securities,
    panels,
    series: new Map([['market', market]]),
    events,
    source: `random:${seed}`,
  });
}

/** Count of cells whose bits differ (NaN matches NaN; −0 must stay −0). */
export function bitDifferences(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) d++;
  return d;
}
