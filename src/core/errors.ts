/**
 * Typed errors with stable codes (style.md habit 9). Library code throws these; only `cli/` turns them
 * into exit codes and only `server/` into HTTP statuses.
 */

/** Where a problem was found: any subset of file, row, column, ticker and date. */
export interface ErrorLocation {
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  readonly ticker?: string;
  readonly date?: string;
  readonly field?: string;
}

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'INTEGRITY'
  | 'CONFLICT'
  | 'NUMERICAL'
  | 'INFEASIBLE'
  | 'NOT_CONVERGED'
  | 'UNAVAILABLE';

function describeLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(`file ${where.file}`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column ${where.column}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  if (where.ticker !== undefined) parts.push(`ticker ${where.ticker}`);
  if (where.date !== undefined) parts.push(`date ${where.date}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export interface AlphalabErrorOptions {
  readonly where?: ErrorLocation;
  readonly cause?: unknown;
}

/** Base class of every error alphalab throws on purpose. */
export abstract class AlphalabError extends Error {
  abstract readonly code: ErrorCode;
  readonly where: ErrorLocation | undefined;
  /** The message without the location suffix. */
  readonly what: string;

  constructor(what: string, options: AlphalabErrorOptions = {}) {
    super(
      what + describeLocation(options.where),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.what = what;
    this.where = options.where;
    this.name = new.target.name;
  }
}

/** The user gave something wrong: a file, a flag, a value. CLI exit code 2, HTTP 400. */
export class InvalidInputError extends AlphalabError {
  readonly code = 'INVALID_INPUT' as const;
}

/** Something asked for does not exist. CLI exit code 2, HTTP 404. */
export class NotFoundError extends AlphalabError {
  readonly code = 'NOT_FOUND' as const;
}

/** Stored data is damaged: a checksum or shape does not match. CLI exit code 1, HTTP 500. */
export class IntegrityError extends AlphalabError {
  readonly code = 'INTEGRITY' as const;
}

/** The operation collides with the current state (a held lock, a duplicate). CLI exit code 2, HTTP 409. */
export class ConflictError extends AlphalabError {
  readonly code = 'CONFLICT' as const;
}

/** A numerical routine could not produce a valid answer (not positive definite, singular). */
export class NumericalError extends AlphalabError {
  readonly code = 'NUMERICAL' as const;
}

/** An optimisation problem has no feasible point; `constraints` names the ones involved. */
export class InfeasibleError extends AlphalabError {
  readonly code = 'INFEASIBLE' as const;
  readonly constraints: readonly string[];
  constructor(what: string, constraints: readonly string[], options: AlphalabErrorOptions = {}) {
    super(`${what}; constraints involved: ${constraints.join(', ')}`, options);
    this.constraints = constraints;
  }
}

/** An iterative method stopped before meeting its tolerances. */
export class NotConvergedError extends AlphalabError {
  readonly code = 'NOT_CONVERGED' as const;
  readonly iterations: number;
  readonly residuals: Readonly<Record<string, number>>;
  constructor(
    what: string,
    iterations: number,
    residuals: Readonly<Record<string, number>>,
    options: AlphalabErrorOptions = {},
  ) {
    const detail = Object.entries(residuals)
      .map(([k, v]) => `${k}=${v.toExponential(3)}`)
      .join(', ');
    super(`${what} after ${iterations} iterations (${detail})`, options);
    this.iterations = iterations;
    this.residuals = residuals;
  }
}

/** A required service (database, Redis) cannot be reached. CLI exit code 1, HTTP 503. */
export class UnavailableError extends AlphalabError {
  readonly code = 'UNAVAILABLE' as const;
}

export function isAlphalabError(e: unknown): e is AlphalabError {
  return e instanceof AlphalabError;
}

/** True for errors caused by the user's input rather than by alphalab or its environment. */
export function isUserError(e: unknown): boolean {
  return e instanceof InvalidInputError || e instanceof NotFoundError || e instanceof ConflictError;
}
