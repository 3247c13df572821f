/**
 * Volatility targeting inside the optimiser (methods.md §7, "preferred: include the risk target"). The ex-ante
 * volatility σ_p(γ) = √(ppy·w*(γ)ᵀΣw*(γ)) of the optimal book is non-increasing in the risk aversion γ (compare
 * the optimality of w*(γ₁) and w*(γ₂): (γ₂ − γ₁)(σ²(γ₁) − σ²(γ₂)) ≥ 0), so the γ that puts the book on the
 * target is a one-dimensional root. Scaling the weights after the solve instead would break the box and the
 * cost trade-off.
 *
 * **Saturation.** The box and gross limits cap the risk: σ_sat = sup_γ σ_p(γ) = lim_{γ→0} σ_p(γ), the risk of
 * the most profitable book within the limits. That book solves the problem without its risk term, and its dual
 * has m + 1 variables: Newton's method on it finds the book exactly in a few O(p·m) passes (saturated-book.ts,
 * docs/decisions/035-vol-target-predicted-iterates.md). Where that method declines (a movable name without
 * impact cost, or no convergence within its budget) the book is an ADMM solve at γ_sat = 10⁻⁶·γ₀ (γ₀ the
 * starting γ), where the risk term is negligible against α. When σ_sat < σ*(1 − tol) the target is out of
 * reach and, rather than the γ → 0 book (where Σ no longer shapes anything), the solution is the most
 * risk-averse book that still takes all but a fraction δ (`saturationShortfall`, default 1 %) of the
 * attainable risk: the γ with σ_p(γ) = (1 − δ)·σ_sat, flagged `volTargetReached: false`.
 *
 * **Search.** Both roots are found by one safeguarded secant method in log γ on a function that is ≈ linear
 * there: F = log(σ_goal/σ_p) when the target is reachable (σ_p ∝ 1/γ when no inequality binds, so the first
 * step is exact in that case) and F = log(d/δ) with the shortfall d = 1 − σ_p/σ_sat when saturated (d ∝ γ to
 * first order near γ = 0). Every solve continues the same ADMM run (`AdmmSolver`), from the iterates predicted
 * by the books already evaluated (`predictedIterates`), so a solve after a small change of γ takes a few
 * iterations.
 */
import { InvalidInputError } from '../core/errors.ts';
import {
  type AdmmOptions,
  AdmmSolver,
  type AdmmState,
  type PortfolioProblem,
  type PortfolioSolution,
} from './optimizer.ts';
import { saturatedBook } from './saturated-book.ts';

export interface VolTargetOptions extends AdmmOptions {
  /** Annualised volatility target σ*. */
  readonly targetVol: number;
  readonly periodsPerYear?: number;
  /** 'target' hits σ* from either side; 'cap' only lowers risk that exceeds σ*. */
  readonly mode?: 'target' | 'cap';
  /** Relative tolerance on σ_p/σ_goal − 1. */
  readonly tolerance?: number;
  readonly maxSolves?: number;
  /** δ: when the limits cap the risk below σ*, the book takes (1 − δ)·σ_sat. Default 0.01. */
  readonly saturationShortfall?: number;
}

export interface VolTargetSolution extends PortfolioSolution {
  readonly gamma: number;
  readonly exAnteVol: number;
  readonly volTargetReached: boolean;
  /** σ_sat, the largest risk the limits allow, when the search had to evaluate it (else NaN). */
  readonly saturatedVol: number;
  readonly solves: number;
  /** ADMM iterations summed over every solve of the search (`iterations` is the last solve's). */
  readonly totalIterations: number;
}

/** γ_sat/γ₀: the risk term at 10⁻⁶ of the starting risk aversion stands for the γ → 0 limit. */
const SATURATION_GAMMA = 1e-6;

interface Point {
  readonly gamma: number;
  readonly vol: number;
  /** The ADMM iterates at this point (z = the book), a later solve's start. */
  readonly state: AdmmState;
  /** The ADMM solution; absent for the saturated book found by its dual (saturated-book.ts). */
  readonly sol?: PortfolioSolution;
}

/**
 * How far the iterates' line is followed past the nearer of its two points, in units of the pair's span (t ≥
 * −2; t ≤ 1 always, since beyond the farther point that point would be the nearer): the secant's step can leave
 * the pair's span (it is capped at ×10 in γ), and a line extrapolated far from both is no better a start than
 * the nearer point.
 */
const PREDICTOR_REACH = 2;

/**
 * The iterates a solve at γ starts from: the line through the ADMM iterates of the two evaluated books nearest
 * in log γ, at γ — or undefined (continue from the current iterates) before there are two. The optimal book
 * and the multipliers are ≈ linear in γ between nearby roots and near γ → 0 (the regimes of the module
 * comment), so after the jump to γ_sat this predicts the book between γ_sat and γ₀ instead of starting from
 * the γ_sat book: ≈ 30 % fewer iterations per secant solve on the walk-forward's books
 * (docs/decisions/035-vol-target-predicted-iterates.md). The scaled dual y is interpolated as the unscaled ρy.
 */
