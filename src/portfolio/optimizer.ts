/**
 * Constrained mean–variance portfolio optimiser (methods.md §7): maximise
 *
 *   αᵀw − (γ/2)·wᵀΣw − Σ_i [a_i|w_i − w0_i| + b_i|w_i − w0_i|^{3/2}]
 *
 * subject to equality rows Aw = 0 (dollar-, sector-, beta-neutral; dependent rows dropped), box lo ≤ w ≤ hi and
 * optionally Σ|w| ≤ G, by ADMM (Boyd et al. 2011 §3.3): f(w) = ½γwᵀΣw − αᵀw + I{Aw = 0} and g(z) = costs +
 * box + gross, with w = z. The w-step applies (γΣ + ρI)⁻¹ through the covariance operator (Woodbury, O(pk)),
 * then eliminates A through its m×m Schur complement; the z-step is the exact separable prox
 * (`proxTradeCost`), with a gross-leverage multiplier found by bisection. Over-relaxation 1.6 and residual
 * balancing of ρ; warm start from a previous solution.
 */
import { InfeasibleError, InvalidInputError, NotConvergedError } from '../core/errors.ts';
import { type ConstrainedStepSolver, schurStepSolver } from './constrained-step.ts';
import { dropDependentRows, type EqualityConstraint } from './constraints.ts';
import { proxTradeCost } from './prox.ts';

/** What the optimiser needs of a covariance estimate (satisfied by linalg's StructuredCovariance). */
export interface RiskOperator {
  readonly p: number;
  /** Σx. */
  mul(x: Float64Array, out?: Float64Array): Float64Array;
  /** wᵀΣw. */
  quadForm(w: Float64Array): number;
  /** A solver for (a·Σ + ρI)x = b, factorised once. */
  shiftedSolver(a: number, rho: number): { solve(b: Float64Array, out?: Float64Array): Float64Array };
  /**
   * Optional: the equality-constrained w-step for M = a·Σ + ρI and independent rows A (constrained-step.ts).
   * Operators that can form A·M⁻¹·Aᵀ cheaply for every (a, ρ) provide it; otherwise the optimiser uses the
   * generic Schur form (m solves per factorisation).
   */
  constrainedSolver?(a: number, rho: number, rows: readonly Float64Array[]): ConstrainedStepSolver;
}

export interface PortfolioProblem {
  readonly alpha: Float64Array;
  readonly Sigma: RiskOperator;
  /** Risk aversion γ (seed 002's λ = γ/2). */
  readonly gamma: number;
  /** Weights held before trading (drifted). */
  readonly w0: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Linear cost per unit |Δw| per name: κ + (half-spread + fee)/1e4. */
  readonly linearCost: Float64Array;
  /** Square-root impact coefficient per name (0 for none). */
  readonly impactCost?: Float64Array;
  readonly equalities: readonly EqualityConstraint[];
  /** Σ|w| ≤ maxGross. */
  readonly maxGross?: number;
}

export interface AdmmOptions {
  readonly rho?: number;
  readonly epsAbs?: number;
  readonly epsRel?: number;
  readonly maxIterations?: number;
  /** Over-relaxation α ∈ (0, 2). */
  readonly relaxation?: number;
  /** Adapt ρ by residual balancing every this many iterations (0 = fixed ρ). */
  readonly adaptEvery?: number;
  readonly warmStart?: AdmmState;
}

/** ADMM iterates, for warm starts. `y` is the scaled dual. */
export interface AdmmState {
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly rho: number;
}

export interface PortfolioSolution {
  /** Optimal weights (the z iterate: box and gross limits hold exactly, equalities to tolerance). */
  readonly w: Float64Array;
  readonly iterations: number;
  readonly primalResidual: number;
  readonly dualResidual: number;
  /** max_j |A_j w| over the kept equality rows. */
  readonly equalityResidual: number;
  readonly objective: number;
  readonly keptConstraints: readonly string[];
  readonly droppedConstraints: readonly string[];
  readonly state: AdmmState;
}

