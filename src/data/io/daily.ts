/**
 * Daily files (`date,ticker,<field>…`, architecture.md §3, and the `date,…,Name` OHLCV dump) ↔ panels on
 * one date × ticker grid. Reading stages the file, validates it in DuckDB, then streams
 * (cell index, field values) chunks and scatters them into date-major Float64Arrays — no per-row objects.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DOUBLE, DuckDBDataChunk, INTEGER } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { allocFloat64, type Panel } from '../../core/panel.ts';
import { queryStrings, sqlIdent } from './duck.ts';
import { type StagedTable, stageFile } from './stage.ts';
import {
  checkIsoDates,
  checkKnownTickers,
  checkPositivePrices,
  checkUniqueKeys,
  isTimeOrdered,
} from './validate.ts';

export const DAILY_TABLE = 'daily';
const INT32_CELLS = 2 ** 31 - 1;

/** Stages a daily file: `date`, `ticker` (or `Name`/`symbol` as in the OHLCV dump), every other column numeric. */
export async function stageDaily(conn: DuckDBConnection, file: string): Promise<StagedTable> {
  return stageFile(conn, {
    file,
    table: DAILY_TABLE,
    text: { date: ['date'], ticker: ['ticker', 'name', 'symbol'] },
    restNumeric: true,
    locate: { ticker: 'ticker', date: 'date' },
  });
}

/** All checks of a staged daily table against the staged securities; logs (and tolerates) unsorted input. */
export async function validateDaily(
  conn: DuckDBConnection,
  staged: StagedTable,
  securitiesTable: string,
  securitiesFile: string,
  logger: Logger,
): Promise<void> {
  await checkIsoDates(conn, staged);
  await checkUniqueKeys(conn, staged, ['date', 'ticker']);
  await checkPositivePrices(conn, staged);
  await checkKnownTickers(conn, staged, securitiesTable, securitiesFile);
  if (!(await isTimeOrdered(conn, staged))) {
    logger.warn(
      { file: staged.file },
      'daily rows were not in date order within each ticker; sorted them by date',
    );
  }
}

/** Creates a two-column lookup table (key VARCHAR, idx INTEGER) with the appender. */
async function createIndexTable(
  conn: DuckDBConnection,
  table: string,
  keys: readonly string[],
): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${sqlIdent(table)} (key VARCHAR, idx INTEGER)`);
  const appender = await conn.createAppender(table);
  try {
    for (let k = 0; k < keys.length; k++) {
      appender.appendVarchar(keys[k]!);
      appender.appendInteger(k);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Sorted distinct dates of the staged daily table. */
export async function stagedDates(conn: DuckDBConnection, staged: StagedTable): Promise<string[]> {
  const dates = await queryStrings(conn, `SELECT DISTINCT date FROM ${sqlIdent(staged.table)}`);
  return dates.sort();
}

/**
 * Scatters a validated daily table onto the grid `dates` × `tickers`: one panel per numeric field, NaN
 * where the file has no row or an empty/NaN cell. Rows whose date or ticker is not on the grid are skipped.
 */
export async function readDailyPanels(
  conn: DuckDBConnection,
  staged: StagedTable,
  dates: readonly string[],
  tickers: readonly string[],
  options: { shared?: boolean } = {},
): Promise<Map<string, Panel>> {
  const T = dates.length;
  const N = tickers.length;
  if (T * N > INT32_CELLS) {
    throw new InvalidInputError(`a ${T} × ${N} grid is too large for one panel`, {
      where: { file: staged.file },
    });
  }
  await createIndexTable(conn, 'dim_date', dates);
  await createIndexTable(conn, 'dim_ticker', tickers);
  const fields = staged.numeric;
  const values = fields.map(() => allocFloat64(T * N, options.shared ? { shared: true } : {}));
  const cols = fields.map((f) => `s.${sqlIdent(f)}`).join(', ');
  const result = await conn.stream(
    `SELECT (d.idx * ${N} + k.idx)::INTEGER AS cell${cols ? `, ${cols}` : ''}
     FROM ${sqlIdent(staged.table)} s
     JOIN dim_date d ON s.date = d.key
     JOIN dim_ticker k ON s.ticker = k.key`,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const cell = chunk.getColumnVector(0);
    const cells = new Int32Array(n);
    for (let r = 0; r < n; r++) cells[r] = cell.getItem(r) as number;
    for (let f = 0; f < fields.length; f++) {
      const vec = chunk.getColumnVector(f + 1);
      const out = values[f]!;
      for (let r = 0; r < n; r++) {
        const v = vec.getItem(r) as number | null;
        out[cells[r]!] = v === null ? Number.NaN : v;
      }
    }
  }
  const panels = new Map<string, Panel>();
  fields.forEach((f, k) => {
    panels.set(f, { dates, tickers, values: values[k]! });
  });
  return panels;
}

const CHUNK_ROWS = 2048;

/**
 * Writes panels as a long table `daily(t INTEGER, i INTEGER, <field> DOUBLE…)` through data chunks and
 * the appender, one row per (date, ticker) cell, NaN written as NULL. Every cell gets a row so that the
 * grid (including all-missing dates) survives a round trip.
 */
export async function appendDailyCells(
  conn: DuckDBConnection,
  table: string,
  dates: readonly string[],
  tickers: readonly string[],
  panels: ReadonlyMap<string, Panel>,
): Promise<readonly string[]> {
  const fields = [...panels.keys()];
  const T = dates.length;
  const N = tickers.length;
  const colDefs = ['t INTEGER', 'i INTEGER', ...fields.map((f) => `${sqlIdent(f)} DOUBLE`)];
  await conn.run(`CREATE OR REPLACE TABLE ${sqlIdent(table)} (${colDefs.join(', ')})`);
  const types = [INTEGER, INTEGER, ...fields.map(() => DOUBLE)];
  const src = fields.map((f) => panels.get(f)!.values);
  const appender = await conn.createAppender(table);
  try {
    const total = T * N;
    for (let start = 0; start < total; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, total - start);
      const chunk = DuckDBDataChunk.create(types, n);
      const tv = chunk.getColumnVector(0);
      const iv = chunk.getColumnVector(1);
      for (let r = 0; r < n; r++) {
        const cell = start + r;
        const t = Math.floor(cell / N);
        tv.setItem(r, t);
        iv.setItem(r, cell - t * N);
      }
      tv.flush();
      iv.flush();
      for (let f = 0; f < fields.length; f++) {
        const vec = chunk.getColumnVector(f + 2);
        const v = src[f]!;
        for (let r = 0; r < n; r++) {
          const x = v[start + r]!;
          vec.setItem(r, Number.isNaN(x) ? null : x);
        }
        vec.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await createIndexTable(conn, 'out_date', dates);
  await createIndexTable(conn, 'out_ticker', tickers);
  return fields;
}
