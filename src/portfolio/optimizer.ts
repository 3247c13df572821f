/**
 * Constrained mean–variance portfolio optimiser (methods.md §7): maximise
 *
 *   αᵀw − (γ/2)·wᵀΣw − Σ_i [a_i|w_i − w0_i| + b_i|w_i − w0_i|^{3/2}]
 *
 * subject to equality rows Aw = 0 (dollar-, sector-, beta-neutral; dependent rows dropped), box lo ≤ w ≤ hi and
 * optionally Σ|w| ≤ G, by ADMM (Boyd et al. 2011 §3.3): f(w) = ½γwᵀΣw − αᵀw + I{Aw = 0} and g(z) = costs +
 * box + gross, with w = z. The w-step applies (γΣ + ρI)⁻¹ through the covariance operator (Woodbury, O(pk)),
 * then eliminates A through its m×m Schur complement; the z-step is the exact separable prox
 * (`proxTradeCost`), with the gross-leverage multiplier found by a safeguarded Newton method. Over-relaxation
 * 1.6, ρ started at the problem's scale and adapted by normalised residual balancing, safeguarded Anderson
 * acceleration of the (z, y) iterates (anderson.ts); warm start from a previous solution
 * (docs/decisions/153-portfolio-admm-iterations.md).
 */
import { InfeasibleError, InvalidInputError, NotConvergedError } from '../core/errors.ts';
import { AndersonAccelerator } from './anderson.ts';
import { type ConstrainedStepSolver, schurStepSolver } from './constrained-step.ts';
import { dropDependentRows, type EqualityConstraint } from './constraints.ts';
import { proxTradeCost } from './prox.ts';
import { ProxKernel } from './prox-kernel.ts';

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
  /** Starting ρ without a warm start (default `initialRho`: ‖α‖/‖box‖). */
  readonly rho?: number;
  readonly epsAbs?: number;
  readonly epsRel?: number;
  readonly maxIterations?: number;
  /** Over-relaxation α ∈ (0, 2). */
  readonly relaxation?: number;
  /** Check ρ by normalised residual balancing every this many iterations (0 = fixed ρ); default 10. */
  readonly adaptEvery?: number;
  readonly warmStart?: AdmmState;
  /** Anderson acceleration memory on the (z, y) iterates (0 = plain ADMM); default 10. */
  readonly andersonMemory?: number;
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
  const solver = new AdmmSolver(pr, options);
  solver.converge();
  return solver.solution();
}

/**
 * ρ for a cold start. ADMM converges fastest when ρ is of the order of the dual variables over the primal ones
 * (Boyd et al. 2011 §3.4.1; OSQP's normalised balancing): the multipliers of the box and cost terms are of the
 * order of α and the weights of the order of the box, so ρ₀ = ‖α‖/‖u‖ over the names that can move, with
 * u_i = max(|lo_i|, |hi_i|). Far below the best ρ the iteration count grows as 1/ρ, far above it as ρ; with a
 * daily Σ, ρ = 1 was ~50× too large. Residual balancing corrects what is left (`AdmmSolver.iterate`).
 */
export function initialRho(pr: PortfolioProblem): number {
  let aa = 0;
  let uu = 0;
  for (let i = 0; i < pr.alpha.length; i++) {
    if (pr.lower[i] === pr.upper[i]) continue;
    aa += pr.alpha[i]! * pr.alpha[i]!;
    const u = Math.min(Math.max(Math.abs(pr.lower[i]!), Math.abs(pr.upper[i]!)), 1e3);
    uu += u * u;
  }
  return aa > 0 && uu > 0 ? Math.sqrt(aa / uu) : 1;
}

/**
 * Normalised residual balancing changes ρ only when the ratio leaves [1/3, 3] (OSQP uses 5): a refactorisation
 * is O(k·m²) for the spectral operator, and on the walk-forward's problems the tighter band saved iterations
 * (docs/decisions/153-portfolio-admm-iterations.md).
 */
const RHO_DEADBAND = 3;

/**
 * The ADMM iteration as a resumable object, so that a caller can change γ between runs and continue from the
 * current iterates (the volatility-target search, vol-target.ts) without re-reducing the constraint rows or
 * starting over. `solvePortfolio` is `new AdmmSolver(pr, options)`, `converge()`, `solution()`.
 */
