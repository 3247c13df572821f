/**
 * The `alphalab` program: global options, the commands, and the error edge. `runCli` never calls
 * process.exit; it returns the exit code so it can run in-process (tests) or from main.ts.
 */
import { Command, Option } from 'commander';
import { type CliContext, createCliContext } from './context.ts';
import { registerCovarianceCommand } from './covariance.ts';
import { registerDailyCommand } from './daily.ts';
import { describeError, EXIT_OK, exitCodeFor } from './errors.ts';
import { registerFeaturesCommand } from './features.ts';
import { registerInfoCommand } from './info.ts';
import { registerIngestCommand } from './ingest.ts';
import { registerModelsCommand } from './models.ts';
import { registerMonitorCommand } from './monitor.ts';
import { registerPredictCommand } from './predict.ts';
import { registerResearchCommand } from './research.ts';
import { registerRiskCommand } from './risk.ts';
import { registerScheduleCommand } from './schedule.ts';
import { registerServeCommand } from './serve.ts';
import { registerSynthCommand } from './synth.ts';
import { registerTrainCommand } from './train.ts';
import { registerWorkerCommand } from './worker.ts';

/** A command module: adds one subcommand to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => unknown;

/** Commands registered by default; others plug in through `buildProgram(ctx, [...extra])`. */
export const CORE_COMMANDS: readonly RegisterCommand[] = [
  registerResearchCommand,
  registerSynthCommand,
  registerIngestCommand,
  registerInfoCommand,
  registerRiskCommand,
  registerCovarianceCommand,
  registerFeaturesCommand,
  registerModelsCommand,
  registerTrainCommand,
  registerPredictCommand,
  registerMonitorCommand,
  registerDailyCommand,
  registerServeCommand,
  registerWorkerCommand,
  registerScheduleCommand,
];

export function buildProgram(ctx: CliContext, extra: readonly RegisterCommand[] = []): Command {
  const program = new Command('alphalab')
    .description('Systematic equity research and model operations')
    .option('--config <file>', 'YAML configuration file (default: ./alphalab.yaml when present)')
    .option('--json', 'machine-readable JSON on stdout (commands that print results)')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr (default: info, or ALPHALAB_LOG_LEVEL)').choices(
        ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      ),
    )
    .option('--verbose', 'print stack traces of internal errors')
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    })
    // Throw instead of exiting, so that the exit code is decided in one place (runCli).
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab synth --stocks 300 --days 756 --out data/small
  $ alphalab info data/small --json
  $ alphalab <command> --help`,
    );
  for (const register of [...CORE_COMMANDS, ...extra]) register(program, ctx);
  return program;
}

/** Parses `argv` (as process.argv: node, script, args…), runs the command, returns the exit code. */
export async function runCli(
  argv: readonly string[],
  ctx: CliContext = createCliContext(),
  extra: readonly RegisterCommand[] = [],
): Promise<number> {
  const program = buildProgram(ctx, extra);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (e) {
    const showStack = argv.includes('--verbose') || Boolean(ctx.io.env.ALPHALAB_DEBUG);
    const text = describeError(e, showStack);
    if (text) ctx.io.stderr(text);
    return exitCodeFor(e);
  }
}
