/**
 * `series.csv|parquet` (architecture.md §3): `date,series,value` — benchmark series (market index,
 * volatility index, sector indices, factor returns), aligned on read to the universe's dates. Rows dated
 * off the grid are dropped; dates with no row are NaN.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent } from './duck.ts';
import { stageFile } from './stage.ts';
import { checkIsoDates, checkUniqueKeys } from './validate.ts';

/** Reads a long series file into one Float64Array per series, aligned to `dates`. */
export async function readSeriesFile(
  conn: DuckDBConnection,
  file: string,
  dates: readonly string[],
): Promise<Map<string, Float64Array>> {
  const staged = await stageFile(conn, {
    file,
    table: 'series',
    text: { date: ['date'], series: ['series'] },
    numeric: ['value'],
    locate: { date: 'date' },
  });
  await checkIsoDates(conn, staged);
  await checkUniqueKeys(conn, staged, ['date', 'series'], { date: 'date' });
  const rows = await queryRows(
    conn,
    `SELECT date, series, value FROM ${sqlIdent(staged.table)} ORDER BY series, date`,
  );
  const dateIndex = new Map(dates.map((d, t) => [d, t] as const));
  const out = new Map<string, Float64Array>();
  for (const r of rows) {
    const name = String(r.series);
    let s = out.get(name);
    if (!s) {
      s = new Float64Array(dates.length).fill(Number.NaN);
      out.set(name, s);
    }
    const t = dateIndex.get(String(r.date));
    if (t !== undefined) s[t] = r.value === null ? Number.NaN : (r.value as number);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Creates the table `series_out(date, series, value)`; NaN is written as NULL so an all-missing series survives. */
export async function stageSeriesForWrite(
  conn: DuckDBConnection,
  series: ReadonlyMap<string, Float64Array>,
  dates: readonly string[],
): Promise<void> {
  await conn.run('CREATE OR REPLACE TABLE series_out (date VARCHAR, series VARCHAR, value DOUBLE)');
  const appender = await conn.createAppender('series_out');
  try {
    for (const [name, values] of series) {
      for (let t = 0; t < dates.length; t++) {
        const v = values[t]!;
        appender.appendVarchar(dates[t]!);
        appender.appendVarchar(name);
        if (Number.isNaN(v)) appender.appendNull();
        else appender.appendDouble(v);
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