export class AdmmSolver {
  readonly p: number;
  private gamma: number;
  private rho: number;
  private readonly epsAbs: number;
  private readonly epsRel: number;
  private readonly maxIterations: number;
  private readonly relax: number;
  private readonly adaptEvery: number;
  private readonly impact: Float64Array;
  private readonly kept: readonly EqualityConstraint[];
  private readonly dropped: readonly string[];
  private readonly rows: readonly Float64Array[];
  private step: ConstrainedStepSolver;
  /** The ADMM state (z, y) in one array, so that Anderson acceleration sees one vector. */
  private readonly zy: Float64Array;
  private readonly z: Float64Array;
  private readonly y: Float64Array;
  /** (z, y) before the current step, and the plain image of the last accepted point (the safeguard's fallback). */
  private readonly zyPrev: Float64Array;
  private readonly zyPlain: Float64Array;
  private readonly accelerator: AndersonAccelerator | undefined;
  /** Whether the current (z, y) is an extrapolation, and the fixed-point residual of the point it came from. */
  private extrapolated = false;
  private baseResidual = Number.POSITIVE_INFINITY;
  private readonly q: Float64Array;
  private readonly w: Float64Array;
  /** The relaxed w-step, in the prox kernel's memory when there is one (its input). */
  private readonly wr: Float64Array;
  private readonly proxKernel: ProxKernel | undefined;
  /** Bounds of ρ: 10⁻⁶ and 10⁶ times the cold-start value. */
  private readonly rhoFloor: number;
  private readonly rhoCeiling: number;
  /** The gross-leverage multiplier of the last z-step, the next z-step's starting point. */
  private grossLambda = 0;
  private rPrimal = Number.POSITIVE_INFINITY;
  private rDual = Number.POSITIVE_INFINITY;
  /** Iterations since the last change of γ, and over the solver's life. */
  private iterations = 0;
  private totalIterations = 0;

  constructor(
    private readonly pr: PortfolioProblem,
    options: AdmmOptions = {},
  ) {
    checkProblem(pr);
    const p = pr.alpha.length;
    this.p = p;
    this.gamma = pr.gamma;
    this.epsAbs = options.epsAbs ?? 1e-8;
    this.epsRel = options.epsRel ?? 1e-6;
    this.maxIterations = options.maxIterations ?? 20_000;
    this.relax = options.relaxation ?? 1.6;
    this.adaptEvery = options.adaptEvery ?? 10;
    this.impact = pr.impactCost ?? new Float64Array(p);
    const { kept, dropped } = dropDependentRows(pr.equalities);
    this.kept = kept;
    this.dropped = dropped;
    this.rows = kept.map((c) => c.row);
    const warm = options.warmStart;
    const rho0 = initialRho(pr);
    this.rho = warm?.rho ?? options.rho ?? rho0;
    this.rhoFloor = 1e-6 * Math.min(rho0, this.rho);
    this.rhoCeiling = 1e6 * Math.max(rho0, this.rho);
    this.zy = new Float64Array(2 * p);
    this.z = this.zy.subarray(0, p);
    this.y = this.zy.subarray(p);
    this.z.set(warm ? warm.z : pr.w0);
    if (warm) this.y.set(warm.y);
    this.zyPrev = new Float64Array(2 * p);
    this.zyPlain = new Float64Array(2 * p);
    const memory = options.andersonMemory ?? 10;
    this.accelerator = memory > 0 ? new AndersonAccelerator(2 * p, memory) : undefined;
    for (let i = 0; i < p; i++) this.z[i] = Math.min(pr.upper[i]!, Math.max(pr.lower[i]!, this.z[i]!));
    this.q = new Float64Array(p);
    this.w = new Float64Array(p);
    this.proxKernel = ProxKernel.create({
      w0: pr.w0,
      linearCost: pr.linearCost,
      impact: this.impact,
      lower: pr.lower,
      upper: pr.upper,
    });
    this.wr = this.proxKernel?.wr ?? new Float64Array(p);
    this.step = this.factorise();
  }

  /** The w-step for the current γ and ρ: M = γΣ + ρI with A eliminated through its m × m Schur complement. */
  private factorise(): ConstrainedStepSolver {
    const { pr, gamma, rho, rows } = this;
    return pr.Sigma.constrainedSolver?.(gamma, rho, rows) ?? schurStepSolver(pr.Sigma, gamma, rho, rows);
  }

  get riskAversion(): number {
    return this.gamma;
  }

  /** ρ, the ADMM penalty: the scale of the scaled dual y in `AdmmState`. */
  get penalty(): number {
    return this.rho;
  }

