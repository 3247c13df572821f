import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import {
  generateSyntheticMarket,
  resolveSyntheticOptions,
  SYNTHETIC_DEFAULTS,
  syntheticTicker,
} from '../../../src/data/synthetic/index.ts';

describe('synthetic options', () => {
  it('defaults to seed 002 sizes: 1500 stocks, 2520 days, 11 sectors, seed 42, from 2015-01-01', () => {
    expect(resolveSyntheticOptions()).toEqual({
      stocks: 1500,
      days: 2520,
      sectors: 11,
      seed: 42,
      start: '2015-01-01',
      shared: false,
    });
    expect(SYNTHETIC_DEFAULTS.stocks).toBe(1500);
  });

  it.each([
    [{ stocks: 0 }, 'stocks'],
    [{ stocks: 2.5 }, 'stocks'],
    [{ days: -1 }, 'days'],
    [{ days: Number.NaN }, 'days'],
    [{ sectors: 12 }, 'sectors'],
    [{ sectors: 0 }, 'sectors'],
    [{ stocks: 5, sectors: 11 }, 'stocks'],
    [{ seed: 1.5 }, 'seed'],
    [{ start: '2015-02-30' }, 'start'],
    [{ start: '01/01/2015' }, 'start'],
    [{ stocks: 100_000, days: 1000 }, 'days'],
  ])('refuses %j with an InvalidInputError naming %s', (options, field) => {
    let caught: unknown;
    try {
      resolveSyntheticOptions(options);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).where?.field).toBe(field);
    expect((caught as Error).message).toContain(field);
  });

  it('generateSyntheticMarket validates before allocating', () => {
    expect(() => generateSyntheticMarket({ sectors: 20 })).toThrow(InvalidInputError);
  });

  it('names tickers STK_0000 … with at least four digits, more when needed', () => {
    expect(syntheticTicker(0, 1500)).toBe('STK_0000');
    expect(syntheticTicker(42, 1500)).toBe('STK_0042');
    expect(syntheticTicker(7, 20_000)).toBe('STK_00007');
  });

  it('works on the smallest market: one stock, one sector, one day', () => {
    const { universe } = generateSyntheticMarket({ stocks: 1, days: 1, sectors: 1 });
    expect(universe.tickers).toEqual(['STK_0000']);
    expect(universe.sectors).toEqual(['Communication Services']);
    expect(Number.isNaN(universe.panels.get('return')!.values[0]!)).toBe(true);
    expect(universe.panels.get('close')!.values[0]).toBeGreaterThan(0);
    expect(universe.series.get('market')![0]).toBe(1000);
  });

  it('moves a weekend start to the next Monday', () => {
    const { universe } = generateSyntheticMarket({ stocks: 3, days: 2, sectors: 3, start: '2016-01-02' });
    expect(universe.dates).toEqual(['2016-01-04', '2016-01-05']);
  });
});
