/**
 * Rank IC per date over date-major panels, with the forward-return ranks computed once and shared by every
 * signal (architecture.md §5) — the loop research/ runs for ~110 signals × 2520 dates.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkNonNegativeInteger, checkPositiveInteger } from './checks.ts';
import { type RankedTarget, rankICWithRankedTarget } from './correlation.ts';
import { rankAverageTiesStrided, sharedRankWorkspace } from './rank.ts';

/** One {@link RankedTarget} per date of a T×N forward-return panel (views on shared buffers). */
export interface RankedPanel {
  /** Number of stocks N. */
  readonly columns: number;
  readonly rows: readonly RankedTarget[];
}

/** Ranks every date (row) of the date-major T×N `forward` once. Memory: one T×N Float64Array of ranks. */
export function rankTargetPanel(forward: Float64Array, columns: number): RankedPanel {
  checkPositiveInteger('columns', columns);
  if (forward.length % columns !== 0) {
    throw new InvalidInputError(
      `forward has length ${forward.length}, not a multiple of columns = ${columns}`,
      {
        where: { field: 'columns' },
      },
    );
  }
  const T = forward.length / columns;
  const ranks = new Float64Array(forward.length);
  const ws = sharedRankWorkspace();
  const rows: RankedTarget[] = [];
  for (let t = 0; t < T; t++) {
    const off = t * columns;
    const count = rankAverageTiesStrided(columns, forward, off, 1, ranks, off, 1, ws);
    rows.push({
      values: forward.subarray(off, off + columns),
      ranks: ranks.subarray(off, off + columns),
      count,
    });
  }
  return { columns, rows };
}

/**
 * IC_t = rank IC of signal row t against forward row t + lag over the stocks where both are non-NaN
 * (methods.md §3); NaN when fewer than `minCount` pairs, either ranked vector is constant, or t + lag ≥ T.
 * `lag` > 0 gives the IC(ℓ) series of the decay analysis. `signal` is date-major T×N like the target.
 */
export function rankICSeries(
  signal: Float64Array,
  target: RankedPanel,
  minCount: number,
  lag = 0,
): Float64Array {
  const N = target.columns;
  const T = target.rows.length;
  if (signal.length !== T * N) {
    throw new InvalidInputError(`signal has length ${signal.length}, expected T × N = ${T} × ${N}`, {
      where: { field: 'signal' },
    });
  }
  checkNonNegativeInteger('minCount', minCount);
  checkNonNegativeInteger('lag', lag);
  const ic = new Float64Array(T).fill(Number.NaN);
  for (let t = 0; t + lag < T; t++) {
    ic[t] = rankICWithRankedTarget(signal.subarray(t * N, (t + 1) * N), target.rows[t + lag]!, minCount);
  }
  return ic;
}