  /**
   * Changes γ and refactorises. The next run starts from the current iterates, or from `from` — iterates of an
   * earlier run of this problem (`solution().state`), which a search returning near a γ it has solved at
   * passes so as not to continue from a far-away one (vol-target.ts).
   */
  setRiskAversion(gamma: number, from?: AdmmState): void {
    if (!(gamma > 0)) throw new InvalidInputError(`risk aversion gamma must be positive, got ${gamma}`);
    if (gamma === this.gamma && !from) return;
    this.gamma = gamma;
    if (from) {
      if (from.z.length !== this.p || from.y.length !== this.p || !(from.rho > 0))
        throw new InvalidInputError(`iterates to resume from must have length ${this.p} and ρ > 0`);
      this.z.set(from.z);
      this.y.set(from.y);
      this.rho = from.rho;
    } else if (this.extrapolated) this.zy.set(this.zyPlain);
    this.extrapolated = false;
    this.accelerator?.reset();
    this.iterations = 0;
    this.rPrimal = Number.POSITIVE_INFINITY;
    this.rDual = Number.POSITIVE_INFINITY;
    this.step = this.factorise();
  }

  /** zᵀΣz of the current iterate (z meets the box and gross limits exactly). */
  risk(): number {
    return this.pr.Sigma.quadForm(this.z);
  }

  /** ADMM iterations over the solver's life, every γ included. */
  get iterationsTotal(): number {
    return this.totalIterations;
  }

  /**
   * Iterates until the stopping rule of methods.md §7 holds at tolerances (epsAbs, epsRel) — by default the
   * solver's own — or `budget` iterations pass; returns whether it converged.
   */
  iterate(budget: number, epsAbs = this.epsAbs, epsRel = this.epsRel): boolean {
    const { p, pr, z, y, q, w, wr, relax, zy, zyPrev } = this;
    const sqrtP = Math.sqrt(p);
    for (let n = 0; n < budget; n++) {
      const rho = this.rho;
      zyPrev.set(zy);
      for (let i = 0; i < p; i++) q[i] = pr.alpha[i]! + rho * (z[i]! - y[i]!);
      this.step.solve(q, w);
      for (let i = 0; i < p; i++) wr[i] = relax * w[i]! + (1 - relax) * z[i]!;
      this.grossLambda = proxStep(wr, y, pr, this.impact, rho, this.grossLambda, z, this.proxKernel);
      // dual update, residuals and the norms of the stopping rule in one pass
      let rp = 0;
      let rd = 0;
      let ww = 0;
      let zz = 0;
      let yy = 0;
      let dy = 0;
      for (let i = 0; i < p; i++) {
        const zi = z[i]!;
        const wi = w[i]!;
        const step = wr[i]! - zi;
        const yi = y[i]! + step;
        y[i] = yi;
        const e = wi - zi;
        const d = zi - zyPrev[i]!;
        rp += e * e;
        rd += d * d;
        dy += step * step;
        ww += wi * wi;
        zz += zi * zi;
        yy += yi * yi;
      }
      this.iterations++;
      this.totalIterations++;
      const rPrimal = Math.sqrt(rp);
      const rDual = rho * Math.sqrt(rd);
      this.rPrimal = rPrimal;
      this.rDual = rDual;
      const primalScale = Math.sqrt(Math.max(ww, zz));
      const dualScale = rho * Math.sqrt(yy);
      if (rPrimal <= sqrtP * epsAbs + epsRel * primalScale && rDual <= sqrtP * epsAbs + epsRel * dualScale)
        return true;
      if (this.adaptEvery > 0 && this.iterations % this.adaptEvery === 0) {
        // Normalised residual balancing (Stellato et al. 2020, OSQP §5.2): ρ ← ρ·√((r_p/max(‖w‖, ‖z‖)) /
        // (r_d/ρ‖y‖)), applied only outside a ×3 band since each change refactorises the w-step — O(k·m²)
        // for the spectral operator, m operator solves otherwise. The scaled dual y keeps ρ·y fixed.
        // z pinned at its limits (r_d = 0) while w misses them is the extreme case: ρ too small to matter.
        if (primalScale > 0 && rPrimal > 0 && (rDual === 0 || dualScale > 0)) {
          const ratio = rDual === 0 ? 1e3 : Math.sqrt(rPrimal / primalScale / (rDual / dualScale));
          if (ratio > RHO_DEADBAND || ratio < 1 / RHO_DEADBAND) {
            // bounded around the problem's own scale: on an infeasible problem the ratio never settles
            const s = Math.min(1e3, Math.max(1e-3, ratio, this.rhoFloor / rho), this.rhoCeiling / rho);
            this.rho = rho * s;
            for (let i = 0; i < p; i++) y[i] = y[i]! / s;
            this.step = this.factorise();
            this.accelerator?.reset(); // a new map: the history no longer describes it
            this.extrapolated = false;
            continue;
          }
        }
      }
      if (this.accelerator) this.accelerate(Math.sqrt(rd + dy));
    }
    if (this.extrapolated) this.zy.set(this.zyPlain); // leave a plain ADMM iterate (z within its limits)
    this.extrapolated = false;
    return false;
  }

