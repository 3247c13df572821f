/**
 * The error edge of the CLI (style.md habit 9, architecture.md §8): a user mistake (InvalidInputError,
 * NotFoundError, ConflictError, or a bad flag) prints one line `alphalab: <message>` and exits 2;
 * anything else exits 1, with the stack only under `--verbose` or ALPHALAB_DEBUG.
 */
import { CommanderError } from 'commander';
import { isUserError } from '../core/errors.ts';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USER = 2;

/** The exit code for an error thrown out of a command. */
/** Code of the CommanderError a command throws to exit with a chosen status (e.g. monitor severities). */
export const EXIT_STATUS_CODE = 'alphalab.exitStatus';

export function exitCodeFor(e: unknown): number {
  // a deliberate exit status, e.g. `monitor run` telling a scheduler the worst severity (docs/monitoring.md)
  if (e instanceof CommanderError && e.code === EXIT_STATUS_CODE) return e.exitCode;
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USER;
  return isUserError(e) ? EXIT_USER : EXIT_INTERNAL;
}

/** The text to print for `e` (without trailing newline), or '' when commander has already printed it. */
export function describeError(e: unknown, showStack: boolean): string {
  if (e instanceof CommanderError) return '';
  const message = e instanceof Error ? e.message : String(e);
  const line = `alphalab: ${message.split('\n')[0]}`;
  if (isUserError(e) || !showStack) return line;
  const stack = e instanceof Error && e.stack ? e.stack : '';
  return stack ? `${line}\n${stack}` : line;
}
