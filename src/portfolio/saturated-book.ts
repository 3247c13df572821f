/**
 * The saturated book of the volatility-target search (vol-target.ts): the γ → 0 limit of the optimiser's book,
 *
 *   w_sat = argmax αᵀw − Σ_i [a_i|w_i − w0_i| + b_i|w_i − w0_i|^{3/2}]  s.t.  Aw = 0, lo ≤ w ≤ hi, Σ|w| ≤ G,
 *
 * whose risk σ_sat caps every book the limits allow. With b_i > 0 on every movable name the objective is a sum
 * of strictly concave one-name terms, so w_sat is unique and is the limit of w*(γ) (Berge), and the Lagrange
 * dual g(ν, λ) = max_{lo ≤ w ≤ hi} [αᵀw − costs − νᵀAw − λ(Σ|w| − G)] is convex and continuously
 * differentiable in (ν, λ ≥ 0), with ∇_ν g = −Aw(ν, λ) and ∂g/∂λ = G − Σ|w(ν, λ)|: each name's maximiser has a
 * closed form (below), and the m + 1 dual variables are found by Newton's method (semismooth: the Hessian
 * [A; s]ᵀ-weighted by dw_i/dσ_i on the names off their kinks and bounds) with a backtracking line search. A
 * dual evaluation is O(p·m), against an ADMM iteration's O(p·k) operator solve
 * (docs/decisions/035-vol-target-predicted-iterates.md).
 *
 * Returns undefined when the method does not apply (a movable name without impact cost: its term is linear and
 * the γ → 0 book need not be unique) or does not reach its tolerance; the caller then solves at a small γ.
 */
import { solveDenseSmall } from '../linalg/dense-solve.ts';
import { dropDependentRows } from './constraints.ts';
import type { PortfolioProblem } from './optimizer.ts';

export interface SaturatedBook {
  readonly w: Float64Array;
  /** Multipliers of the independent equality rows (`rows`), and of the gross limit (0 when slack). */
  readonly nu: Float64Array;
  readonly rows: readonly Float64Array[];
  readonly lambda: number;
  /** Dual evaluations used. */
  readonly evaluations: number;
}

/** Relative tolerance on the equality rows and the gross limit (against ‖a_j‖₁·max|bound| and G). */
const FEASIBILITY_TOL = 1e-12;
const MAX_NEWTON_STEPS = 60;
/**
 * A dual evaluation is O(p·m) against an ADMM iteration's O(p·k) operator solve plus prox passes: 200 are
 * ≲ 15 % of an ADMM solve at γ_sat on the walk-forward's books (which take ≈ 7), and past them that solve is
 * the safer way.
 */
const MAX_EVALUATIONS = 200;
const MIN_DAMPING = 1e-12;
const LINE_SEARCH_HALVINGS = 10;
const MAX_DAMPING = 1e3;

/**
 * Maximiser over [lo, hi] of σw − a|w − w0| − b|w − w0|^{3/2} − λ|w| (b > 0), written to out[0], with its
 * derivative in σ to out[1] (0 at a kink or a bound; ∂w/∂λ = −sign(w)·∂w/∂σ). The term is strictly concave,
 * so the constrained maximiser is the unconstrained one clipped. On each interval between the kinks {0, w0}
 * with signs (sT, sW) of (w − w0, w), stationarity gives √|w − w0| = (sT(σ − λ·sW) − a)/(1.5b).
 */
export function bestHolding(
  sigma: number,
  w0: number,
  a: number,
  b: number,
  lambda: number,
  lo: number,
  hi: number,
  out: Float64Array,
): void {
  const e1 = Math.min(0, w0);
  const e2 = Math.max(0, w0);
  let w = Number.NaN;
  // left of e1 both signs are −, right of e2 both are +, between them sT = −sW
  let u = (-(sigma + lambda) - a) / (1.5 * b);
  if (u > 0 && w0 - u * u < e1) w = w0 - u * u;
  if (Number.isNaN(w)) {
    u = (sigma - lambda - a) / (1.5 * b);
    if (u > 0 && w0 + u * u > e2) w = w0 + u * u;
  }
  if (Number.isNaN(w) && e1 < e2) {
    const sT = w0 > 0 ? -1 : 1;
    u = (sT * (sigma + sT * lambda) - a) / (1.5 * b); // sW = −sT
    if (u > 0 && w0 + sT * u * u > e1 && w0 + sT * u * u < e2) w = w0 + sT * u * u;
  }
  let slope = 0;
  if (Number.isNaN(w)) {
    // at a kink: the one where the superdifferential contains 0, i.e. the larger objective (concave)
    w = holdingValue(e1, sigma, w0, a, b, lambda) >= holdingValue(e2, sigma, w0, a, b, lambda) ? e1 : e2;
  } else slope = (4 * u) / (3 * b);
  if (w <= lo || w >= hi) {
    w = w <= lo ? lo : hi;
    slope = 0;
  }
  out[0] = w;
  out[1] = slope;
}

