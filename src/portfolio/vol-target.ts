/**
 * Volatility targeting inside the optimiser (methods.md §7, "preferred: include the risk target"): σ_p(γ) =
 * √(252·w*(γ)ᵀΣw*(γ)) falls as risk aversion γ rises, so the γ that puts the solution exactly on the target is
 * found by a safeguarded secant search in log γ, each solve warm-started from the previous one. Scaling the
 * weights after the solve instead would break the box and the cost trade-off. When the box or gross limit
 * caps the risk below the target, the most risky feasible solution is returned and flagged.
 */
import { InvalidInputError } from '../core/errors.ts';
import {
  type AdmmOptions,
  type PortfolioProblem,
  type PortfolioSolution,
  solvePortfolio,
} from './optimizer.ts';

export interface VolTargetOptions extends AdmmOptions {
  /** Annualised volatility target σ*. */
  readonly targetVol: number;
  readonly periodsPerYear?: number;
  /** 'target' hits σ* from either side; 'cap' only lowers risk that exceeds σ*. */
  readonly mode?: 'target' | 'cap';
  /** Relative tolerance on σ_p/σ* − 1. */
  readonly tolerance?: number;
  readonly maxSolves?: number;
}

export interface VolTargetSolution extends PortfolioSolution {
  readonly gamma: number;
  readonly exAnteVol: number;
  readonly volTargetReached: boolean;
  readonly solves: number;
  /** ADMM iterations summed over every solve of the search (`iterations` is the last solve's). */
  readonly totalIterations: number;
}

export function solveWithVolTarget(pr: PortfolioProblem, opts: VolTargetOptions): VolTargetSolution {
  if (!(opts.targetVol > 0)) throw new InvalidInputError(`targetVol must be positive, got ${opts.targetVol}`);
  const ppy = opts.periodsPerYear ?? 252;
  const tol = opts.tolerance ?? 1e-3;
  const maxSolves = opts.maxSolves ?? 40;
  const target = opts.targetVol;
  let solves = 0;
  let totalIterations = 0;
  let warm = opts.warmStart;
  const run = (gamma: number) => {
    const sol = solvePortfolio({ ...pr, gamma }, { ...opts, ...(warm ? { warmStart: warm } : {}) });
    warm = sol.state;
    solves++;
    totalIterations += sol.iterations;
    return { sol, vol: Math.sqrt(ppy * Math.max(0, pr.Sigma.quadForm(sol.w))), gamma };
  };
  const done = (
    r: { sol: PortfolioSolution; vol: number; gamma: number },
    reached: boolean,
  ): VolTargetSolution => ({
    ...r.sol,
    gamma: r.gamma,
    exAnteVol: r.vol,
    volTargetReached: reached,
    solves,
    totalIterations,
  });

  /**
   * Once the limits cap the risk, every small γ gives nearly the same book and Σ stops mattering. Return
   * instead the most risk-averse solution that still takes 98% of the attainable risk, so the risk model keeps
   * shaping the book: raise γ ×4 while the volatility stays above that level.
   */
  const mostRiskAverseNear = (saturated: { sol: PortfolioSolution; vol: number; gamma: number }) => {
    let keep = saturated;
    for (let k = 0; k < 12; k++) {
      const next = run(keep.gamma * 4);
      if (next.vol < 0.98 * saturated.vol) break;
      keep = next;
    }
    return keep;
  };

  let cur = run(pr.gamma);
  if (Math.abs(cur.vol / target - 1) <= tol) return done(cur, true);
  if (opts.mode === 'cap' && cur.vol <= target) return done(cur, true);
  if (cur.vol === 0) return done(cur, false); // nothing worth holding: no γ makes risk appear

  // Bracket in log γ: `hi` has vol ≥ target (low γ), `lo` has vol ≤ target (high γ).
  let above: typeof cur | undefined = cur.vol > target ? cur : undefined;
  let below: typeof cur | undefined = cur.vol < target ? cur : undefined;
  let guess = cur.gamma * (cur.vol / target); // exact when no inequality binds: w ∝ 1/γ
  while (solves < maxSolves) {
    if (above && below) {
      // secant on log vol vs log γ, kept strictly inside the bracket
      const la = Math.log(above.gamma);
      const lb = Math.log(below.gamma);
      const va = Math.log(above.vol) - Math.log(target);
      const vb = Math.log(below.vol) - Math.log(target);
      let lg = la - (va * (lb - la)) / (vb - va);
      const lo = Math.min(la, lb);
      const hi = Math.max(la, lb);
      if (!(lg > lo + 1e-3 * (hi - lo) && lg < hi - 1e-3 * (hi - lo))) lg = 0.5 * (la + lb);
      guess = Math.exp(lg);
    }
    const previousBelow = below;
    cur = run(guess);
    if (Math.abs(cur.vol / target - 1) <= tol) return done(cur, true);
    if (cur.vol > target) above = cur;
    else below = cur;
    // Lowering γ by half or more added almost no risk: the box or gross limit binds, the target is out of reach.
    if (
      !above &&
      previousBelow &&
      cur.gamma <= 0.5 * previousBelow.gamma &&
      cur.vol <= previousBelow.vol * 1.005
    ) {
      return done(mostRiskAverseNear(cur), false);
    }
    if (!above) guess = cur.gamma * Math.max(cur.vol / target, 1e-3) * 0.5;
    else if (!below) guess = cur.gamma * Math.min(cur.vol / target, 1e3) * 2;
  }
  const best = [above, below]
    .filter((x) => x !== undefined)
    .sort((a, b) => Math.abs(a.vol - target) - Math.abs(b.vol - target))[0]!;
  return done(best, Math.abs(best.vol / target - 1) <= 10 * tol);
}
