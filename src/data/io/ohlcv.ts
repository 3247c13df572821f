/**
 * The classic OHLCV dump (`date,open,high,low,close,volume,Name`, gzipped or not — e.g. Kaggle's
 * all_stocks_5yr.csv) plus a `ticker,sector[,name]` file, and optionally benchmark files in their
 * published formats, loaded into a Universe in one call (architecture.md §3: "must load with one flag").
 * The universe's tickers are those of the price file; sector rows for other tickers are ignored.
 */
import { basename, resolve } from 'node:path';
import { InvalidInputError } from '../../core/errors.ts';
import { type Logger, silentLogger } from '../../core/log.ts';
import { makeUniverse, type Universe } from '../../core/universe.ts';
import { alignToDates, readCboeVixCsv, readFamaFrenchDailyCsv, readYahooCsv } from './benchmark-files.ts';
import { readDailyPanels, stageDaily, validatedDatesAndTickers } from './daily.ts';
import { withDerivedReturn } from './directory.ts';
import { withDuckDB } from './duck.ts';
import { SECURITIES_TABLE, stageSecurities } from './securities.ts';

export interface BenchmarkFiles {
  /** Yahoo-format index file (e.g. ^GSPC); becomes series `market` (Adj Close, else Close). */
  readonly index?: string;
  /** CBOE VIX history; becomes series `vix` (CLOSE). */
  readonly vix?: string;
  /** Ken French daily factor files; columns become `ff:<name>` in decimals. Earlier files win on shared names. */
  readonly famaFrench?: readonly string[];
}

export interface OhlcvDumpInput extends BenchmarkFiles {
  readonly prices: string;
  readonly sectors: string;
}

/**
 * Benchmark series from published files, restricted to (aligned on) `dates`: `market`, `vix`, `ff:*`.
 * A factor name already taken by an earlier Fama–French file is skipped and logged (the 3- and
 * 5-factor files both carry Mkt-RF, SMB, HML and RF, and SMB/HML are built differently in each).
 */
export function readBenchmarkSeries(
  files: BenchmarkFiles,
  dates: readonly string[],
  logger: Logger = silentLogger,
): Map<string, Float64Array> {
  const series = new Map<string, Float64Array>();
  if (files.index) {
    const y = readYahooCsv(files.index);
    const col = y.columns.get('adj_close') ?? y.columns.get('close')!;
    series.set('market', alignToDates(y.dates, col, dates));
  }
  if (files.vix) {
    const v = readCboeVixCsv(files.vix);
    series.set('vix', alignToDates(v.dates, v.columns.get('close')!, dates));
  }
  for (const file of files.famaFrench ?? []) {
    const ff = readFamaFrenchDailyCsv(file);
    const skipped: string[] = [];
    for (const [name, values] of ff.columns) {
      if (series.has(name)) skipped.push(name);
      else series.set(name, alignToDates(ff.dates, values, dates));
    }
    if (skipped.length)
      logger.info({ file: basename(file), skipped }, 'factor names already read from an earlier file');
  }
  for (const [name, s] of series) {
    let present = 0;
    for (let t = 0; t < s.length; t++) if (!Number.isNaN(s[t]!)) present++;
    if (present < s.length) {
      logger.warn(
        { series: name, missing: s.length - present, dates: s.length },
        'benchmark series misses universe dates',
      );
    }
  }
  return series;
}

/** Loads an OHLCV dump + sectors file (+ benchmark files) into a validated Universe. */
export async function loadOhlcvDump(
  input: OhlcvDumpInput,
  options: { logger?: Logger; shared?: boolean } = {},
): Promise<Universe> {
  const logger = options.logger ?? silentLogger;
  const universe = await withDuckDB(async (conn) => {
    const allSecurities = await stageSecurities(conn, input.sectors);
    const staged = await stageDaily(conn, input.prices);
    const bySymbol = new Map(allSecurities.map((s) => [s.ticker, s] as const));
    const { dates, tickers } = await validatedDatesAndTickers(
      conn,
      staged,
      SECURITIES_TABLE,
      basename(input.sectors),
      new Set(bySymbol.keys()),
    );
    const securities = tickers.map((t) => bySymbol.get(t)!);
    const panels = withDerivedReturn(
      await readDailyPanels(conn, staged, dates, tickers, {
        logger,
        ...(options.shared ? { shared: true } : {}),
      }),
      logger,
      options.shared,
    );
    return { dates, tickers, securities, panels };
  });
  if (universe.dates.length === 0)
    throw new InvalidInputError('no price rows', { where: { file: input.prices } });
  const series = readBenchmarkSeries(input, universe.dates, logger);
  logger.info(
    {
      prices: input.prices,
      tickers: universe.tickers.length,
      dates: universe.dates.length,
      series: [...series.keys()],
    },
    'loaded OHLCV dump',
  );
  return makeUniverse({ ...universe, series, source: `ohlcv:${resolve(input.prices)}` });
}
