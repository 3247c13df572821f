/**
 * Daily files (`date,ticker,<field>…`, architecture.md §3, and the `date,…,Name` OHLCV dump) ↔ panels on
 * one date × ticker grid. Reading stages the file, validates it in DuckDB, then streams
 * (cell index, field values) chunks and scatters them into date-major Float64Arrays — no per-row objects.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DOUBLE, DuckDBDataChunk } from '@duckdb/node-api';
import { isIsoDate } from '../../core/calendar.ts';
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
  PRICE_FIELDS,
} from './validate.ts';
import { readDoubles, readInt32s, writeDoubles } from './vectors.ts';

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

/**
 * Dates and tickers of a staged daily table, validated: every distinct date is a real `yyyy-mm-dd` and
 * every ticker has a securities row. The checks run on the distinct values in JS; only when one fails is
 * the (slower) SQL query run that names the first offending row.
 */
export async function validatedDatesAndTickers(
  conn: DuckDBConnection,
  staged: StagedTable,
  securitiesTable: string,
  securitiesFile: string,
  knownTickers: ReadonlySet<string>,
): Promise<{ dates: string[]; tickers: string[] }> {
  const dates = await stagedDates(conn, staged);
  if (!dates.every(isIsoDate)) await checkIsoDates(conn, staged);
  const tickers = (await queryStrings(conn, `SELECT DISTINCT ticker FROM ${sqlIdent(staged.table)}`)).sort();
  if (!tickers.every((t) => knownTickers.has(t))) {
    await checkKnownTickers(conn, staged, securitiesTable, securitiesFile);
  }
  return { dates, tickers };
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
 * Scatters a daily table (dates and tickers already validated) onto the grid `dates` × `tickers`: one
 * panel per numeric field, NaN where the file has no row or an empty/NaN cell. While scattering it checks,
 * at no extra pass, that no (date, ticker) repeats, that prices are positive, and whether each ticker's
 * rows come in date order (if not, the log says they were sorted). A failed check re-runs the SQL check
 * that names the first offending row.
 */
export async function readDailyPanels(
  conn: DuckDBConnection,
  staged: StagedTable,
  dates: readonly string[],
  tickers: readonly string[],
  options: { shared?: boolean; logger?: Logger } = {},
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
  const isPrice = fields.map((f) => PRICE_FIELDS.includes(f.toLowerCase()));
  const values = fields.map(() => allocFloat64(T * N, options.shared ? { shared: true } : {}));
  // File row of each filled cell (0 = no row yet): duplicates and date order are read off this.
  const rowOfCell = new Int32Array(T * N);
  let duplicate = false;
  let nonPositive = false;
  // coalesce: a result vector without NULLs can be copied out as a whole (see vectors.ts).
  const cols = fields.map((f) => `coalesce(s.${sqlIdent(f)}, 'NaN'::DOUBLE)`).join(', ');
  const result = await conn.stream(
    `SELECT (d.idx * ${N} + k.idx)::INTEGER AS cell, s.__row::INTEGER AS row${cols ? `, ${cols}` : ''}
     FROM ${sqlIdent(staged.table)} s
     JOIN dim_date d ON s.date = d.key
     JOIN dim_ticker k ON s.ticker = k.key`,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const cells = readInt32s(chunk.getColumnVector(0));
    const rows = readInt32s(chunk.getColumnVector(1));
    for (let r = 0; r < n; r++) {
      const cell = cells[r]!;
      if (rowOfCell[cell] !== 0) duplicate = true;
      rowOfCell[cell] = rows[r]!;
    }
    for (let f = 0; f < fields.length; f++) {
      const v = readDoubles(chunk.getColumnVector(f + 2));
      const out = values[f]!;
      for (let r = 0; r < n; r++) out[cells[r]!] = v[r]!;
      if (isPrice[f]) for (let r = 0; r < n; r++) if (v[r]! <= 0) nonPositive = true;
    }
  }
  if (duplicate) await checkUniqueKeys(conn, staged, ['date', 'ticker']);
  if (nonPositive) await checkPositivePrices(conn, staged);
  if (!isTimeOrderedGrid(rowOfCell, T, N)) {
    options.logger?.warn(
      { file: staged.file },
      'daily rows were not in date order within each ticker; sorted them by date',
    );
  }
  const panels = new Map<string, Panel>();
  fields.forEach((f, k) => {
    panels.set(f, { dates, tickers, values: values[k]! });
  });
  return panels;
}

/** True when, for every ticker, file rows increase with the date (0 = no row, skipped). */
export function isTimeOrderedGrid(rowOfCell: Int32Array, T: number, N: number): boolean {
  const last = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    const base = t * N;
    for (let i = 0; i < N; i++) {
      const r = rowOfCell[base + i]!;
      if (r === 0) continue;
      if (r < last[i]!) return false;
      last[i] = r;
    }
  }
  return true;
}

const CHUNK_ROWS = 2048;

/**
 * Writes panels as a long table `<table>(<field> DOUBLE…)` through data chunks and the appender, one row
 * per (date, ticker) cell in date-major order, so row k is cell k: t = k / N, i = k % N. NaN is stored
 * as NaN (the COPY maps it to NULL). Every cell gets a row so that the grid — all-missing dates included —
 * survives a round trip.
 */
export async function appendDailyCells(
  conn: DuckDBConnection,
  table: string,
  dates: readonly string[],
  tickers: readonly string[],
  panels: ReadonlyMap<string, Panel>,
): Promise<readonly string[]> {
  const fields = [...panels.keys()];
  const total = dates.length * tickers.length;
  if (fields.length === 0) {
    // A universe without daily fields still has its grid: one row per cell, no value columns.
    await conn.run(`CREATE OR REPLACE TABLE ${sqlIdent(table)} AS SELECT range AS k FROM range(${total})`);
    return fields;
  }
  await conn.run(
    `CREATE OR REPLACE TABLE ${sqlIdent(table)} (${fields.map((f) => `${sqlIdent(f)} DOUBLE`).join(', ')})`,
  );
  const types = fields.map(() => DOUBLE);
  const src = fields.map((f) => panels.get(f)!.values);
  const appender = await conn.createAppender(table);
  try {
    for (let start = 0; start < total; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, total - start);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let f = 0; f < fields.length; f++) writeDoubles(chunk.getColumnVector(f), src[f]!, start, n);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return fields;
}