  /**
   * Safeguarded Anderson step on (z, y) (anderson.ts). `residual` is ‖G(x) − x‖ for the step just taken. An
   * extrapolated point is kept only if the step from it shrank the fixed-point residual below that of the
   * point it was extrapolated from; otherwise the plain iterate is restored and the history cleared.
   */
  private accelerate(residual: number): void {
    const acc = this.accelerator!;
    if (this.extrapolated && residual > this.baseResidual) {
      this.zy.set(this.zyPlain);
      acc.reset();
      this.extrapolated = false;
      return;
    }
    this.zyPlain.set(this.zy);
    this.baseResidual = residual;
    this.extrapolated = acc.step(this.zyPrev, this.zy, this.zy);
  }

  /**
   * Runs to the solver's tolerances within its iteration budget (counted since the last change of γ); throws
   * InfeasibleError when the equality rows cannot hold within the box and gross limits, NotConvergedError
   * otherwise.
   */
  converge(): void {
    if (this.iterate(Math.max(0, this.maxIterations - this.iterations))) return;
    const { kept, z, pr } = this;
    // ADMM on an infeasible problem keeps ‖w − z‖ away from zero while both pieces stay bounded.
    const worst = kept
      .map((c) => ({ name: c.name, r: Math.abs(dot(c.row, z)) }))
      .sort((a, b) => b.r - a.r)
      .filter((c) => c.r > 1e-6)
      .map((c) => c.name);
    if (this.rPrimal > 1e-4 * Math.max(1, norm2(z)) && worst.length > 0) {
      throw new InfeasibleError('the equality constraints cannot hold within the box and leverage limits', [
        ...worst,
        'box',
        ...(pr.maxGross !== undefined ? ['gross'] : []),
      ]);
    }
    throw new NotConvergedError('portfolio ADMM did not converge', this.maxIterations, {
      primal: this.rPrimal,
      dual: this.rDual,
    });
  }

  /** The current iterate as a solution (`iterations` counts those since the last change of γ). */
  solution(): PortfolioSolution {
    const { z, kept, pr } = this;
    let eqResidual = 0;
    for (const c of kept) eqResidual = Math.max(eqResidual, Math.abs(dot(c.row, z)));
    return {
      w: Float64Array.from(z),
      iterations: this.iterations,
      primalResidual: this.rPrimal,
      dualResidual: this.rDual,
      equalityResidual: eqResidual,
      objective: portfolioObjective({ ...pr, gamma: this.gamma }, z),
      keptConstraints: kept.map((c) => c.name),
      droppedConstraints: this.dropped,
      state: { z: Float64Array.from(z), y: Float64Array.from(this.y), rho: this.rho },
    };
  }
}

/**
 * The z-step: per-name prox of costs and box at v = w̃ + y (`proxTradeCost`) and, when Σ|z| would exceed the
 * gross limit G, the multiplier λ > 0 of that limit with Σ_i |z_i(λ)| = G. Returns λ (0 when the limit is slack).
 *
 * g(λ) = Σ|z_i(λ)| is continuous and non-increasing; on a name whose prox is interior (off the box and off the
 * kinks 0 and w0) the stationarity condition a·s_A + 1.5·b·s_A·√|z − w0| + λ·s_z + ρ(z − v) = 0 gives
 * d|z_i|/dλ = −1/(ρ + 0.75·b/√|z_i − w0_i|), and names at the box or a kink do not move. So g′ is known exactly
 * and λ is found by Newton's method from the previous z-step's λ — which the ADMM iterates barely move —
 * inside a bracket [lo, hi] with g(lo) > G ≥ g(hi), falling back to bisection when a step leaves it. The
 * iteration ends when the bracket is a rounding error wide or g(λ) ∈ [G(1 − 1e-13), G]; the returned λ always
 * has g(λ) ≤ G, so the limit holds exactly.
 */