function holdingValue(w: number, sigma: number, w0: number, a: number, b: number, lambda: number): number {
  const t = Math.abs(w - w0);
  return sigma * w - a * t - b * t * Math.sqrt(t) - lambda * Math.abs(w);
}

/**
 * The rows' non-zeros by name (compressed over names, row index ascending): a sector row has one non-zero per
 * name, so a dual evaluation and the Hessian cost O(p) with the dollar, sector and beta rows, not O(p·m).
 */
function nonZerosByName(rows: readonly Float64Array[], p: number) {
  const start = new Int32Array(p + 1);
  const index: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < rows.length; j++) {
      const a = rows[j]![i]!;
      if (a !== 0) {
        index.push(j);
        value.push(a);
      }
    }
    start[i + 1] = index.length;
  }
  return { start, index: Int32Array.from(index), value: Float64Array.from(value) };
}

/** Thrown inside `saturatedBook` when the evaluation budget runs out. */
class GaveUp extends Error {}

export function saturatedBook(pr: PortfolioProblem): SaturatedBook | undefined {
  try {
    return dualNewton(pr);
  } catch (e) {
    if (e instanceof GaveUp) return undefined;
    throw e;
  }
}

/**
 * The dual function g(ν, λ) of one problem: w(ν, λ), dw/dσ, g and its gradient, written into `w`, `slope` and
 * `grad`. A class rather than closures made per call: `dualNewton` runs a few times per book, and TurboFan
 * inlined such closures and threw the optimised code away with them (docs/decisions/157 item 5).
 */
class DualFunction {
  readonly w: Float64Array;
  readonly slope: Float64Array;
  readonly grad: Float64Array;
  evaluations = 0;
  private readonly one = new Float64Array(2);
  private readonly impact: Float64Array;
  private readonly G: number | undefined;

  constructor(
    private readonly pr: PortfolioProblem,
    private readonly start: Int32Array,
    private readonly index: Int32Array,
    private readonly value: Float64Array,
    /** Per independent row: the residual that counts as feasible. */
    private readonly rowScale: readonly number[],
  ) {
    const p = pr.alpha.length;
    this.w = new Float64Array(p);
    this.slope = new Float64Array(p);
    this.G = pr.maxGross;
    this.grad = new Float64Array(rowScale.length + (this.G !== undefined ? 1 : 0));
    this.impact = pr.impactCost!;
  }

  /** g(ν, λ); w, slope and grad are updated. */
  evaluate(nu: Float64Array, lambda: number): number {
    if (++this.evaluations > MAX_EVALUATIONS) throw new GaveUp();
    const { alpha, w0, lower, upper, linearCost } = this.pr;
    const { start, index, value, w, slope, grad, one, impact, G } = this;
    const p = alpha.length;
    const m = this.rowScale.length;
    let g = G !== undefined ? lambda * G : 0;
    let gross = 0;
    grad.fill(0);
    for (let i = 0; i < p; i++) {
      let s = alpha[i]!;
      const e1 = start[i + 1]!;
      for (let e = start[i]!; e < e1; e++) s -= nu[index[e]!]! * value[e]!;
      bestHolding(s, w0[i]!, linearCost[i]!, impact[i]!, lambda, lower[i]!, upper[i]!, one);
      const wi = one[0]!;
      w[i] = wi;
      slope[i] = one[1]!;
      g += holdingValue(wi, s, w0[i]!, linearCost[i]!, impact[i]!, lambda);
      gross += Math.abs(wi);
      for (let e = start[i]!; e < e1; e++) grad[index[e]!] -= value[e]! * wi;
    }
    if (G !== undefined) grad[m] = G - gross;
    return g;
  }

  /** The largest infeasibility in units of its tolerance: ≤ 1 at the solution (a slack gross limit counts 0). */
  infeasibility(lambda: number): number {
    const { grad, rowScale, G } = this;
    const m = rowScale.length;
    let worst = 0;
    for (let j = 0; j < m; j++) worst = Math.max(worst, Math.abs(grad[j]!) / rowScale[j]!);
    if (G === undefined) return worst;
    const excess = -grad[m]!;
    return Math.max(worst, (lambda > 0 ? Math.abs(excess) : Math.max(excess, 0)) / (FEASIBILITY_TOL * G));
  }
}

