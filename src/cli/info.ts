/** `alphalab info DIR`: read (and so validate) a universe directory and summarise it. */
import type { Command } from 'commander';
import { readUniverseDir } from '../data/io/directory.ts';
import { summarizeUniverse } from '../data/io/summary.ts';
import type { CliContext } from './context.ts';
import { formatUniverseSummary } from './summary-format.ts';

export function registerInfoCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('info')
    .description('summarise a universe directory: tickers, dates, sectors, fields and their missing share')
    .argument('<dir>', 'universe directory (securities.csv + daily.csv|parquet …)')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab info data/sp500
  $ alphalab info data/sp500 --json | jq .tickers`,
    )
    .action(async (dir: string, _opts: unknown, command: Command) => {
      const session = ctx.session(command);
      const universe = await readUniverseDir(dir, { logger: session.logger });
      const summary = summarizeUniverse(universe);
      if (session.options.json) session.printJson({ dir, ...summary });
      else session.print(formatUniverseSummary(summary));
    });
}
