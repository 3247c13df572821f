/**
 * The universe directory (architecture.md §3): `securities.csv`, `daily.csv|parquet`, optional
 * `events.csv|parquet` and `series.csv|parquet`. Read into a core Universe; written atomically.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { type Logger, silentLogger } from '../../core/log.ts';
import type { Panel } from '../../core/panel.ts';
import { eventCount, makeUniverse, type Universe } from '../../core/universe.ts';
import { type AtomicDirOptions, writeDirAtomically } from './atomic.ts';
import { appendDailyCells, readDailyPanels, stageDaily, validatedDatesAndTickers } from './daily.ts';
import { sqlIdent, sqlString, withDuckDB } from './duck.ts';
import { readEventsFile, stageEventsForWrite } from './events.ts';
import { returnPanelFromClose } from './returns.ts';
import { SECURITIES_TABLE, stageSecurities } from './securities.ts';
import { readSeriesFile, stageSeriesForWrite } from './series.ts';
import type { FileFormat } from './stage.ts';

export interface ReadUniverseOptions {
  readonly logger?: Logger;
  /** Put panels on SharedArrayBuffers (for worker threads). */
  readonly shared?: boolean;
}

/** Finds `<stem>.parquet` or `<stem>.csv` (or `.csv.gz`) in `dir`; both present is ambiguous. */
export function findDataFile(dir: string, stem: string): string | undefined {
  const hits = [`${stem}.parquet`, `${stem}.csv`, `${stem}.csv.gz`]
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f));
  if (hits.length > 1) {
    throw new ConflictError(`the directory holds ${hits.length} '${stem}' files; keep one`, {
      where: { file: hits[1]! },
    });
  }
  return hits[0];
}

/** Adds `return` (methods.md §1, simple close-to-close) when the daily data has `close` but no `return`. */
export function withDerivedReturn(
  panels: Map<string, Panel>,
  logger: Logger,
  shared = false,
): Map<string, Panel> {
  const close = panels.get('close');
  if (!panels.has('return') && close) {
    panels.set('return', returnPanelFromClose(close, { shared }));
    logger.info('derived the return field from close (simple close-to-close returns)');
  }
  return panels;
}

/** Reads a universe directory into a Universe (panels on the sorted-dates × sorted-securities grid). */
export async function readUniverseDir(dir: string, options: ReadUniverseOptions = {}): Promise<Universe> {
  const logger = options.logger ?? silentLogger;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new NotFoundError('universe directory does not exist', { where: { file: dir } });
  }
  const securitiesFile = join(dir, 'securities.csv');
  if (!existsSync(securitiesFile)) {
    throw new NotFoundError('the universe directory has no securities.csv', { where: { file: dir } });
  }
  const dailyFile = findDataFile(dir, 'daily');
  if (!dailyFile)
    throw new NotFoundError('the universe directory has no daily.csv or daily.parquet', {
      where: { file: dir },
    });
  const eventsFile = findDataFile(dir, 'events');
  const seriesFile = findDataFile(dir, 'series');
  return withDuckDB(async (conn) => {
    const securities = await stageSecurities(conn, securitiesFile);
    const staged = await stageDaily(conn, dailyFile);
    const tickers = securities.map((s) => s.ticker);
    const { dates } = await validatedDatesAndTickers(
      conn,
      staged,
      SECURITIES_TABLE,
      'securities.csv',
      new Set(tickers),
    );
    const panels = withDerivedReturn(
      await readDailyPanels(conn, staged, dates, tickers, {
        logger,
        ...(options.shared ? { shared: true } : {}),
      }),
      logger,
      options.shared,
    );
    const series = seriesFile
      ? await readSeriesFile(conn, seriesFile, dates)
      : new Map<string, Float64Array>();
    const events = eventsFile ? await readEventsFile(conn, eventsFile, tickers) : undefined;
    logger.info(
      { dir, tickers: tickers.length, dates: dates.length, fields: [...panels.keys()] },
      'read universe directory',
    );
    return makeUniverse({
      dates,
      tickers,
      securities,
      panels,
      series,
      ...(events ? { events } : {}),
      source: `dir:${resolve(dir)}`,
    });
  });
}

