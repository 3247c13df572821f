/**
 * Errors cross thread boundaries by structured clone, which keeps only `Error`'s message: the typed class,
 * its `code` and `where` would be lost. Workers encode them with `encodeTaskError` and the caller rebuilds
 * the same class with `decodeTaskError`, so a bad input found in a worker still reaches the CLI as an
 * InvalidInputError (exit code 2).
 */
import {
  AlphalabError,
  ConflictError,
  type ErrorLocation,
  IntegrityError,
  InvalidInputError,
  NotFoundError,
  NumericalError,
  UnavailableError,
} from '../core/errors.ts';

export interface EncodedTaskError {
  readonly taskError: true;
  readonly name: string;
  readonly code: string | undefined;
  readonly what: string;
  readonly message: string;
  readonly where: ErrorLocation | undefined;
  readonly stack: string | undefined;
}

export function encodeTaskError(e: unknown): EncodedTaskError {
  if (e instanceof AlphalabError) {
    return {
      taskError: true,
      name: e.name,
      code: e.code,
      what: e.what,
      message: e.message,
      where: e.where,
      stack: e.stack,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    taskError: true,
    name: err.name,
    code: undefined,
    what: err.message,
    message: err.message,
    where: undefined,
    stack: err.stack,
  };
}

export function isEncodedTaskError(x: unknown): x is EncodedTaskError {
  return typeof x === 'object' && x !== null && (x as { taskError?: unknown }).taskError === true;
}

const byCode: Record<string, new (what: string, o: { where?: ErrorLocation }) => AlphalabError> = {
  INVALID_INPUT: InvalidInputError,
  NOT_FOUND: NotFoundError,
  INTEGRITY: IntegrityError,
  CONFLICT: ConflictError,
  NUMERICAL: NumericalError,
  UNAVAILABLE: UnavailableError,
};

/** Rebuilds a typed error (codes without a simple constructor come back as a plain Error). */
export function decodeTaskError(e: EncodedTaskError, taskIndex: number): Error {
  const Ctor = e.code === undefined ? undefined : byCode[e.code];
  const err = Ctor
    ? new Ctor(e.what, e.where === undefined ? {} : { where: e.where })
    : new Error(`task ${taskIndex} failed: ${e.message}`);
  if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n    (in worker) ${e.stack}`;
  return err;
}
