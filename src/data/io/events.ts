/**
 * `events.csv|parquet` (architecture.md §3): `ticker,field,event_time,available_time,value`, sparse
 * point-in-time facts. Times are ISO-8601 text with a zone (`Z` or `±hh:mm`), or a bare `yyyy-mm-dd`
 * meaning that day's close (core/calendar `parseInstant`); a timestamp without a zone is refused
 * (methods.md §0: all timestamps UTC). Events keep the file's row order.
 */

import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatInstant, parseInstant } from '../../core/calendar.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { PitEvents } from '../../core/universe.ts';
import { queryRows, sqlIdent } from './duck.ts';
import { stageFile } from './stage.ts';
import { checkUniqueKeys } from './validate.ts';

export const EVENT_COLUMNS = ['ticker', 'field', 'event_time', 'available_time', 'value'] as const;

/** Reads an events file into columnar PitEvents; tickers must be among `tickers` (sorted universe tickers). */
export async function readEventsFile(
  conn: DuckDBConnection,
  file: string,
  tickers: readonly string[],
): Promise<PitEvents> {
  const staged = await stageFile(conn, {
    file,
    table: 'events',
    text: {
      ticker: ['ticker'],
      field: ['field'],
      event_time: ['event_time'],
      available_time: ['available_time'],
    },
    numeric: ['value'],
    locate: { ticker: 'ticker' },
  });
  await checkUniqueKeys(conn, staged, ['ticker', 'field', 'event_time', 'available_time'], {
    ticker: 'ticker',
  });
  const rows = await queryRows(
    conn,
    `SELECT __row, ticker, field, event_time, available_time, value FROM ${sqlIdent(staged.table)} ORDER BY __row`,
  );
  const tickerIndex = new Map(tickers.map((t, i) => [t, i] as const));
  const fieldNames = [...new Set(rows.map((r) => String(r.field)))].sort();
  const fieldIndex = new Map(fieldNames.map((f, k) => [f, k] as const));
  const n = rows.length;
  const out = {
    fields: fieldNames,
    ticker: new Int32Array(n),
    field: new Int32Array(n),
    eventTime: new Float64Array(n),
    availableTime: new Float64Array(n),
    value: new Float64Array(n),
  };
  const name = basename(file);
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    const row = Number(r.__row);
    const ticker = String(r.ticker);
    const i = tickerIndex.get(ticker);
    if (i === undefined) {
      throw new InvalidInputError(`event for ticker ${ticker}, which is not in the universe`, {
        where: { file: name, row, column: 'ticker', ticker },
      });
    }
    out.ticker[k] = i;
    out.field[k] = fieldIndex.get(String(r.field))!;
    for (const col of ['event_time', 'available_time'] as const) {
      const text = String(r[col]);
      let ms: number;
      try {
        ms = parseInstant(text);
      } catch (cause) {
        throw new InvalidInputError((cause as Error).message, {
          where: { file: name, row, column: col, ticker },
          cause,
        });
      }
      if (col === 'event_time') out.eventTime[k] = ms;
      else out.availableTime[k] = ms;
    }
    out.value[k] = r.value === null ? Number.NaN : (r.value as number);
  }
  return out;
}

/** Creates the table `events_out` (ISO-text times, NaN → NULL) ready to be copied to a file. */
export async function stageEventsForWrite(
  conn: DuckDBConnection,
  events: PitEvents,
  tickers: readonly string[],
): Promise<void> {
  await conn.run(
    'CREATE OR REPLACE TABLE events_out (ticker VARCHAR, field VARCHAR, event_time VARCHAR, available_time VARCHAR, value DOUBLE)',
  );
  const appender = await conn.createAppender('events_out');
  try {
    for (let k = 0; k < events.value.length; k++) {
      const ticker = tickers[events.ticker[k]!];
      const field = events.fields[events.field[k]!];
      if (ticker === undefined || field === undefined) {
        throw new InvalidInputError(
          `event ${k} refers to ticker index ${events.ticker[k]} and field index ${events.field[k]}, outside the universe`,
        );
      }
      appender.appendVarchar(ticker);
      appender.appendVarchar(field);
      appender.appendVarchar(formatInstant(events.eventTime[k]!));
      appender.appendVarchar(formatInstant(events.availableTime[k]!));
      const v = events.value[k]!;
      if (Number.isNaN(v)) appender.appendNull();
      else appender.appendDouble(v);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
