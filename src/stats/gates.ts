/**
 * Adaptive gates whose null distribution does not depend on the test-window length n (methods.md §8,
 * spec 001 P1.1).
 */
import { InvalidInputError } from '../core/errors.ts';

function checkWindow(name: string, n: number): void {
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InvalidInputError(`${name} must be a positive number of bars, got ${n}`, {
      where: { field: name },
    });
  }
}

/** Sharpe as a t-statistic: SR_ann·√(n/252). */
export function sharpeTStat(sharpeAnnualized: number, n: number): number {
  checkWindow('n', n);
  return sharpeAnnualized * Math.sqrt(n / 252);
}

/** Minimum annualised Sharpe that passes a t ≥ t_min gate: t_min·√(252/n). R8.4 (t_min 2, n 54): 4.320493798938574. */
export function sharpeGateThreshold(tMin: number, n: number): number {
  checkWindow('n', n);
  return tMin * Math.sqrt(252 / n);
}

/** Minimum number of trades N_min(n) = ⌈N_ref·n/n_ref⌉. R8.4 (N_ref 100 per 252 bars, n 54): 22. */
export function minimumTrades(nRef: number, nRefBars: number, n: number): number {
  checkWindow('nRefBars', nRefBars);
  checkWindow('n', n);
  return Math.ceil((nRef * n) / nRefBars);
}

/** Drawdown gate: MaxDD must be ≥ −DD_ref·√(n/n_ref) (drawdown scales like σ√n). Returns that bound (≤ 0). */
export function drawdownGateThreshold(ddRef: number, nRefBars: number, n: number): number {
  checkWindow('nRefBars', nRefBars);
  checkWindow('n', n);
  return -Math.abs(ddRef) * Math.sqrt(n / nRefBars);
}

/** Beta gate: passes when |β̂| ≤ β_max + z·SE_NW(β̂). NaN inputs fail. */
export function betaGatePasses(
  beta: number,
  standardErrorNeweyWest: number,
  betaMax: number,
  z: number,
): boolean {
  return Math.abs(beta) <= betaMax + z * standardErrorNeweyWest;
}
