import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import {
  alignToDates,
  readBenchmarkSeries,
  readCboeVixCsv,
  readFamaFrenchDailyCsv,
  readYahooCsv,
} from '../../../src/data/index.ts';
import { tempDir, writeText } from './helpers.ts';

const FF = [
  'This file was created by CMPT_ME_BEME_RETS_DAILY using the 202301 CRSP database.',
  'The Tbill return is the simple daily rate.',
  '',
  ',Mkt-RF,SMB,HML,RF',
  '20200102,    0.10,   -0.25,   -0.27,   0.009',
  '20200103,    1.35,   -99.99,   2.5e1,   0.009',
  '',
  'Copyright 2023 Kenneth R. French',
  '',
].join('\r\n');

describe('Ken French daily CSV', () => {
  it('skips the preamble and trailer and converts percent to the nearest decimal', () => {
    const { dir, cleanup } = tempDir('ff');
    try {
      const ff = readFamaFrenchDailyCsv(writeText(dir, 'ff.CSV', FF));
      expect(ff.dates).toEqual(['2020-01-02', '2020-01-03']);
      expect([...ff.columns.keys()]).toEqual(['ff:Mkt-RF', 'ff:SMB', 'ff:HML', 'ff:RF']);
      expect([...ff.columns.get('ff:Mkt-RF')!]).toEqual([0.001, 0.0135]);
      // 1.35 / 100 would be 0.013500000000000002; the text shift gives the decimal exactly.
      expect(1.35 / 100).not.toBe(0.0135);
      expect([...ff.columns.get('ff:SMB')!]).toEqual([-0.0025, Number.NaN]);
      expect([...ff.columns.get('ff:HML')!]).toEqual([-0.0027, 0.25]);
      expect([...ff.columns.get('ff:RF')!]).toEqual([0.00009, 0.00009]);
    } finally {
      cleanup();
    }
  });

  it('equals Number(decimal text) for any 2-decimal percent (property)', () => {
    const { dir, cleanup } = tempDir('ffp');
    try {
      fc.assert(
        fc.property(fc.integer({ min: -99_98, max: 99_99 }), (cents) => {
          const pct = (cents / 100).toFixed(2);
          const file = writeText(dir, 'p.CSV', `pre\n,X\n20200102,${pct}\n`);
          const x = readFamaFrenchDailyCsv(file).columns.get('ff:X')![0]!;
          const sign = cents < 0 ? '-' : '';
          const abs = Math.abs(cents);
          const decimal = `${sign}0.${String(Math.floor(abs / 100)).padStart(2, '0')}${String(abs % 100).padStart(2, '0')}`;
          expect(x).toBe(Number(decimal));
        }),
        { numRuns: 200 },
      );
    } finally {
      cleanup();
    }
  });

  it('names the file and row of a bad value, and refuses a file without a header', () => {
    const { dir, cleanup } = tempDir('ffb');
    try {
      const bad = writeText(dir, 'bad.CSV', FF.replace('0.10', '0.1O'));
      expect(() => readFamaFrenchDailyCsv(bad)).toThrow(InvalidInputError);
      try {
        readFamaFrenchDailyCsv(bad);
      } catch (e) {
        expect((e as InvalidInputError).where).toEqual({
          file: 'bad.CSV',
          row: 5,
          column: 'Mkt-RF',
          date: '2020-01-02',
        });
      }
      expect(() => readFamaFrenchDailyCsv(writeText(dir, 'x.CSV', 'a,b\n1,2\n'))).toThrow(/no header line/);
    } finally {
      cleanup();
    }
  });
});

describe('Yahoo and CBOE files', () => {
  it('reads Yahoo columns, null as NaN, and sorts by date', () => {
    const { dir, cleanup } = tempDir('y');
    try {
      const y = readYahooCsv(
        writeText(
          dir,
          'y.csv',
          'Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-03,1,2,0.5,1.5,1.4,100\n2020-01-02,null,null,null,null,null,null\n',
        ),
      );
      expect(y.dates).toEqual(['2020-01-02', '2020-01-03']);
      expect([...y.columns.keys()]).toEqual(['open', 'high', 'low', 'close', 'adj_close', 'volume']);
      expect([...y.columns.get('adj_close')!]).toEqual([Number.NaN, 1.4]);
    } finally {
      cleanup();
    }
  });

  it('reads CBOE MM/DD/YYYY dates and refuses other forms and duplicate dates', () => {
    const { dir, cleanup } = tempDir('v');
    try {
      const v = readCboeVixCsv(
        writeText(dir, 'v.csv', 'DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2020,1,2,1,13.5\n1/3/2020,1,2,1,14\n'),
      );
      expect(v.dates).toEqual(['2020-01-02', '2020-01-03']);
      expect([...v.columns.get('close')!]).toEqual([13.5, 14]);
      expect(() => readCboeVixCsv(writeText(dir, 'w.csv', 'DATE,CLOSE\n2020-01-02,1\n'))).toThrow(
        /MM\/DD\/YYYY/,
      );
      expect(() =>
        readCboeVixCsv(writeText(dir, 'd.csv', 'DATE,CLOSE\n01/02/2020,1\n01/02/2020,2\n')),
      ).toThrow(/duplicate date.*row 3/);
    } finally {
      cleanup();
    }
  });

  it('builds market, vix and ff series on the universe dates; the first factor file wins', () => {
    const { dir, cleanup } = tempDir('b');
    try {
      const index = writeText(dir, 'i.csv', 'Date,Close,Adj Close\n2020-01-02,10,9\n2020-01-06,11,10\n');
      const vix = writeText(dir, 'v.csv', 'DATE,CLOSE\n01/03/2020,13\n');
      const ff3 = writeText(dir, 'ff3.CSV', FF);
      const mom = writeText(dir, 'mom.CSV', 'x\n,Mom   \n20200103,   1.00\n');
      const ff5 = writeText(dir, 'ff5.CSV', ',Mkt-RF,RMW\n20200102,9.99,0.50\n');
      const s = readBenchmarkSeries({ index, vix, famaFrench: [ff3, mom, ff5] }, [
        '2020-01-02',
        '2020-01-03',
      ]);
      expect([...s.get('market')!]).toEqual([9, Number.NaN]);
      expect([...s.get('vix')!]).toEqual([Number.NaN, 13]);
      expect([...s.get('ff:Mom')!]).toEqual([Number.NaN, 0.01]);
      expect([...s.get('ff:Mkt-RF')!]).toEqual([0.001, 0.0135]);
      expect([...s.get('ff:RMW')!]).toEqual([0.005, Number.NaN]);
    } finally {
      cleanup();
    }
  });
});

describe('alignToDates', () => {
  it('matches a naive lookup on random sorted date sets', () => {
    const day = (k: number) => new Date(Date.UTC(2020, 0, 1) + k * 86_400_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 60 })),
        fc.uniqueArray(fc.integer({ min: 0, max: 60 })),
        (a, b) => {
          const src = [...a].sort((x, y) => x - y).map(day);
          const dst = [...b].sort((x, y) => x - y).map(day);
          const values = Float64Array.from(src.map((_, k) => k + 0.5));
          const got = alignToDates(src, values, dst);
          const naive = dst.map((d) => {
            const k = src.indexOf(d);
            return k < 0 ? Number.NaN : values[k]!;
          });
          expect([...got]).toEqual(naive);
        },
      ),
    );
    expect([...alignToDates([], new Float64Array(0), ['2020-01-01'])]).toEqual([Number.NaN]);
  });
});