function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function checkProblem(pr: PortfolioProblem): void {
  const p = pr.alpha.length;
  const arrays: [string, Float64Array | undefined][] = [
    ['w0', pr.w0],
    ['lower', pr.lower],
    ['upper', pr.upper],
    ['linearCost', pr.linearCost],
    ['impactCost', pr.impactCost],
  ];
  if (pr.Sigma.p !== p) throw new InvalidInputError(`covariance has dimension ${pr.Sigma.p}, alpha has ${p}`);
  for (const [name, a] of arrays) {
    if (a && a.length !== p) throw new InvalidInputError(`${name} has length ${a.length}, expected ${p}`);
  }
  for (let i = 0; i < p; i++) {
    if (!Number.isFinite(pr.alpha[i]!))
      throw new InvalidInputError(
        `alpha of name ${i} is ${pr.alpha[i]}; exclude it (lower = upper = 0) instead`,
      );
    if (!(pr.lower[i]! <= pr.upper[i]!))
      throw new InfeasibleError(`box of name ${i} is empty [${pr.lower[i]}, ${pr.upper[i]}]`, ['box']);
  }
  if (!(pr.gamma > 0)) throw new InvalidInputError(`risk aversion gamma must be positive, got ${pr.gamma}`);
  if (pr.maxGross !== undefined && !(pr.maxGross > 0))
    throw new InvalidInputError(`maxGross must be positive, got ${pr.maxGross}`);
}

/** Solves the problem by ADMM; throws NotConvergedError (or InfeasibleError when the limits cannot all hold). */
export function solvePortfolio(pr: PortfolioProblem, options: AdmmOptions = {}): PortfolioSolution {
  checkProblem(pr);
  const p = pr.alpha.length;
  const epsAbs = options.epsAbs ?? 1e-8;
  const epsRel = options.epsRel ?? 1e-6;
  const maxIterations = options.maxIterations ?? 20_000;
  const relax = options.relaxation ?? 1.6;
  const adaptEvery = options.adaptEvery ?? 50;
  const impact = pr.impactCost ?? new Float64Array(p);
  const { kept, dropped } = dropDependentRows(pr.equalities);

  let rho = options.warmStart?.rho ?? options.rho ?? 1;
  const z = options.warmStart ? Float64Array.from(options.warmStart.z) : Float64Array.from(pr.w0);
  const y = options.warmStart ? Float64Array.from(options.warmStart.y) : new Float64Array(p);
  for (let i = 0; i < p; i++) z[i] = Math.min(pr.upper[i]!, Math.max(pr.lower[i]!, z[i]!));

  // The w-step for the current ρ: M = γΣ + ρI with A eliminated through its m × m Schur complement.
  const rows = kept.map((c) => c.row);
  const factorise = (): ConstrainedStepSolver =>
    pr.Sigma.constrainedSolver?.(pr.gamma, rho, rows) ?? schurStepSolver(pr.Sigma, pr.gamma, rho, rows);
  let step = factorise();

  const q = new Float64Array(p);
  const w = new Float64Array(p);
  const wr = new Float64Array(p);
  const zPrev = new Float64Array(p);
  let rPrimal = Number.POSITIVE_INFINITY;
  let rDual = Number.POSITIVE_INFINITY;
  let it = 0;
  for (it = 1; it <= maxIterations; it++) {
    for (let i = 0; i < p; i++) q[i] = pr.alpha[i]! + rho * (z[i]! - y[i]!);
    step.solve(q, w);
    for (let i = 0; i < p; i++) wr[i] = relax * w[i]! + (1 - relax) * z[i]!;
    zPrev.set(z);
    proxStep(wr, y, pr, impact, rho, z);
    for (let i = 0; i < p; i++) y[i] = y[i]! + wr[i]! - z[i]!;

    let rp = 0;
    let rd = 0;
    for (let i = 0; i < p; i++) {
      const e = w[i]! - z[i]!;
      rp += e * e;
      const d = z[i]! - zPrev[i]!;
      rd += d * d;
    }
    rPrimal = Math.sqrt(rp);
    rDual = rho * Math.sqrt(rd);
    const epsPri = Math.sqrt(p) * epsAbs + epsRel * Math.max(norm2(w), norm2(z));
    const epsDual = Math.sqrt(p) * epsAbs + epsRel * rho * norm2(y);
    if (rPrimal <= epsPri && rDual <= epsDual) break;
    if (adaptEvery > 0 && it % adaptEvery === 0) {
      // Residual balancing (Boyd et al. 2011 §3.4.1): keep the residuals within a factor 10 of each other.
      let scale = 1;
      if (rPrimal > 10 * rDual) scale = 2;
      else if (rDual > 10 * rPrimal) scale = 0.5;
      if (scale !== 1) {
        rho *= scale;
        for (let i = 0; i < p; i++) y[i] = y[i]! / scale;
        step = factorise();
      }
    }
  }
  const state: AdmmState = { z: Float64Array.from(z), y: Float64Array.from(y), rho };
  let eqResidual = 0;
  for (const c of kept) eqResidual = Math.max(eqResidual, Math.abs(dot(c.row, z)));
  if (it > maxIterations) {
    // ADMM on an infeasible problem keeps ‖w − z‖ away from zero while both pieces stay bounded.
    const worst = kept
      .map((c) => ({ name: c.name, r: Math.abs(dot(c.row, z)) }))
      .sort((a, b) => b.r - a.r)
      .filter((c) => c.r > 1e-6)
      .map((c) => c.name);
    if (rPrimal > 1e-4 * Math.max(1, norm2(z)) && worst.length > 0) {
      throw new InfeasibleError('the equality constraints cannot hold within the box and leverage limits', [
        ...worst,
        'box',
        ...(pr.maxGross !== undefined ? ['gross'] : []),
      ]);
    }
    throw new NotConvergedError('portfolio ADMM did not converge', maxIterations, {
      primal: rPrimal,
      dual: rDual,
    });
  }
  return {
    w: Float64Array.from(z),
    iterations: it,
    primalResidual: rPrimal,
    dualResidual: rDual,
    equalityResidual: eqResidual,
    objective: portfolioObjective(pr, z),
    keptConstraints: kept.map((c) => c.name),
    droppedConstraints: dropped,
    state,
  };
}