function proxStep(
  wr: Float64Array,
  y: Float64Array,
  pr: PortfolioProblem,
  impact: Float64Array,
  rho: number,
  lambdaStart: number,
  z: Float64Array,
  kernel: ProxKernel | undefined,
): number {
  if (!kernel) return grossMultiplier(pr, lambdaStart, new JsProxPass(wr, y, pr, impact, rho, z));
  // the kernel's twin of the JS pass (prox-kernel.ts, same bits); wr is already in its memory
  kernel.y.set(y);
  const lambda = grossMultiplier(pr, lambdaStart, new KernelProxPass(kernel, rho));
  z.set(kernel.z);
  return lambda;
}

/**
 * One prox pass at multiplier λ: z written, Σ|z_i| returned and its derivative in λ left in `slope`. Small
 * classes rather than closures made at every ADMM iteration, which TurboFan inlined into the iteration's
 * optimised code and then discarded with them (docs/decisions/157 item 5).
 */
interface ProxPass {
  run(lambda: number): number;
  readonly slope: number;
}

class KernelProxPass implements ProxPass {
  constructor(
    private readonly kernel: ProxKernel,
    private readonly rho: number,
  ) {}
  run(lambda: number): number {
    return this.kernel.pass(lambda, this.rho);
  }
  get slope(): number {
    return this.kernel.slope;
  }
}

/** The JS prox pass of `proxStep` into z. */
class JsProxPass implements ProxPass {
  slope = 0;
  constructor(
    private readonly wr: Float64Array,
    private readonly y: Float64Array,
    private readonly pr: PortfolioProblem,
    private readonly impact: Float64Array,
    private readonly rho: number,
    private readonly z: Float64Array,
  ) {}
  run(lambda: number): number {
    const { wr, y, pr, impact, rho, z } = this;
    const p = z.length;
    let gross = 0;
    let s = 0;
    for (let i = 0; i < p; i++) {
      const lo = pr.lower[i]!;
      const hi = pr.upper[i]!;
      const w0 = pr.w0[i]!;
      const zi = proxTradeCost(wr[i]! + y[i]!, w0, pr.linearCost[i]!, impact[i]!, lambda, rho, lo, hi);
      z[i] = zi;
      gross += Math.abs(zi);
      if (zi !== 0 && zi !== w0 && zi > lo && zi < hi) {
        const b = impact[i]!;
        s += b === 0 ? 1 / rho : 1 / (rho + (0.75 * b) / Math.sqrt(Math.abs(zi - w0)));
      }
    }
    this.slope = -s;
    return gross;
  }
}

/** The gross-limit multiplier search of `proxStep` over prox passes (the pass at the returned λ ran last). */
function grossMultiplier(pr: PortfolioProblem, lambdaStart: number, pass: ProxPass): number {
  const p = pr.alpha.length;
  const G = pr.maxGross;
  const start = Math.max(lambdaStart, 0);
  let g: number;
  if (G !== undefined && start > 0) {
    // The previous step's λ first: where the limit binds there it binds at λ = 0 too (g is non-increasing),
    // so the pass at 0 is skipped — one prox pass of the 2–4 per iteration while the limit holds.
    g = pass.run(start);
    if (!(g > G)) {
      if (pass.run(0) <= G) return 0;
      g = pass.run(start);
    }
  } else {
    const gross0 = pass.run(0);
    if (G === undefined || gross0 <= G) return 0;
    g = gross0;
  }
  // λ → ∞ pulls every name to the point of its box nearest 0: if even that exceeds G, no λ helps
  let floor = 0;
  for (let i = 0; i < p; i++) floor += Math.max(0, pr.lower[i]!, -pr.upper[i]!);
  if (floor > G)
    throw new InfeasibleError(`the box limits alone need gross ${floor} > maxGross ${G}`, ['box', 'gross']);
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let lambda = start;
  for (let k = 0; k < 200; k++) {
    if (g > G) lo = lambda;
    else {
      hi = lambda;
      if (g >= G * (1 - 1e-13)) return lambda;
    }
    if (Number.isFinite(hi) && hi - lo <= 1e-15 * hi) break;
    const slope = pass.slope;
    let next = slope < 0 ? lambda - (g - G) / slope : Number.NaN;
    if (!(next > lo && next < hi)) {
      // no usable Newton step: bisect, or grow the bracket until it holds the root
      next = Number.isFinite(hi) ? 0.5 * (lo + hi) : lo > 0 ? 4 * lo : 1e-6;
    }
    lambda = next;
    g = pass.run(lambda);
  }
  if (!Number.isFinite(hi))
    throw new NotConvergedError('the gross-leverage multiplier search did not bracket the limit', 200, {
      gross: g,
      maxGross: G,
    });
  if (lambda !== hi) pass.run(hi);
  return hi;
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
