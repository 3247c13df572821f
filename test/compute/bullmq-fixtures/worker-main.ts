// A small entry script for real worker processes in tests: a program with only the worker and schedule
// commands (src/cli/main.ts carries them once the lead wires them into program.ts; loading every other
// command's dependencies would only slow the test's start-up).
import { Command } from 'commander';
import { createCliContext } from '../../../src/cli/context.ts';
import { describeError, exitCodeFor } from '../../../src/cli/errors.ts';
import { registerScheduleCommand } from '../../../src/cli/schedule.ts';
import { registerWorkerCommand } from '../../../src/cli/worker.ts';

const ctx = createCliContext();
const program = new Command('alphalab')
  .option('--config <file>')
  .option('--json')
  .option('--log-level <level>');
program.exitOverride();
registerWorkerCommand(program, ctx);
registerScheduleCommand(program, ctx);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const text = describeError(e, true);
  if (text) process.stderr.write(`${text}\n`);
  process.exitCode = exitCodeFor(e);
}