/** The z-step: per-name prox of costs and box at v = w̃ + y, with the gross-leverage multiplier by bisection. */
function proxStep(
  wr: Float64Array,
  y: Float64Array,
  pr: PortfolioProblem,
  impact: Float64Array,
  rho: number,
  z: Float64Array,
): void {
  const p = z.length;
  const apply = (lambda: number) => {
    let gross = 0;
    for (let i = 0; i < p; i++) {
      z[i] = proxTradeCost(
        wr[i]! + y[i]!,
        pr.w0[i]!,
        pr.linearCost[i]!,
        impact[i]!,
        lambda,
        rho,
        pr.lower[i]!,
        pr.upper[i]!,
      );
      gross += Math.abs(z[i]!);
    }
    return gross;
  };
  const G = pr.maxGross;
  const gross0 = apply(0);
  if (G === undefined || gross0 <= G) return;
  // Σ|z(λ)| is non-increasing in λ; find the smallest λ with Σ|z| ≤ G.
  let lo = 0;
  let hi = 1e-6;
  while (apply(hi) > G) hi *= 4;
  for (let k = 0; k < 100 && hi - lo > 1e-15 * Math.max(1, hi); k++) {
    const mid = 0.5 * (lo + hi);
    if (apply(mid) > G) lo = mid;
    else hi = mid;
  }
  apply(hi);
}

/** αᵀw − (γ/2)wᵀΣw − trading costs, the quantity maximised. */
export function portfolioObjective(pr: PortfolioProblem, w: Float64Array): number {
  let cost = 0;
  for (let i = 0; i < w.length; i++) {
    const t = Math.abs(w[i]! - pr.w0[i]!);
    cost += pr.linearCost[i]! * t + (pr.impactCost ? pr.impactCost[i]! * t * Math.sqrt(t) : 0);
  }
  return dot(pr.alpha, w) - 0.5 * pr.gamma * pr.Sigma.quadForm(w) - cost;
}
