/**
 * data/io benchmarks: universe directory write and read at the default synthetic size (1500 × 2520,
 * 14 daily fields, ~5 % missing), in Parquet and CSV, and the full real-data ingest
 * (all_stocks_5yr.csv.gz + sectors + index, VIX, Fama–French → Parquet universe directory).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDays } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { makeUniverse, type Universe } from '../src/core/universe.ts';
import { loadOhlcvDump, readUniverseDir, writeUniverseDir } from '../src/data/io/index.ts';
import { defineBenchmarks } from './harness.ts';

const T = 2520;
const N = 1500;
const FIELDS = [
  'open',
  'high',
  'low',
  'close',
  'volume',
  'return',
  'market_cap',
  'book_to_market',
  'roe',
  'asset_growth',
  'accruals',
  'eps_revision',
  'short_interest',
  'earnings_surprise',
];

function benchUniverse(): Universe {
  const rng = new Rng(20261121);
  const dates = businessDays('2015-01-01', T);
  const tickers = Array.from({ length: N }, (_, i) => `STK_${String(i).padStart(4, '0')}`);
  const securities = tickers.map((ticker, i) => ({ ticker, sector: `Sector ${i % 11}` }));
  const panels = new Map(
    FIELDS.map((f) => {
      const v = new Float64Array(T * N);
      rng.fillNormal(v, 0, 1);
      for (let k = 0; k < v.length; k++) {
        if (rng.uniform() < 0.05) v[k] = Number.NaN;
        else if (f === 'open' || f === 'high' || f === 'low' || f === 'close')
          v[k] = 50 * Math.exp(0.3 * v[k]!);
      }
      return [f, { dates, tickers, values: v }] as const;
    }),
  );
  return makeUniverse({ dates, tickers, securities, panels, source: 'bench' });
}

const cells = T * N;
const REAL = '/work/shared/data/real';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'alphalab-bench-io-'));
}

function writeCase(format: 'parquet' | 'csv') {
  return {
    name: `io.${format}.write`,
    size: `${N}x${T}x${FIELDS.length}`,
    setup: () => ({ u: benchUniverse(), dir: scratch() }),
    async run(s: { u: Universe; dir: string }) {
      const t0 = performance.now();
      await writeUniverseDir(s.u, join(s.dir, 'u'), { format });
      const ms = performance.now() - t0;
      rmSync(s.dir, { recursive: true, force: true });
      return { MCellsPerSec: (cells * FIELDS.length) / ms / 1e3 };
    },
  };
}

function readCase(format: 'parquet' | 'csv') {
  return {
    name: `io.${format}.read`,
    size: `${N}x${T}x${FIELDS.length}`,
    async setup() {
      const dir = scratch();
      await writeUniverseDir(benchUniverse(), join(dir, 'u'), { format });
      return dir;
    },
    async run(dir: string) {
      const t0 = performance.now();
      const u = await readUniverseDir(join(dir, 'u'));
      const ms = performance.now() - t0;
      rmSync(dir, { recursive: true, force: true });
      if (u.panels.size !== FIELDS.length) throw new Error('wrong field count');
      return { MCellsPerSec: (cells * FIELDS.length) / ms / 1e3 };
    },
  };
}

export default defineBenchmarks([
  writeCase('parquet'),
  readCase('parquet'),
  writeCase('csv'),
  readCase('csv'),
  {
    name: 'io.ingest.real',
    size: '505x1259 OHLCV + index, VIX, 3 FF files',
    target: '≤ 10 s wall',
    setup: () => {
      if (!existsSync(join(REAL, 'all_stocks_5yr.csv.gz'))) throw new Error(`${REAL} is not available`);
      return scratch();
    },
    async run(dir: string) {
      const t0 = performance.now();
      const u = await loadOhlcvDump({
        prices: join(REAL, 'all_stocks_5yr.csv.gz'),
        sectors: join(REAL, 'sp500_sectors.csv'),
        index: join(REAL, 'sp500_index_GSPC_yahoo.csv'),
        vix: join(REAL, 'VIX_History.csv'),
        famaFrench: [
          join(REAL, 'F-F_Research_Data_Factors_daily.CSV'),
          join(REAL, 'F-F_Research_Data_5_Factors_2x3_daily.CSV'),
          join(REAL, 'F-F_Momentum_Factor_daily.CSV'),
        ],
      });
      const loadMs = performance.now() - t0;
      await writeUniverseDir(u, join(dir, 'sp500'), { format: 'parquet' });
      const writeMs = performance.now() - t0 - loadMs;
      rmSync(dir, { recursive: true, force: true });
      return { loadMs, writeMs, tickers: u.tickers.length, dates: u.dates.length };
    },
  },
]);
