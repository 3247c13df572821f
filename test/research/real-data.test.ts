// The signal tier on real prices (61 S&P 500 stocks × 503 days, test/fixtures/sp500-slice): the price
// families run, the fundamental ones are skipped with a note naming the field, betas use the real index.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOhlcvDump } from '../../src/data/io/index.ts';
import { runSignalTier } from '../../src/research/index.ts';
import { baseSignalSpecs } from '../../src/signals/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/sp500-slice/${name}`, import.meta.url));

describe('research on the real-data slice', () => {
  it('runs the price signals, skips the fundamental ones with a note, and uses the S&P 500 index for betas', async () => {
    const universe = await loadOhlcvDump({
      prices: fixture('all_stocks_slice.csv.gz'),
      sectors: fixture('sp500_sectors.csv'),
      index: fixture('sp500_index_GSPC_yahoo.csv'),
    });
    const r = await runSignalTier(universe, {
      specs: baseSignalSpecs,
      horizons: [5, 21],
      ic: { minCoverage: 40, minBucketSize: 5 },
      minIcObs: 30,
    });
    expect(r.context.marketSource).toBe('series:market');
    const status = Object.fromEntries(r.signals.map((s) => [s.name, s.status]));
    expect(status).toMatchObject({
      MOM: 'ok',
      MOM6: 'ok',
      STR: 'ok',
      LOW: 'ok',
      VAL: 'skipped',
      QRE: 'skipped',
      EPS: 'skipped',
    });
    expect(r.notes).toContain("signal VAL skipped: the universe has no 'book_to_market' field");
    expect(r.notes.some((n) => n.includes("'market_cap'"))).toBe(true);
    const mom6 = r.table.find((x) => x.signal === 'MOM6' && x.horizon === 21)!;
    expect(mom6.n).toBeGreaterThan(200);
    expect(Math.abs(mom6.meanIc)).toBeLessThan(0.3);
    expect(r.duplicates).toEqual([]);
  });
});