export interface WriteUniverseOptions extends AtomicDirOptions {
  readonly format?: FileFormat;
  readonly logger?: Logger;
}

function copyTarget(path: string, format: FileFormat): string {
  return format === 'parquet'
    ? `${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`
    : `${sqlString(path)} (FORMAT csv, HEADER true)`;
}

async function writeSecurities(conn: DuckDBConnection, u: Universe, path: string): Promise<void> {
  const withName = u.securities.some((s) => s.name !== undefined);
  await conn.run(`CREATE OR REPLACE TABLE securities_out (ticker VARCHAR, sector VARCHAR, name VARCHAR)`);
  const appender = await conn.createAppender('securities_out');
  try {
    for (const s of u.securities) {
      appender.appendVarchar(s.ticker);
      appender.appendVarchar(s.sector);
      if (s.name === undefined) appender.appendNull();
      else appender.appendVarchar(s.name);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await conn.run(
    `COPY (SELECT ticker, sector${withName ? ', name' : ''} FROM securities_out ORDER BY ticker) TO ${copyTarget(path, 'csv')}`,
  );
}

/**
 * Writes `u` as a universe directory at `dir` (CSV or Parquet; securities are always CSV), atomically:
 * a failure at any step leaves `dir` as it was and no temporary directory behind.
 */
export async function writeUniverseDir(
  u: Universe,
  dir: string,
  options: WriteUniverseOptions = {},
): Promise<void> {
  const format = options.format ?? 'parquet';
  const logger = options.logger ?? silentLogger;
  for (const f of u.panels.keys()) {
    if (f === 'date' || f === 'ticker' || f.trim() === '') {
      throw new InvalidInputError(`a daily field cannot be named '${f}'`, { where: { field: f } });
    }
  }
  await writeDirAtomically(
    dir,
    (tmp) =>
      withDuckDB(async (conn) => {
        await writeSecurities(conn, u, join(tmp, 'securities.csv'));
        const fields = await appendDailyCells(conn, 'daily_out', u.dates, u.tickers, u.panels);
        const cols = fields
          .map((f) => `NULLIF(c.${sqlIdent(f)}, 'NaN'::DOUBLE) AS ${sqlIdent(f)}`)
          .join(', ');
        // Row k of daily_out is cell k (date-major). Dates and tickers come from constant lists indexed
        // by t = k / N and i = k % N: a projection keeps the scan order, where a join would need an
        // ORDER BY over every row.
        const N = u.tickers.length;
        const dateList = `[${u.dates.map(sqlString).join(', ')}]`;
        const tickerList = `[${u.tickers.map(sqlString).join(', ')}]`;
        await conn.run(
          `COPY (SELECT CAST(${dateList}[c.rowid // ${N} + 1] AS DATE) AS date, ${tickerList}[c.rowid % ${N} + 1] AS ticker${cols ? `, ${cols}` : ''}
                 FROM daily_out c)
           TO ${copyTarget(join(tmp, `daily.${format}`), format)}`,
        );
        if (u.series.size > 0) {
          await stageSeriesForWrite(conn, u.series, u.dates);
          await conn.run(
            `COPY (SELECT CAST(date AS DATE) AS date, series, value FROM series_out ORDER BY series, date)
             TO ${copyTarget(join(tmp, `series.${format}`), format)}`,
          );
        }
        if (eventCount(u.events) > 0) {
          await stageEventsForWrite(conn, u.events, u.tickers);
          await conn.run(`COPY events_out TO ${copyTarget(join(tmp, `events.${format}`), format)}`);
        }
      }),
    options,
  );
  logger.info({ dir, format, tickers: u.tickers.length, dates: u.dates.length }, 'wrote universe directory');
}
