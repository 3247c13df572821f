/** `alphalab synth`: write a seeded synthetic universe directory (data/synthetic, seed 002's market). */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { writeUniverseDir } from '../data/io/directory.ts';
import type { FileFormat } from '../data/io/stage.ts';
import { summarizeUniverse } from '../data/io/summary.ts';
import { generateSyntheticMarket } from '../data/synthetic/index.ts';
import type { CliContext } from './context.ts';
import { formatUniverseSummary } from './summary-format.ts';

interface SynthOptions {
  readonly stocks?: number;
  readonly days?: number;
  readonly sectors?: number;
  readonly seed?: number;
  readonly start?: string;
  readonly format: FileFormat;
  readonly out: string;
  readonly overwrite?: boolean;
}

/** commander parser for an integer flag; a bad value is a usage error (exit 2). */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`'${value}' is not an integer`);
  }
  return n;
}

export function registerSynthCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('synth')
    .description('write a synthetic universe directory (defaults from the config section data.synthetic)')
    .option('--stocks <n>', 'number of stocks (default 1500)', parseInteger)
    .option('--days <n>', 'number of business days (default 2520)', parseInteger)
    .option('--sectors <n>', 'number of GICS sectors, 1–11 (default 11)', parseInteger)
    .option('--seed <n>', 'random seed (default 42)', parseInteger)
    .option('--start <date>', 'first date, yyyy-mm-dd (default 2015-01-01)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['parquet', 'csv']).default('parquet'),
    )
    .requiredOption('--out <dir>', 'output universe directory')
    .option('--overwrite', 'replace a non-empty output directory')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab synth --out data/synth
  $ alphalab synth --stocks 300 --days 756 --seed 7 --format csv --out data/small --json`,
    )
    .action(async (opts: SynthOptions, command: Command) => {
      const session = ctx.session(command);
      const defaults = session.config().data.synthetic;
      const options = {
        stocks: opts.stocks ?? defaults.stocks,
        days: opts.days ?? defaults.days,
        sectors: opts.sectors ?? defaults.sectors,
        seed: opts.seed ?? defaults.seed,
        start: opts.start ?? defaults.start,
      };
      const t0 = performance.now();
      session.logger.info(options, 'generating synthetic market');
      const { universe } = generateSyntheticMarket(options);
      const generatedMs = Math.round(performance.now() - t0);
      await writeUniverseDir(universe, opts.out, {
        format: opts.format,
        overwrite: opts.overwrite === true,
        logger: session.logger,
      });
      const elapsedMs = Math.round(performance.now() - t0);
      const summary = summarizeUniverse(universe);
      if (session.options.json) {
        session.printJson({
          out: opts.out,
          format: opts.format,
          options,
          generatedMs,
          elapsedMs,
          ...summary,
        });
      } else {
        session.print(`wrote ${opts.out} (${opts.format}) in ${(elapsedMs / 1000).toFixed(2)} s\n`);
        session.print(formatUniverseSummary(summary));
      }
    });
}
