/**
 * Options of the synthetic market, their defaults (seed 002's universe: 1500 stocks, 11 GICS sectors, seed 42;
 * ten years of business days from 2015-01-01) and their validation.
 */
import { isIsoDate } from '../../core/calendar.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { GICS_SECTORS } from './parameters.ts';

export interface SyntheticOptions {
  /** Number of stocks (default 1500). */
  readonly stocks?: number;
  /** Number of business days (default 2520). */
  readonly days?: number;
  /** Number of GICS sectors used, 1–11 (default 11). */
  readonly sectors?: number;
  /** Seed of every random stream (default 42). */
  readonly seed?: number;
  /** First date, ISO yyyy-mm-dd; a weekend start moves to the next Monday (default '2015-01-01'). */
  readonly start?: string;
  /** Put the panels on SharedArrayBuffers so worker threads read them without a copy (default false). */
  readonly shared?: boolean;
}

export interface ResolvedSyntheticOptions {
  readonly stocks: number;
  readonly days: number;
  readonly sectors: number;
  readonly seed: number;
  readonly start: string;
  readonly shared: boolean;
}

export const SYNTHETIC_DEFAULTS: ResolvedSyntheticOptions = Object.freeze({
  stocks: 1500,
  days: 2520,
  sectors: 11,
  seed: 42,
  start: '2015-01-01',
  shared: false,
});

/** Largest stocks × days accepted: 14 panels of this many float64 cells already take 2.8 GB. */
export const MAX_SYNTHETIC_CELLS = 25_000_000;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`synthetic option '${name}' must be a positive integer, got ${value}`, {
      where: { field: name },
    });
  }
  return value;
}

/** Fills in defaults and checks every option; throws InvalidInputError naming the bad one. */
export function resolveSyntheticOptions(options: SyntheticOptions = {}): ResolvedSyntheticOptions {
  const stocks = positiveInteger('stocks', options.stocks ?? SYNTHETIC_DEFAULTS.stocks);
  const days = positiveInteger('days', options.days ?? SYNTHETIC_DEFAULTS.days);
  const sectors = positiveInteger('sectors', options.sectors ?? SYNTHETIC_DEFAULTS.sectors);
  if (sectors > GICS_SECTORS.length) {
    throw new InvalidInputError(
      `synthetic option 'sectors' must be at most ${GICS_SECTORS.length}, got ${sectors}`,
      {
        where: { field: 'sectors' },
      },
    );
  }
  if (stocks < sectors) {
    throw new InvalidInputError(
      `synthetic option 'stocks' (${stocks}) must be at least 'sectors' (${sectors}) so every sector has a stock`,
      { where: { field: 'stocks' } },
    );
  }
  if (stocks * days > MAX_SYNTHETIC_CELLS) {
    throw new InvalidInputError(
      `synthetic market of ${stocks} stocks × ${days} days exceeds ${MAX_SYNTHETIC_CELLS} cells per panel`,
      { where: { field: 'days' } },
    );
  }
  const seed = options.seed ?? SYNTHETIC_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidInputError(`synthetic option 'seed' must be a safe integer, got ${seed}`, {
      where: { field: 'seed' },
    });
  }
  const start = options.start ?? SYNTHETIC_DEFAULTS.start;
  if (!isIsoDate(start)) {
    throw new InvalidInputError(`synthetic option 'start' must be a date yyyy-mm-dd, got '${start}'`, {
      where: { field: 'start' },
    });
  }
  return { stocks, days, sectors, seed, start, shared: options.shared ?? false };
}
