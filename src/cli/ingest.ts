/**
 * `alphalab ingest`: convert a universe directory (CSV or Parquet) or an OHLCV dump + sectors file, plus
 * optional index / VIX / Fama–French files, into a validated universe directory, and print a summary.
 */
import { type Command, Option } from 'commander';
import { InvalidInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { makeUniverse, type Universe } from '../core/universe.ts';
import { readUniverseDir, writeUniverseDir } from '../data/io/directory.ts';
import { type BenchmarkFiles, loadOhlcvDump, readBenchmarkSeries } from '../data/io/ohlcv.ts';
import type { FileFormat } from '../data/io/stage.ts';
import { summarizeUniverse } from '../data/io/summary.ts';
import type { CliContext } from './context.ts';
import { formatUniverseSummary } from './summary-format.ts';

interface IngestOptions {
  readonly from?: string;
  readonly ohlcv?: string;
  readonly sectors?: string;
  readonly index?: string;
  readonly vix?: string;
  readonly ff?: string[];
  readonly out: string;
  readonly format: FileFormat;
  readonly overwrite?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function benchmarkFiles(o: IngestOptions): BenchmarkFiles {
  return {
    ...(o.index ? { index: o.index } : {}),
    ...(o.vix ? { vix: o.vix } : {}),
    ...(o.ff?.length ? { famaFrench: o.ff } : {}),
  };
}

/** Reads the input described by the flags into a Universe. */
export async function readIngestInput(o: IngestOptions, logger: Logger): Promise<Universe> {
  if (o.from && o.ohlcv) throw new InvalidInputError('give either --from DIR or --ohlcv FILE, not both');
  if (o.ohlcv) {
    if (!o.sectors) throw new InvalidInputError('--ohlcv needs --sectors FILE (ticker,sector[,name])');
    return loadOhlcvDump({ prices: o.ohlcv, sectors: o.sectors, ...benchmarkFiles(o) }, { logger });
  }
  if (!o.from)
    throw new InvalidInputError('nothing to ingest: give --from DIR or --ohlcv FILE --sectors FILE');
  if (o.sectors)
    throw new InvalidInputError('--sectors goes with --ohlcv; a universe directory has securities.csv');
  const u = await readUniverseDir(o.from, { logger });
  const files = benchmarkFiles(o);
  if (!files.index && !files.vix && !files.famaFrench) return u;
  const series = new Map(u.series);
  for (const [name, values] of readBenchmarkSeries(files, u.dates, logger)) series.set(name, values);
  return makeUniverse({ ...u, series });
}

export function registerIngestCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('ingest')
    .description(
      'convert CSV, Parquet or an OHLCV dump (+ sectors, index, VIX, Fama–French files) into a universe directory',
    )
    .option('--from <dir>', 'an existing universe directory (CSV or Parquet)')
    .option('--ohlcv <file>', 'an OHLCV dump date,open,high,low,close,volume,Name (.csv or .csv.gz)')
    .option('--sectors <file>', 'ticker,sector[,name] file for --ohlcv')
    .option('--index <file>', 'market index in Yahoo format (Date,…,Close,Adj Close,…) → series "market"')
    .option('--vix <file>', 'CBOE VIX history (DATE as MM/DD/YYYY, …, CLOSE) → series "vix"')
    .option(
      '--ff <file>',
      'Ken French daily factor CSV → series "ff:<name>" in decimals (repeatable)',
      collect,
    )
    .requiredOption('--out <dir>', 'output universe directory')
    .addOption(
      new Option('--format <format>', 'output format').choices(['parquet', 'csv']).default('parquet'),
    )
    .option('--overwrite', 'replace a non-empty output directory')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab ingest --ohlcv all_stocks_5yr.csv.gz --sectors sp500_sectors.csv \\
      --index sp500_index_GSPC_yahoo.csv --vix VIX_History.csv \\
      --ff F-F_Research_Data_Factors_daily.CSV --ff F-F_Momentum_Factor_daily.CSV --out data/sp500
  $ alphalab ingest --from data/sp500 --format csv --out data/sp500-csv --json`,
    )
    .action(async (opts: IngestOptions, command: Command) => {
      const session = ctx.session(command);
      const t0 = performance.now();
      const universe = await readIngestInput(opts, session.logger);
      await writeUniverseDir(universe, opts.out, {
        format: opts.format,
        overwrite: opts.overwrite === true,
        logger: session.logger,
      });
      const elapsedMs = Math.round(performance.now() - t0);
      const summary = summarizeUniverse(universe);
      if (session.options.json) {
        session.printJson({ out: opts.out, format: opts.format, elapsedMs, ...summary });
      } else {
        session.print(`wrote ${opts.out} (${opts.format}) in ${(elapsedMs / 1000).toFixed(2)} s\n`);
        session.print(formatUniverseSummary(summary));
      }
    });
}
