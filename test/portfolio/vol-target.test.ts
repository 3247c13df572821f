import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { neutralityConstraints } from '../../src/portfolio/constraints.ts';
import { AdmmSolver, type PortfolioProblem, solvePortfolio } from '../../src/portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import {
  interpolatedIterates,
  predictedIterates,
  solveWithVolTarget,
} from '../../src/portfolio/vol-target.ts';
import { naiveSolve, orthonormal } from './dense-operator.ts';

/**
 * A daily-scaled book of 60 names: a 5-factor spectral Σ (idiosyncratic variance 3e-4), α of a few bps,
 * linear and ^3/2 impact costs, held weights, box ±5 %, sector and beta neutrality, gross ≤ G.
 */
function dailyProblem(seed: number, maxGross: number): PortfolioProblem & { sectorOf: Int32Array } {
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
function kktViolation(pr: PortfolioProblem, gamma: number, w: Float64Array) {
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

const gross = (w: Float64Array) => w.reduce((s, x) => s + Math.abs(x), 0);
const annualVol = (pr: PortfolioProblem, w: Float64Array) => Math.sqrt(252 * pr.Sigma.quadForm(w));

describe('volatility target with gross, impact, box and neutrality (methods.md §7)', () => {
  it('meets the KKT conditions at the γ that puts the book on a reachable target', () => {
    const pr = dailyProblem(5, 1.2);
    const saturated = solvePortfolio({ ...pr, gamma: 1e-6 }, { epsAbs: 1e-12, epsRel: 1e-10 });
    const target = 0.8 * annualVol(pr, saturated.w);
    const sol = solveWithVolTarget(pr, {
      targetVol: target,
      tolerance: 1e-6,
      epsAbs: 1e-12,
      epsRel: 1e-10,
    });
    expect(sol.volTargetReached).toBe(true);
    expect(Math.abs(sol.exAnteVol / target - 1)).toBeLessThanOrEqual(1e-6);
    expect(annualVol(pr, sol.w)).toBeCloseTo(sol.exAnteVol, 12);
    // the gross limit binds, with a positive multiplier; the box binds somewhere; equalities hold
    expect(gross(sol.w)).toBeLessThanOrEqual(1.2 + 1e-12);
    expect(gross(sol.w)).toBeGreaterThan(1.2 - 1e-9);
    expect(sol.w.some((x) => Math.abs(x) === 0.05)).toBe(true);
    expect(sol.equalityResidual).toBeLessThan(1e-10);
    const kkt = kktViolation(pr, sol.gamma, sol.w);
    expect(kkt.free).toBeGreaterThan(kkt.m + 1);
    expect(kkt.lambda).toBeGreaterThan(0);
    expect(kkt.worst).toBeLessThan(1e-9); // α is ~5e-4: a violation of 2 parts in 10⁶
    // the check has teeth: the same book is not optimal for a 1 % different γ
    expect(kktViolation(pr, 1.01 * sol.gamma, sol.w).worst).toBeGreaterThan(1e-8);
  });

  it('when the limits cap the risk, returns the book at (1 − δ)·σ_sat, σ_sat the γ → 0 risk', () => {
    const pr = dailyProblem(9, 1.0);
    const opts = { epsAbs: 1e-12, epsRel: 1e-10 };
    const sol = solveWithVolTarget(pr, { targetVol: 0.5, tolerance: 1e-4, ...opts });
    expect(sol.volTargetReached).toBe(false);
    const sat = annualVol(pr, solvePortfolio({ ...pr, gamma: 4e-6 }, opts).w);
    expect(sol.saturatedVol).toBeCloseTo(sat, 6);
    expect(Math.abs(sol.exAnteVol / (0.99 * sol.saturatedVol) - 1)).toBeLessThanOrEqual(1e-4);
    // σ_p(γ) is non-increasing: a more risk-averse book falls short by more than δ, a less averse one by less
    const more = annualVol(pr, solvePortfolio({ ...pr, gamma: 1.2 * sol.gamma }, opts).w);
    const less = annualVol(pr, solvePortfolio({ ...pr, gamma: sol.gamma / 1.2 }, opts).w);
    expect(more).toBeLessThan(0.99 * sat);
    expect(less).toBeGreaterThan(0.99 * sat);
    expect(kktViolation(pr, sol.gamma, sol.w).worst).toBeLessThan(1e-9);
  });

  it('a custom shortfall δ moves the book along the same curve', () => {
    const pr = dailyProblem(9, 1.0);
    const a = solveWithVolTarget(pr, { targetVol: 0.5, saturationShortfall: 0.01 });
    const b = solveWithVolTarget(pr, { targetVol: 0.5, saturationShortfall: 0.05 });
    expect(b.gamma).toBeGreaterThan(a.gamma);
    expect(b.exAnteVol).toBeLessThan(a.exAnteVol);
    expect(() => solveWithVolTarget(pr, { targetVol: 0.5, saturationShortfall: 1 })).toThrow(
      /saturationShortfall/,
    );
  });

  it('meets the target, or (1 − δ)·σ_sat when σ_sat < σ*, whatever the seed and target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.oneof(
          fc.double({ min: 0.2, max: 0.95, noNaN: true }),
          fc.double({ min: 1.05, max: 3, noNaN: true }),
        ),
        (seed, ratio) => {
          const pr = dailyProblem(seed, 1.0);
          const sat = annualVol(pr, solvePortfolio({ ...pr, gamma: 4e-6 }).w);
          const target = ratio * sat;
          const sol = solveWithVolTarget(pr, { targetVol: target });
          expect(annualVol(pr, sol.w)).toBeCloseTo(sol.exAnteVol, 12);
          if (ratio < 1) {
            expect(sol.volTargetReached).toBe(true);
            expect(Math.abs(sol.exAnteVol / target - 1)).toBeLessThanOrEqual(1e-3);
          } else {
            expect(sol.volTargetReached).toBe(false);
            expect(Math.abs(sol.saturatedVol / sat - 1)).toBeLessThan(1e-4);
            expect(Math.abs(sol.exAnteVol / (0.99 * sol.saturatedVol) - 1)).toBeLessThanOrEqual(1e-3);
          }
        },
      ),
      { numRuns: 12, seed: 35 },
    );
  });

  it('is deterministic', () => {
    const pr = dailyProblem(5, 1.2);
    const a = solveWithVolTarget(pr, { targetVol: 0.05 });
    const b = solveWithVolTarget(pr, { targetVol: 0.05 });
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(b.gamma).toBe(a.gamma);
    expect(b.totalIterations).toBe(a.totalIterations);
  });
});

