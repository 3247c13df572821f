import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdmmSolver, solvePortfolio } from '../../src/portfolio/optimizer.ts';
import {
  interpolatedIterates,
  predictedIterates,
  solveWithVolTarget,
} from '../../src/portfolio/vol-target.ts';
import { annualVol, dailyProblem, gross, kktViolation } from './daily-problem.ts';

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

  it('without impact costs (no dual method for σ_sat), solves at γ_sat instead, to the same semantics', () => {
    const { impactCost: _, ...pr } = dailyProblem(9, 1.0);
    const opts = { epsAbs: 1e-12, epsRel: 1e-10 };
    const sol = solveWithVolTarget(pr, { targetVol: 0.5, tolerance: 1e-4, ...opts });
    expect(sol.volTargetReached).toBe(false);
    expect(sol.saturatedVol).toBeCloseTo(annualVol(pr, solvePortfolio({ ...pr, gamma: 4e-6 }, opts).w), 8);
    expect(Math.abs(sol.exAnteVol / (0.99 * sol.saturatedVol) - 1)).toBeLessThanOrEqual(1e-4);
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
    const book = (gamma: number, z: number) => ({ gamma, state: state([z], [0], 1) });
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
