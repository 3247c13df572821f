import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../../src/core/errors.ts';
import { loadOhlcvDump, readUniverseDir } from '../../../src/data/index.ts';
import { tempDir, writeText } from './helpers.ts';

const SECURITIES = 'ticker,sector,name\nAAA,Energy,Alpha\nBBB,Utilities,\n';

/** A universe directory with the given daily.csv text (and optional extra files). */
async function readDir(daily: string, extra: Record<string, string> = {}, logger?: pino.Logger) {
  const { dir, cleanup } = tempDir('val');
  try {
    writeText(dir, 'securities.csv', extra['securities.csv'] ?? SECURITIES);
    writeText(dir, 'daily.csv', daily);
    for (const [name, text] of Object.entries(extra))
      if (name !== 'securities.csv') writeText(dir, name, text);
    return await readUniverseDir(dir, logger ? { logger } : {});
  } finally {
    cleanup();
  }
}

async function invalid(p: Promise<unknown>): Promise<InvalidInputError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InvalidInputError);
  return e as InvalidInputError;
}

function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const GOOD =
  'date,ticker,close,volume\n2020-01-02,AAA,10,100\n2020-01-02,BBB,20,200\n2020-01-03,AAA,11,\n2020-01-03,BBB,NaN,300\n';

describe('daily file validation', () => {
  it('accepts missing values (empty and NaN) as NaN', async () => {
    const u = await readDir(GOOD);
    expect(u.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect([...u.panels.get('volume')!.values]).toEqual([100, 200, Number.NaN, 300]);
    expect([...u.panels.get('close')!.values]).toEqual([10, 20, 11, Number.NaN]);
    expect(u.panels.get('return')!.values[2]).toBeCloseTo(0.1, 15);
    expect(u.securities).toEqual([
      { ticker: 'AAA', sector: 'Energy', name: 'Alpha' },
      { ticker: 'BBB', sector: 'Utilities' },
    ]);
  });

  it('refuses an unparseable number, naming file, row, column, ticker and date', async () => {
    const e = await invalid(readDir(GOOD.replace('2020-01-03,AAA,11,', '2020-01-03,AAA,11,12x')));
    expect(e.where).toEqual({
      file: 'daily.csv',
      row: 4,
      column: 'volume',
      ticker: 'AAA',
      date: '2020-01-03',
    });
    expect(e.message).toContain("'12x' is not a number");
  });

  it('refuses a digit separator that DuckDB would accept', async () => {
    const e = await invalid(readDir(GOOD.replace('100', '1_000')));
    expect(e.where).toMatchObject({ row: 2, column: 'volume', ticker: 'AAA' });
  });

  it.each(['inf', '1e400', '-Infinity'])('refuses the infinite number %s', async (bad) => {
    const e = await invalid(readDir(GOOD.replace(',200', `,${bad}`)));
    expect(e.where).toEqual({
      file: 'daily.csv',
      row: 3,
      column: 'volume',
      ticker: 'BBB',
      date: '2020-01-02',
    });
    expect(e.message).toContain('not a finite number');
  });

  it.each(['0', '-3.5'])('refuses the non-positive price %s', async (bad) => {
    const e = await invalid(readDir(GOOD.replace('2020-01-02,BBB,20', `2020-01-02,BBB,${bad}`)));
    expect(e.where).toEqual({
      file: 'daily.csv',
      row: 3,
      column: 'close',
      ticker: 'BBB',
      date: '2020-01-02',
    });
    expect(e.message).toContain('not positive');
  });

  it('refuses a duplicate (date, ticker), naming both rows', async () => {
    const e = await invalid(readDir(`${GOOD}2020-01-02,BBB,21,5\n`));
    expect(e.where).toEqual({ file: 'daily.csv', row: 6, ticker: 'BBB', date: '2020-01-02' });
    expect(e.message).toContain('row 3');
  });

  it('refuses a ticker without a sector', async () => {
    const e = await invalid(readDir(`${GOOD}2020-01-03,ZZZ,5,5\n`));
    expect(e.where).toEqual({ file: 'daily.csv', row: 6, ticker: 'ZZZ', date: '2020-01-03' });
    expect(e.message).toContain('has no sector in securities.csv');
  });

  it('refuses an empty file and a header without rows', async () => {
    const empty = await invalid(readDir(''));
    expect(empty.message).toContain('input file is empty');
    expect(empty.where?.file).toMatch(/daily\.csv$/);
    const headerOnly = await invalid(readDir('date,ticker,close\n'));
    expect(headerOnly.message).toContain('no data rows');
  });

  it.each([
    ['ticker', 'date,symbolx,close\n2020-01-02,AAA,1\n'],
    ['date', 'day,ticker,close\n2020-01-02,AAA,1\n'],
  ])('refuses a file without the %s column', async (col, text) => {
    const e = await invalid(readDir(text));
    expect(e.where).toMatchObject({ column: col });
    expect(e.message).toContain(`missing required column '${col}'`);
  });

  it('refuses a date that is not yyyy-mm-dd', async () => {
    const e = await invalid(readDir(GOOD.replace('2020-01-03,BBB', '2020-02-30,BBB')));
    expect(e.where).toEqual({ file: 'daily.csv', row: 5, column: 'date', ticker: 'BBB', date: '2020-02-30' });
    const e2 = await invalid(readDir(GOOD.replace('2020-01-03,AAA', '01/03/2020,AAA')));
    expect(e2.where).toMatchObject({ row: 4, date: '01/03/2020' });
  });

  it('refuses an empty ticker', async () => {
    const e = await invalid(readDir(GOOD.replace('2020-01-03,AAA', '2020-01-03,')));
    expect(e.where).toMatchObject({ row: 4, column: 'ticker', date: '2020-01-03' });
  });

  it('sorts unsorted input and logs that it did', async () => {
    const shuffled =
      'date,ticker,close\n2020-01-03,BBB,21\n2020-01-02,AAA,10\n2020-01-03,AAA,11\n2020-01-02,BBB,20\n';
    const { logger, lines } = captureLogger();
    const u = await readDir(shuffled, {}, logger);
    expect([...u.panels.get('close')!.values]).toEqual([10, 20, 11, 21]);
    expect(lines.some((l) => l.includes('not in date order'))).toBe(true);
    const sorted = captureLogger();
    await readDir(GOOD, {}, sorted.logger);
    expect(sorted.lines.some((l) => l.includes('not in date order'))).toBe(false);
  });

  it('reports a missing directory or file as NotFoundError', async () => {
    await expect(readUniverseDir('/nonexistent/alphalab')).rejects.toBeInstanceOf(NotFoundError);
    const { dir, cleanup } = tempDir('nf');
    try {
      writeText(dir, 'securities.csv', SECURITIES);
      await expect(readUniverseDir(dir)).rejects.toThrow(/no daily\.csv or daily\.parquet/);
    } finally {
      cleanup();
    }
  });
});

describe('securities, series and events validation', () => {
  it('refuses duplicate tickers and empty sectors in securities.csv', async () => {
    const dup = await invalid(
      readDir(GOOD, { 'securities.csv': 'ticker,sector\nAAA,Energy\nBBB,Energy\nAAA,Energy\n' }),
    );
    expect(dup.where).toEqual({ file: 'securities.csv', row: 4, ticker: 'AAA' });
    const empty = await invalid(readDir(GOOD, { 'securities.csv': 'ticker,sector\nAAA,Energy\nBBB,\n' }));
    expect(empty.where).toEqual({ file: 'securities.csv', row: 3, column: 'sector', ticker: 'BBB' });
  });

  it('reads series aligned to the dates and refuses duplicates', async () => {
    const u = await readDir(GOOD, {
      'series.csv': 'date,series,value\n2020-01-03,vix,15.5\n2019-12-31,vix,14\n',
    });
    expect([...u.series.get('vix')!]).toEqual([Number.NaN, 15.5]);
    const e = await invalid(
      readDir(GOOD, { 'series.csv': 'date,series,value\n2020-01-03,vix,1\n2020-01-03,vix,2\n' }),
    );
    expect(e.where).toEqual({ file: 'series.csv', row: 3, date: '2020-01-03' });
  });

  it('reads events and refuses a timestamp without a zone or an unknown ticker', async () => {
    const head = 'ticker,field,event_time,available_time,value\n';
    const u = await readDir(GOOD, {
      'events.csv': `${head}BBB,eps,2019-12-31,2020-01-02T22:30:00+01:00,1.5\nAAA,eps,2019-12-31,2020-01-03T12:00:00Z,\n`,
    });
    expect(u.events.fields).toEqual(['eps']);
    expect([...u.events.ticker]).toEqual([1, 0]);
    expect([...u.events.availableTime]).toEqual([Date.UTC(2020, 0, 2, 21, 30), Date.UTC(2020, 0, 3, 12)]);
    expect([...u.events.eventTime]).toEqual([Date.UTC(2019, 11, 31, 21), Date.UTC(2019, 11, 31, 21)]);
    expect([...u.events.value]).toEqual([1.5, Number.NaN]);
    const zoneless = await invalid(
      readDir(GOOD, { 'events.csv': `${head}AAA,eps,2019-12-31,2020-01-03T12:00:00,1\n` }),
    );
    expect(zoneless.where).toEqual({ file: 'events.csv', row: 2, column: 'available_time', ticker: 'AAA' });
    expect(zoneless.message).toContain('no time zone');
    const unknown = await invalid(
      readDir(GOOD, { 'events.csv': `${head}QQQ,eps,2019-12-31,2020-01-03,1\n` }),
    );
    expect(unknown.where).toMatchObject({ file: 'events.csv', row: 2, ticker: 'QQQ' });
  });
});

describe('OHLCV dump validation', () => {
  it('refuses a dump ticker missing from the sectors file, naming it', async () => {
    const { dir, cleanup } = tempDir('dump');
    try {
      const prices = writeText(
        dir,
        'dump.csv',
        'date,open,high,low,close,volume,Name\n2020-01-02,1,1,1,1,10,AAA\n2020-01-02,1,1,1,1,10,CCC\n',
      );
      const sectors = writeText(dir, 'sectors.csv', SECURITIES);
      const e = await invalid(loadOhlcvDump({ prices, sectors }));
      expect(e.where).toEqual({ file: 'dump.csv', row: 3, ticker: 'CCC', date: '2020-01-02' });
      expect(e.message).toContain('no sector in sectors.csv');
      await expect(loadOhlcvDump({ prices: join(dir, 'nope.csv'), sectors })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    } finally {
      cleanup();
    }
  });
});