function dualNewton(pr: PortfolioProblem): SaturatedBook | undefined {
  const p = pr.alpha.length;
  const { lower, upper } = pr;
  const impact = pr.impactCost;
  for (let i = 0; i < p; i++) if (lower[i]! < upper[i]! && !(impact && impact[i]! > 0)) return undefined;
  const rows = dropDependentRows(pr.equalities).kept.map((c) => c.row);
  const m = rows.length;
  const G = pr.maxGross;
  const n = m + (G !== undefined ? 1 : 0);
  // feasibility scales: a row's residual against ‖a_j‖₁·max|bound|
  let bound = 0;
  for (let i = 0; i < p; i++) bound = Math.max(bound, Math.abs(lower[i]!), Math.abs(upper[i]!));
  const rowScale: number[] = [];
  for (const row of rows) {
    let s = 0;
    for (let i = 0; i < p; i++) s += Math.abs(row[i]!);
    rowScale.push(FEASIBILITY_TOL * s * Math.max(bound, Number.MIN_VALUE));
  }

  // H_ref: the Hessian's diagonal were every name trading half its box, ∂w/∂σ = 4√t/(3b) at t = (hi − lo)/2 —
  // the damping's scale, and the curvature assumed where no name has any
  const { start, index, value } = nonZerosByName(rows, p);
  const reference = new Float64Array(n);
  for (let i = 0; i < p; i++) {
    if (!(lower[i]! < upper[i]!)) continue;
    const D = (4 * Math.sqrt(0.5 * (upper[i]! - lower[i]!))) / (3 * impact![i]!);
    for (let e = start[i]!; e < start[i + 1]!; e++) reference[index[e]!] += D * value[e]! * value[e]!;
    if (G !== undefined) reference[m] = reference[m]! + D;
  }
  const dual = new DualFunction(pr, start, index, value, rowScale);
  const { w, slope, grad } = dual;
  let nu = new Float64Array(m);
  let lambda = 0;
  let g = dual.evaluate(nu, lambda);
  const Hessian = new Float64Array(n * n);
  const H = new Float64Array(n * n);
  const d = new Float64Array(n);
  let mu = MIN_DAMPING;
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    const before = dual.infeasibility(lambda);
    if (before <= 1) return { w: Float64Array.from(w), nu, rows, lambda, evaluations: dual.evaluations };
    // λ held at 0 while the gross limit is slack there (the bound λ ≥ 0 active)
    const free = G !== undefined && !(lambda === 0 && grad[m]! >= 0) ? n : m;
    Hessian.fill(0);
    for (let i = 0; i < p; i++) {
      const D = slope[i]!;
      if (D === 0) continue;
      const e0 = start[i]!;
      const e1 = start[i + 1]!;
      for (let e = e0; e < e1; e++) {
        const Da = D * value[e]!;
        const j = index[e]!;
        for (let f = e0; f <= e; f++) Hessian[j * free + index[f]!] += Da * value[f]!; // index ascending: j ≥ k
      }
      if (free > m) {
        const Ds = w[i]! > 0 ? D : -D;
        for (let e = e0; e < e1; e++) Hessian[m * free + index[e]!] += Ds * value[e]!;
        Hessian[m * free + m] += D;
      }
    }
    let curved = false;
    for (let j = 0; j < free; j++) {
      for (let k = 0; k < j; k++) Hessian[k * free + j] = Hessian[j * free + k]!;
      curved ||= Hessian[j * free + j]! > 0;
    }
    // every name at a kink or a bound: no curvature to follow, so start from a scaled gradient step
    if (!curved) mu = Math.max(mu, 1);
    const g0 = g;
    const grad0 = Float64Array.from(grad);
    let accepted = false;
    // Marquardt damping μ·diag(H_ref): raised ×100 when the line search fails — a direction the names pinned
    // at kinks and bounds leave without curvature (g piecewise linear along it) — and relaxed on success
    for (; !accepted && mu <= MAX_DAMPING; mu = accepted ? mu : mu * 100) {
      H.set(Hessian);
      for (let j = 0; j < free; j++) H[j * free + j] = H[j * free + j]! + mu * reference[j]!;
      for (let j = 0; j < free; j++) d[j] = -grad0[j]!;
      // a singular step (no curvature left after damping) counts as a failed line search: damp more
      if (!solveDenseSmall(free, H, d)) continue;
      let dg = 0;
      for (let j = 0; j < free; j++) dg += grad0[j]! * d[j]!;
      // backtracking on g (convex); near the root g's decrease falls below its rounding, so a step that
      // halves the infeasibility without raising g beyond its rounding is taken as progress too
      for (let k = 0, tau = 1; k < LINE_SEARCH_HALVINGS; k++, tau /= 2) {
        const trial = new Float64Array(m);
        for (let j = 0; j < m; j++) trial[j] = nu[j]! + tau * d[j]!;
        const trialLambda = free > m ? Math.max(0, lambda + tau * d[m]!) : lambda;
        const gt = dual.evaluate(trial, trialLambda);
        const flat = gt <= g0 + 1e-13 * Math.abs(g0);
        if (gt <= g0 + 1e-4 * tau * dg || (flat && dual.infeasibility(trialLambda) <= 0.5 * before)) {
          nu = trial;
          lambda = trialLambda;
          g = gt;
          accepted = true;
          break;
        }
      }
    }
    if (!accepted) return undefined;
    mu = Math.max(MIN_DAMPING, mu / 10);
  }
  return dual.infeasibility(lambda) <= 1
    ? { w: Float64Array.from(w), nu, rows, lambda, evaluations: dual.evaluations }
    : undefined;
}