export function predictedIterates(
  evaluated: readonly { readonly gamma: number; readonly state: AdmmState }[],
  gamma: number,
): AdmmState | undefined {
  if (evaluated.length < 2) return undefined;
  let a = evaluated[0]!;
  let b = evaluated[1]!;
  if (logDistance(b, gamma) < logDistance(a, gamma)) [a, b] = [b, a];
  for (let e = 2; e < evaluated.length; e++) {
    const r = evaluated[e]!;
    if (logDistance(r, gamma) < logDistance(a, gamma)) [a, b] = [r, a];
    else if (logDistance(r, gamma) < logDistance(b, gamma)) b = r;
  }
  if (a.gamma === b.gamma) return a.state;
  const t = Math.max(-PREDICTOR_REACH, (gamma - a.gamma) / (b.gamma - a.gamma));
  return interpolatedIterates(a.state, b.state, t);
}

function logDistance(r: { readonly gamma: number }, gamma: number): number {
  return Math.abs(Math.log(r.gamma / gamma));
}

/** (1 − t)·a + t·b for z and for the unscaled dual ρy, at a's ρ. */
export function interpolatedIterates(a: AdmmState, b: AdmmState, t: number): AdmmState {
  const p = a.z.length;
  const z = new Float64Array(p);
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    z[i] = a.z[i]! + t * (b.z[i]! - a.z[i]!);
    const ua = a.rho * a.y[i]!;
    y[i] = (ua + t * (b.rho * b.y[i]! - ua)) / a.rho;
  }
  return { z, y, rho: a.rho };
}

/**
 * The saturated book as a search point, from its dual (saturated-book.ts) instead of an ADMM solve at γ_sat:
 * σ_sat is its risk, and its ADMM iterates are z = w_sat with the scaled dual of the w-step's fixed point,
 * ρy = α − γ_sat·Σw − Aᵀν (the start for the solves that follow). Undefined when the dual method does not apply.
 */
function saturatedPoint(pr: PortfolioProblem, gamma: number, rho: number, ppy: number): Point | undefined {
  const book = saturatedBook(pr);
  if (!book) return undefined;
  const { w, nu, rows } = book;
  const y = pr.Sigma.mul(w);
  for (let i = 0; i < w.length; i++) {
    let u = pr.alpha[i]! - gamma * y[i]!;
    for (let j = 0; j < rows.length; j++) u -= nu[j]! * rows[j]![i]!;
    y[i] = u / rho;
  }
  return { gamma, vol: Math.sqrt(ppy * Math.max(0, pr.Sigma.quadForm(w))), state: { z: w, y, rho } };
}

/** Whether a point's risk is within the relative tolerance of the goal. */
function nearVol(r: Point, tol: number, goal: number): boolean {
  return Math.abs(r.vol / goal - 1) <= tol;
}

/**
 * R − 1 with R = σ_goal/σ_p (reachable) or d/δ (saturated): increasing in γ, zero at the root, and R ≈ γ/γ*
 * in the regimes of the module comment. Finite everywhere, also where σ_p is flat at σ_sat (R = 0).
 */
function rootValue(r: Point, saturated: boolean, saturatedVol: number, delta: number, goal: number): number {
  return (saturated ? Math.max(1 - r.vol / saturatedVol, 0) / delta : goal / r.vol) - 1;
}

/**
 * The solves of one search: one ADMM run continued from point to point. A class, not closures made per call:
 * the search runs once per book, and TurboFan inlined such closures and discarded the optimised code with them
 * (docs/decisions/157 item 5).
 */
class VolTargetSearch {
  solves = 0;
  /** σ_sat once evaluated. */
  saturatedVol = Number.NaN;
  readonly evaluated: Point[] = [];

  constructor(
    readonly solver: AdmmSolver,
    private readonly ppy: number,
  ) {}

  /** The book at γ, solved from `from` (default: the iterates predicted by the points evaluated so far). */
  at(gamma: number, from: AdmmState | undefined = predictedIterates(this.evaluated, gamma)): Point {
    const { solver } = this;
    solver.setRiskAversion(gamma, from);
    solver.converge();
    this.solves++;
    const sol = solver.solution();
    const r = { gamma, vol: Math.sqrt(this.ppy * Math.max(0, solver.risk())), state: sol.state, sol };
    this.evaluated.push(r);
    return r;
  }

  done(point: Point, reached: boolean): VolTargetSolution {
    // the saturated book is the answer only when nothing can be traded off; from its dual it has no ADMM
    // solution (duals, residuals) yet: solve at its γ, from its iterates
    const r = point.sol ? point : this.at(point.gamma);
    return {
      ...r.sol!,
      gamma: r.gamma,
      exAnteVol: r.vol,
      volTargetReached: reached,
      saturatedVol: this.saturatedVol,
      solves: this.solves,
      totalIterations: this.solver.iterationsTotal,
    };
  }
}

