import { describe, expect, it } from 'vitest';
import { InvalidInputError, isUserError, NotConvergedError } from '../../src/core/errors.ts';
import {
  createPanel,
  crossSection,
  missingShare,
  panelFromValues,
  sliceDates,
  timeSeries,
  toShared,
} from '../../src/core/panel.ts';
import { makeUniverse, requirePanel } from '../../src/core/universe.ts';

describe('Panel', () => {
  const dates = ['2015-01-01', '2015-01-02', '2015-01-05'];
  const tickers = ['A', 'B'];
  const p = panelFromValues(dates, tickers, Float64Array.from([1, 2, 3, 4, 5, Number.NaN]));

  it('is date-major with contiguous cross-sections', () => {
    expect([...crossSection(p, 1)]).toEqual([3, 4]);
    expect([...timeSeries(p, 1)]).toEqual([2, 4, Number.NaN]);
    crossSection(p, 0)[0] = 1; // a view, not a copy
    expect(missingShare(p.values)).toBeCloseTo(1 / 6, 15);
  });

  it('slices dates as a view', () => {
    const s = sliceDates(p, 1, 3);
    expect(s.dates).toEqual(['2015-01-02', '2015-01-05']);
    expect(s.values.buffer).toBe(p.values.buffer);
  });

  it('lives on a SharedArrayBuffer on request', () => {
    const shared = createPanel(dates, tickers, { shared: true });
    expect(shared.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Number.isNaN(shared.values[0]!)).toBe(true);
    const q = toShared(p);
    expect(q.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...q.values]).toEqual([...p.values]);
  });

  it('refuses values of the wrong length', () => {
    expect(() => panelFromValues(dates, tickers, new Float64Array(5))).toThrow(InvalidInputError);
  });
});

describe('Universe', () => {
  it('indexes sectors and names missing fields', () => {
    const dates = ['2015-01-01'];
    const u = makeUniverse({
      dates,
      tickers: ['A', 'B', 'C'],
      securities: [
        { ticker: 'A', sector: 'Energy' },
        { ticker: 'B', sector: 'Utilities' },
        { ticker: 'C', sector: 'Energy' },
      ],
      panels: new Map([['close', createPanel(dates, ['A', 'B', 'C'])]]),
      source: 'test',
    });
    expect(u.sectors).toEqual(['Energy', 'Utilities']);
    expect([...u.sectorOf]).toEqual([0, 1, 0]);
    expect(() => requirePanel(u, 'roe')).toThrow(/no 'roe' field.*close.*field roe/);
  });
});

describe('errors', () => {
  it('say what and where, with a stable code', () => {
    const e = new InvalidInputError('non-positive price -1', {
      where: { file: 'x.csv', row: 3, column: 'close', ticker: 'A', date: '2015-01-01' },
    });
    expect(e.message).toBe(
      'non-positive price -1 (file x.csv, row 3, column close, ticker A, date 2015-01-01)',
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.name).toBe('InvalidInputError');
    expect(isUserError(e)).toBe(true);
    const n = new NotConvergedError('ADMM did not converge', 4000, { primal: 1e-3, dual: 2e-4 });
    expect(n.message).toMatch(/after 4000 iterations \(primal=1\.000e-3, dual=2\.000e-4\)/);
    expect(isUserError(n)).toBe(false);
  });
});
