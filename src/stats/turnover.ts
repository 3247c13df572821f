/**
 * Drifted weights and turnover at a rebalance (methods.md §8).
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkSameLength, outputArray } from './checks.ts';

/**
 * Pre-trade weights after one period of drift: w⁻_i = w_i(1 + r_i)/(1 + Σ_j w_j r_j). Assets with w_i = 0
 * are unaffected by their return (which may be NaN); a NaN return on a held asset, or a portfolio return of
 * −100 %, makes every output NaN. R8.3: w = [0.5, 0.5], r = [0.1, −0.1] → [0.55, 0.45].
 */
export function driftWeights(w: Float64Array, r: Float64Array, out?: Float64Array): Float64Array {
  checkSameLength('w', w, 'r', r);
  const result = outputArray(out, w.length);
  let portfolio = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) portfolio += w[i]! * r[i]!;
  const growth = 1 + portfolio;
  if (Number.isNaN(growth) || growth === 0) return result.fill(Number.NaN);
  for (let i = 0; i < w.length; i++) result[i] = w[i] === 0 ? 0 : (w[i]! * (1 + r[i]!)) / growth;
  return result;
}

/** Portfolio simple return Σ w_i r_i over held assets. R8.3 long-short: 0.015. */
export function portfolioReturn(w: Float64Array, r: Float64Array): number {
  checkSameLength('w', w, 'r', r);
  let s = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) s += w[i]! * r[i]!;
  return s;
}

export interface Turnover {
  /** Σ_i |w_i − w⁻_i|: traded notional as a fraction of capital (costs apply to this). */
  readonly twoWay: number;
  /** twoWay / 2. */
  readonly oneWay: number;
}

/**
 * Turnover of moving from the drifted weights `drifted` to `target`. NaN if any weight is NaN.
 * R8.3: [0.55, 0.45] → [0.5, 0.5] is two-way 0.10, one-way 0.05.
 */
export function turnover(target: Float64Array, drifted: Float64Array): Turnover {
  checkSameLength('target', target, 'drifted', drifted);
  let twoWay = 0;
  for (let i = 0; i < target.length; i++) twoWay += Math.abs(target[i]! - drifted[i]!);
  return { twoWay, oneWay: twoWay / 2 };
}

/** Annualised two-way turnover (252/N_days)·Σ_t TO_t over an evaluation window of N_days trading days. */
export function annualizedTurnover(twoWayPerRebalance: Float64Array, nDays: number): number {
  if (!(nDays > 0)) {
    throw new InvalidInputError(`nDays must be positive, got ${nDays}`, { where: { field: 'nDays' } });
  }
  let s = 0;
  for (let t = 0; t < twoWayPerRebalance.length; t++) s += twoWayPerRebalance[t]!;
  return (252 / nDays) * s;
}