export function solveWithVolTarget(pr: PortfolioProblem, opts: VolTargetOptions): VolTargetSolution {
  if (!(opts.targetVol > 0)) throw new InvalidInputError(`targetVol must be positive, got ${opts.targetVol}`);
  const delta = opts.saturationShortfall ?? 0.01;
  if (!(delta > 0 && delta < 1))
    throw new InvalidInputError(`saturationShortfall must be in (0, 1), got ${opts.saturationShortfall}`);
  const ppy = opts.periodsPerYear ?? 252;
  const tol = opts.tolerance ?? 1e-3;
  const maxSolves = opts.maxSolves ?? 30;
  const target = opts.targetVol;
  const search = new VolTargetSearch(new AdmmSolver(pr, opts), ppy);

  // In 'target' mode σ_sat may be needed, and its dual is cheap. When it shows the target out of reach, the
  // goal book is within δ of the saturated book in risk, and that book's iterates are a better start for the
  // first solve than the previous rebalance's book (for another α): 27.7 → 18.6 iterations on the replay
  // (decision 035). The search's points are the same either way.
  const sat0 =
    opts.mode === 'cap'
      ? undefined
      : saturatedPoint(pr, pr.gamma * SATURATION_GAMMA, search.solver.penalty, ppy);
  const start = sat0 && sat0.vol < target * (1 - tol) ? search.at(pr.gamma, sat0.state) : search.at(pr.gamma);
  if (nearVol(start, tol, target)) return search.done(start, true);
  if (opts.mode === 'cap' && start.vol <= target) return search.done(start, true);
  if (start.vol === 0) return search.done(start, false); // nothing worth holding: no γ makes risk appear

  let goal = target;
  let saturated = false;
  let low: Point | undefined; // a point below the root in γ (more risk than the goal)
  let high: Point | undefined; // a point above it (less risk)
  if (start.vol < target) {
    // the dual's book stands at γ_sat in the search's bracket (σ_p(γ_sat) = σ_sat to ~γ_sat/γ*·δ ≈ 10⁻⁸)
    if (sat0) search.evaluated.push(sat0);
    const sat = sat0 ?? search.at(pr.gamma * SATURATION_GAMMA);
    // σ_p is non-increasing in γ, so no evaluated book can have more risk than σ_sat: the max guards against
    // the solver's tolerance
    search.saturatedVol = Math.max(sat.vol, start.vol);
    if (nearVol(sat, tol, target)) return search.done(sat, true);
    low = sat;
    high = start;
    if (sat.vol < target) {
      saturated = true;
      goal = (1 - delta) * search.saturatedVol;
      if (nearVol(start, tol, goal)) return search.done(start, false);
      if (start.vol > goal) {
        low = start;
        high = undefined;
      }
      if (sat.vol <= goal) return search.done(sat, false); // σ_p falls that far by γ_sat: nothing to trade off
    }
  } else low = start;

  let last = start;
  let previous: Point | undefined;
  let sameSide = 0; // consecutive points on the same side of the root: the secant is creeping
  while (search.solves < maxSolves) {
    const fl = rootValue(last, saturated, search.saturatedVol, delta, goal);
    const fp = previous ? rootValue(previous, saturated, search.saturatedVol, delta, goal) : Number.NaN;
    const lo = low ? Math.log(low.gamma) : Number.NEGATIVE_INFINITY;
    const hi = high ? Math.log(high.gamma) : Number.POSITIVE_INFINITY;
    const bracketed = Number.isFinite(lo) && Number.isFinite(hi);
    let lg: number;
    if (previous && fl !== fp) {
      const a = Math.log(previous.gamma);
      const b = Math.log(last.gamma);
      lg = b - (fl * (b - a)) / (fl - fp);
    } else lg = Math.log(last.gamma) - Math.log(fl + 1); // R ∝ γ; +∞ when R = 0 (still flat), capped below
    // At most a factor 10 per step; inside a bracket, bisect (in log γ) when the step leaves it or the last
    // two points fell on the same side — σ_p(γ) can be flat up to a breakpoint of the limits.
    const from = Math.log(last.gamma);
    if (!(Math.abs(lg - from) <= Math.LN10)) lg = from + (lg < from ? -Math.LN10 : Math.LN10);
    if (bracketed) {
      const margin = 1e-3 * (hi - lo);
      if (sameSide >= 2 || !(lg > lo + margin && lg < hi - margin)) lg = 0.5 * (lo + hi);
    } else if (!(lg > lo && lg < hi)) lg = Number.isFinite(lo) ? lo + Math.LN10 : hi - Math.LN10;
    const cur = search.at(Math.exp(lg));
    if (nearVol(cur, tol, goal)) return search.done(cur, !saturated);
    const below = rootValue(cur, saturated, search.saturatedVol, delta, goal) < 0;
    if (below) low = cur;
    else high = cur;
    sameSide = previous === undefined || below !== fl < 0 ? 1 : sameSide + 1; // fl: last's side
    previous = last;
    last = cur;
  }
  const best = [low, high]
    .filter((x): x is Point => x !== undefined)
    .sort((a, b) => Math.abs(a.vol - goal) - Math.abs(b.vol - goal))[0]!;
  return search.done(best, !saturated && Math.abs(best.vol / goal - 1) <= 10 * tol);
}
