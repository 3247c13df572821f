// Shared fixtures of the optimiser's tests: a daily-scaled problem and an independent KKT check.
import { Rng } from '../../src/core/rng.ts';
import { neutralityConstraints } from '../../src/portfolio/constraints.ts';
import type { PortfolioProblem } from '../../src/portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import { naiveSolve, orthonormal } from './dense-operator.ts';

/**
 * A daily-scaled book of 60 names: a 5-factor spectral Σ (idiosyncratic variance 3e-4), α of a few bps,
 * linear and ^3/2 impact costs, held weights, box ±5 %, sector and beta neutrality, gross ≤ G.
 */
export function dailyProblem(seed: number, maxGross: number): PortfolioProblem & { sectorOf: Int32Array } {
  const rng = new Rng(seed);
  const p = 60;
  const k = 5;
  const V = orthonormal(p, k, rng);
  const c = Float64Array.from([1, 0.3, 0.2, 0.1, 0.05], (x) => x * p * 1e-4);
  const sectorOf = Int32Array.from({ length: p }, (_, i) => i % 3);
  const beta = Float64Array.from({ length: p }, () => 1 + 0.3 * rng.normal());
  const w0 = Float64Array.from({ length: p }, () => 0.02 * (rng.uniform() - 0.5));
  return {
    alpha: Float64Array.from({ length: p }, () => 5e-4 * rng.normal()),
    Sigma: new SpectralRiskOperator(3e-4, V, c),
    gamma: 4,
    w0,
    lower: new Float64Array(p).fill(-0.05),
    upper: new Float64Array(p).fill(0.05),
    linearCost: new Float64Array(p).fill(2e-5),
    impactCost: Float64Array.from({ length: p }, () => 2e-4 * rng.uniform()),
    equalities: neutralityConstraints({ n: p, dollar: true, sectorOf, beta }),
    maxGross,
    sectorOf,
  };
}

/**
 * Worst violation of the KKT conditions of max αᵀw − (γ/2)wᵀΣw − Σ c_i(w_i) s.t. Aw = 0, box, Σ|w| ≤ G at w:
 * (ν, λ) are fitted by least squares on the names where every term is differentiable, then every name's
 * α_i − γ(Σw)_i − (Aᵀν)_i must lie in the subdifferential of c_i + λ|·| + box at w_i. Independent of the ADMM
 * duals. Also returns λ (the gross multiplier) and the number of names that fixed the fit.
 */
export function kktViolation(pr: PortfolioProblem, gamma: number, w: Float64Array) {
  const p = w.length;
  const rows = pr.equalities.filter((e) => e.name !== 'dollar').map((e) => e.row); // dollar = Σ sectors
  const m = rows.length;
  const Sw = pr.Sigma.mul(w);
  const g = Float64Array.from(w, (_, i) => pr.alpha[i]! - gamma * Sw[i]!);
  const tau = 1e-12;
  const costSlope = (i: number) => {
    const t = w[i]! - pr.w0[i]!;
    return Math.sign(t) * (pr.linearCost[i]! + 1.5 * pr.impactCost![i]! * Math.sqrt(Math.abs(t)));
  };
  const free: number[] = [];
  for (let i = 0; i < p; i++) {
    const x = w[i]!;
    if (
      x > pr.lower[i]! + tau &&
      x < pr.upper[i]! - tau &&
      Math.abs(x) > tau &&
      Math.abs(x - pr.w0[i]!) > tau
    )
      free.push(i);
  }
  // normal equations for x = (ν, λ): Σ_free [a_i; s_i][a_i; s_i]ᵀ x = Σ_free [a_i; s_i](g_i − c'_i)
  const n = m + 1;
  const N = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const col = new Float64Array(n);
  for (const i of free) {
    for (let a = 0; a < m; a++) col[a] = rows[a]![i]!;
    col[m] = Math.sign(w[i]!);
    const r = g[i]! - costSlope(i);
    for (let a = 0; a < n; a++) {
      rhs[a] = rhs[a]! + col[a]! * r;
      for (let b = 0; b < n; b++) N[a * n + b] = N[a * n + b]! + col[a]! * col[b]!;
    }
  }
  const x = naiveSolve(N, rhs, n);
  const lambda = x[m]!;
  let worst = 0;
  for (let i = 0; i < p; i++) {
    let r = g[i]!;
    for (let a = 0; a < m; a++) r -= x[a]! * rows[a]![i]!;
    const t = w[i]! - pr.w0[i]!;
    let lo = 0;
    let hi = 0;
    if (Math.abs(t) > tau) lo = hi = costSlope(i);
    else [lo, hi] = [-pr.linearCost[i]!, pr.linearCost[i]!];
    if (Math.abs(w[i]!) > tau) {
      lo += lambda * Math.sign(w[i]!);
      hi += lambda * Math.sign(w[i]!);
    } else {
      lo -= lambda;
      hi += lambda;
    }
    if (w[i]! >= pr.upper[i]! - tau) hi = Number.POSITIVE_INFINITY;
    if (w[i]! <= pr.lower[i]! + tau) lo = Number.NEGATIVE_INFINITY;
    worst = Math.max(worst, lo - r, r - hi);
  }
  return { worst, lambda, free: free.length, m };
}

export const gross = (w: Float64Array) => w.reduce((s, x) => s + Math.abs(x), 0);
export const annualVol = (pr: PortfolioProblem, w: Float64Array) => Math.sqrt(252 * pr.Sigma.quadForm(w));
