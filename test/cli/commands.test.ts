import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUniverseDir } from '../../src/data/index.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { bitDifferences, FIXTURE, tempDir, writeText } from '../data/io/helpers.ts';
import { runChild, runInProcess } from './helpers.ts';

describe('ingest and info', () => {
  it('ingests the real-data fixture and info --json (child process) parses with the right summary', async () => {
    const { dir, cleanup } = tempDir('cli');
    try {
      const out = join(dir, 'sp');
      const ing = await runInProcess([
        'ingest',
        '--ohlcv',
        join(FIXTURE, 'all_stocks_slice.csv.gz'),
        '--sectors',
        join(FIXTURE, 'sp500_sectors.csv'),
        '--index',
        join(FIXTURE, 'sp500_index_GSPC_yahoo.csv'),
        '--vix',
        join(FIXTURE, 'VIX_History.csv'),
        '--ff',
        join(FIXTURE, 'F-F_Research_Data_Factors_daily.CSV'),
        '--ff',
        join(FIXTURE, 'F-F_Momentum_Factor_daily.CSV'),
        '--out',
        out,
        '--json',
      ]);
      expect(ing.code).toBe(0);
      const summary = JSON.parse(ing.stdout) as Record<string, unknown>;
      expect(summary).toMatchObject({
        tickers: 61,
        dates: 503,
        firstDate: '2016-01-04',
        lastDate: '2017-12-29',
      });
      expect(typeof summary.elapsedMs).toBe('number');
      expect(readdirSync(out).sort()).toEqual(['daily.parquet', 'securities.csv', 'series.parquet']);

      const info = runChild(['info', out, '--json']);
      expect(info.code).toBe(0);
      const s = JSON.parse(info.stdout) as {
        tickers: number;
        dates: number;
        firstDate: string;
        lastDate: string;
        sectors: { name: string; tickers: number }[];
        fields: { name: string; missingShare: number }[];
        series: { name: string }[];
      };
      expect(s.tickers).toBe(61);
      expect(s.dates).toBe(503);
      expect([s.firstDate, s.lastDate]).toEqual(['2016-01-04', '2017-12-29']);
      expect(s.sectors).toHaveLength(11);
      expect(s.fields.map((f) => f.name).sort()).toEqual([
        'close',
        'high',
        'low',
        'open',
        'return',
        'volume',
      ]);
      expect(s.series.map((x) => x.name)).toContain('ff:Mom');
    } finally {
      cleanup();
    }
  });

  it('a failed ingest exits 2 with one line naming the row and leaves no output behind', async () => {
    const { dir, cleanup } = tempDir('clibad');
    try {
      const prices = writeText(
        dir,
        'p.csv',
        'date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,-1,5,AAA\n',
      );
      const sectors = writeText(dir, 's.csv', 'ticker,sector\nAAA,Energy\n');
      const r = await runInProcess([
        'ingest',
        '--ohlcv',
        prices,
        '--sectors',
        sectors,
        '--out',
        join(dir, 'out'),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'alphalab: price -1 is not positive (file p.csv, row 2, column close, ticker AAA, date 2020-01-02)\n',
      );
      expect(readdirSync(dir).sort()).toEqual(['p.csv', 's.csv']);
    } finally {
      cleanup();
    }
  });

  it('converts a directory between formats in process', async () => {
    const { dir, cleanup } = tempDir('cliconv');
    try {
      const a = join(dir, 'a');
      const b = join(dir, 'b');
      const r1 = await runInProcess([
        'synth',
        '--stocks',
        '12',
        '--days',
        '30',
        '--seed',
        '5',
        '--out',
        a,
        '--format',
        'csv',
      ]);
      expect(r1.code).toBe(0);
      const r2 = await runInProcess(['ingest', '--from', a, '--out', b, '--json']);
      expect(r2.code).toBe(0);
      expect(JSON.parse(r2.stdout)).toMatchObject({ tickers: 12, dates: 30, format: 'parquet' });
      const again = await runInProcess(['ingest', '--from', a, '--out', b]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^alphalab: output directory already exists/);
    } finally {
      cleanup();
    }
  });
});

describe('synth', () => {
  it('writes exactly the generator’s universe (bit for bit after reading back)', async () => {
    const { dir, cleanup } = tempDir('synth');
    try {
      const out = join(dir, 's');
      const r = await runInProcess(['synth', '--stocks', '20', '--days', '60', '--seed', '9', '--out', out]);
      expect(r.code).toBe(0);
      const back = await readUniverseDir(out);
      const { universe } = generateSyntheticMarket({ stocks: 20, days: 60, seed: 9 });
      expect(back.tickers).toEqual(universe.tickers);
      expect(back.dates).toEqual(universe.dates);
      expect(back.securities).toEqual(universe.securities);
      expect([...back.panels.keys()].sort()).toEqual([...universe.panels.keys()].sort());
      for (const [name, p] of universe.panels)
        expect(bitDifferences(p.values, back.panels.get(name)!.values), name).toBe(0);
      for (const [name, s] of universe.series)
        expect(bitDifferences(s, back.series.get(name)!), name).toBe(0);
      expect(back.events.value.length).toBe(universe.events.value.length);
      expect(bitDifferences(back.events.availableTime, universe.events.availableTime)).toBe(0);
      expect(bitDifferences(back.events.eventTime, universe.events.eventTime)).toBe(0);
      expect(bitDifferences(back.events.value, universe.events.value)).toBe(0);
    } finally {
      cleanup();
    }
  });
});