describe('AdmmSolver', () => {
  it('continued at a new γ, reaches the cold solution at that γ', () => {
    const pr = dailyProblem(7, 1.2);
    const opts = { epsAbs: 1e-12, epsRel: 1e-10 };
    const solver = new AdmmSolver(pr, opts);
    solver.converge();
    solver.setRiskAversion(40);
    solver.converge();
    const cold = solvePortfolio({ ...pr, gamma: 40 }, opts);
    const warm = solver.solution();
    warm.w.forEach((x, i) => expect(x).toBeCloseTo(cold.w[i]!, 8));
    expect(warm.objective).toBeCloseTo(cold.objective, 12);
    expect(solver.iterationsTotal).toBeGreaterThan(warm.iterations);
  });

  it('resumed from iterates of another γ, reaches the cold solution at the new γ', () => {
    const pr = dailyProblem(7, 1.2);
    const opts = { epsAbs: 1e-12, epsRel: 1e-10 };
    const solver = new AdmmSolver(pr, opts);
    solver.converge();
    const at4 = solver.solution().state;
    solver.setRiskAversion(4e-6);
    solver.converge();
    solver.setRiskAversion(40, at4);
    solver.converge();
    const cold = solvePortfolio({ ...pr, gamma: 40 }, opts);
    const warm = solver.solution();
    warm.w.forEach((x, i) => expect(x).toBeCloseTo(cold.w[i]!, 8));
    expect(warm.objective).toBeCloseTo(cold.objective, 12);
    expect(() => solver.setRiskAversion(20, { ...at4, z: at4.z.subarray(1) })).toThrow(/length 60/);
  });

  it('holds the gross limit exactly through the Newton multiplier, with impact costs', () => {
    for (const G of [0.4, 0.8, 1.6]) {
      const pr = dailyProblem(11, G);
      const sol = solvePortfolio(pr, { epsAbs: 1e-12, epsRel: 1e-10 });
      expect(gross(sol.w)).toBeLessThanOrEqual(G);
      expect(gross(sol.w)).toBeGreaterThan(G * (1 - 1e-9));
      expect(kktViolation(pr, pr.gamma, sol.w).worst).toBeLessThan(1e-9);
    }
  });

  it('refuses a gross limit the box alone exceeds, naming both', () => {
    const pr = dailyProblem(11, 0.1);
    for (let i = 0; i < 10; i++) pr.lower[i] = pr.upper[i] = 0.02; // 10 names frozen long: gross ≥ 0.2
    expect(() => solvePortfolio(pr)).toThrow(/gross/);
  });
});

describe('predicted iterates of the volatility-target search', () => {
  const state = (z: number[], y: number[], rho: number) => ({
    z: Float64Array.from(z),
    y: Float64Array.from(y),
    rho,
  });

  it('interpolates z and the unscaled dual ρy, at the first point’s ρ', () => {
    const a = state([1, -2], [0.5, 1], 2);
    const b = state([3, 0], [1, -1], 4); // ρy = (4, −4) against a's (1, 2)
    const mid = interpolatedIterates(a, b, 0.5);
    expect(Array.from(mid.z)).toEqual([2, -1]);
    expect(mid.rho).toBe(2);
    expect(Array.from(mid.y)).toEqual([(0.5 * (1 + 4)) / 2, (0.5 * (2 - 4)) / 2]);
    expect(Array.from(interpolatedIterates(a, b, 0).y)).toEqual([0.5, 1]);
    expect(Array.from(interpolatedIterates(a, b, 1).y)).toEqual([2, -2]);
    expect(Array.from(interpolatedIterates(a, b, -1).z)).toEqual([-1, -4]);
  });

  it('follows the line through the two books nearest in log γ, no further than two spans past the nearer', () => {
    const book = (gamma: number, z: number) => ({ gamma, sol: { state: state([z], [0], 1) } });
    expect(predictedIterates([book(1, 1)], 0.5)).toBeUndefined();
    // nearest to γ = 0.3 in log γ: 0.5 and 1 (not 1e-6, though nearer in γ)
    const books = [book(1, 10), book(1e-6, 0), book(0.5, 5)];
    expect(predictedIterates(books, 0.3)!.z[0]).toBeCloseTo(3, 12);
    expect(predictedIterates(books, 0.75)!.z[0]).toBeCloseTo(7.5, 12);
    // far outside the pair's span: the line is followed to 2 spans past the nearer point, no further
    expect(predictedIterates([book(1, 10), book(0.9, 9)], 1.1)!.z[0]).toBeCloseTo(11, 12);
    expect(predictedIterates([book(1, 10), book(0.9, 9)], 10)!.z[0]).toBeCloseTo(12, 12);
  });
});
