import { describe, expect, it } from 'vitest';
import { loadOhlcvDump, summarizeUniverse } from '../../../src/data/index.ts';
import { fixtureInput } from './helpers.ts';

describe('the sp500-slice fixture (real data)', async () => {
  const u = await loadOhlcvDump(fixtureInput);
  const s = summarizeUniverse(u);
  const N = u.tickers.length;
  const at = (field: string, ticker: string, date: string) =>
    u.panels.get(field)!.values[u.dates.indexOf(date) * N + u.tickers.indexOf(ticker)]!;

  it('has the documented shape: 61 tickers, 503 days, 11 sectors', () => {
    expect(s.tickers).toBe(61);
    expect(s.dates).toBe(503);
    expect(s.firstDate).toBe('2016-01-04');
    expect(s.lastDate).toBe('2017-12-29');
    expect(s.sectors.map((x) => x.name)).toEqual([
      'Consumer Discretionary',
      'Consumer Staples',
      'Energy',
      'Financials',
      'Health Care',
      'Industrials',
      'Information Technology',
      'Materials',
      'Real Estate',
      'Telecommunication Services',
      'Utilities',
    ]);
    expect(s.sectors.find((x) => x.name === 'Telecommunication Services')!.tickers).toBe(3);
    expect(s.fields.map((f) => f.name)).toEqual(['open', 'high', 'low', 'close', 'volume', 'return']);
    expect(u.tickers).toEqual([...u.tickers].sort());
    expect(u.securities[u.tickers.indexOf('FTV')]).toEqual({
      ticker: 'FTV',
      sector: 'Industrials',
      name: 'Fortive Corp',
    });
  });

  it('keeps the real values: first AAL row and a late starter', () => {
    expect(at('open', 'AAL', '2016-01-04')).toBe(41.29);
    expect(at('high', 'AAL', '2016-01-04')).toBe(41.3501);
    expect(at('volume', 'AAL', '2016-01-04')).toBe(12037151);
    // FTV starts 2016-07-01: nothing before, and its first open is the documented NaN.
    expect(Number.isNaN(at('close', 'FTV', '2016-06-30'))).toBe(true);
    expect(Number.isNaN(at('open', 'FTV', '2016-07-01'))).toBe(true);
    expect(at('close', 'FTV', '2016-07-01')).toBe(49.54);
    expect(at('volume', 'FTV', '2016-07-01')).toBe(0);
    expect(Number.isNaN(at('open', 'DHR', '2016-01-12'))).toBe(true);
    expect(Number.isNaN(at('return', 'FTV', '2016-07-01'))).toBe(true);
  });

  it('derives returns from close, bad ticks included', () => {
    expect(at('return', 'LNT', '2016-05-19')).toBe(17.87 / 35.35 - 1);
    expect(Number.isNaN(at('return', 'AAL', '2016-01-04'))).toBe(true);
    const missing = s.fields.find((f) => f.name === 'close')!.missingShare;
    expect(missing).toBeGreaterThan(0.05);
    expect(missing).toBeLessThan(0.07);
  });

  it('restricts index, VIX and Fama–French rows to the universe dates, in decimals', () => {
    expect([...u.series.keys()]).toEqual([
      'market',
      'vix',
      'ff:Mkt-RF',
      'ff:SMB',
      'ff:HML',
      'ff:RF',
      'ff:RMW',
      'ff:CMA',
      'ff:Mom',
    ]);
    for (const [, v] of u.series) expect(v.length).toBe(503);
    for (const x of s.series) expect(x.missingShare).toBe(0);
    const t = u.dates.indexOf('2017-12-29');
    // 20171229: Mkt-RF -0.57, RF 0.004 (percent) in F-F_Research_Data_Factors_daily.CSV.
    expect(u.series.get('ff:Mkt-RF')![t]).toBe(-0.0057);
    expect(u.series.get('ff:RF')![t]).toBe(0.00004);
    expect(u.series.get('market')![0]).toBe(2012.6600341796875);
    expect(u.series.get('vix')![0]).toBe(20.7);
  });
});
