import { describe, expect, it } from 'vitest';
import { InfeasibleError } from '../../src/core/errors.ts';
import { neutralityConstraints } from '../../src/portfolio/constraints.ts';
import { solvePortfolio } from '../../src/portfolio/optimizer.ts';
import { denseOperator, r7Problem } from './dense-operator.ts';

const R71 = [
  0.06393425835850691, -0.050816650453125736, -0.013117607905381178, 0.044257846500435204,
  -0.09436280784394052, 0.05010496134350532,
];
const R72 = [
  0.056992046276211156, -0.04585683297180033, -0.011135213304410791, 0.04028922631959515, -0.08,
  0.03971077368040485,
];

function setup(opts: { box: number; kappa: number; w0?: number[]; dollar?: boolean }) {
  const { p, beta, Sigma, alpha, sectorOf } = r7Problem();
  return {
    alpha,
    Sigma: denseOperator(Sigma, p),
    gamma: 10,
    w0: Float64Array.from(opts.w0 ?? new Array(p).fill(0)),
    lower: new Float64Array(p).fill(-opts.box),
    upper: new Float64Array(p).fill(opts.box),
    linearCost: new Float64Array(p).fill(opts.kappa),
    equalities: neutralityConstraints({ n: p, dollar: opts.dollar ?? false, sectorOf, beta }),
  };
}

describe('ADMM portfolio optimiser (methods.md §7)', () => {
  it('R7.1: equality-only solution and the free identity γ·wᵀΣw = αᵀw', () => {
    const pr = setup({ box: 1e6, kappa: 0 });
    const sol = solvePortfolio(pr, { epsAbs: 1e-13, epsRel: 1e-13 });
    sol.w.forEach((x, i) => expect(x).toBeCloseTo(R71[i]!, 10));
    let aw = 0;
    for (let i = 0; i < 6; i++) aw += pr.alpha[i]! * sol.w[i]!;
    expect(aw).toBeCloseTo(0.009038707695458505, 11);
    expect(10 * pr.Sigma.quadForm(sol.w)).toBeCloseTo(aw, 11);
  });

  it('R7.1: adding the dollar row leaves rank 3 of 4 and the same solution', () => {
    const sol = solvePortfolio(setup({ box: 1e6, kappa: 0, dollar: true }), { epsAbs: 1e-13, epsRel: 1e-13 });
    expect(sol.keptConstraints.length).toBe(3);
    expect(sol.droppedConstraints.length).toBe(1);
    sol.w.forEach((x, i) => expect(x).toBeCloseTo(R71[i]!, 10));
  });

  it('R7.2: box, κ and w0 — the reference solution, turnover and KKT signs', () => {
    const w0 = [0.02, 0, 0, -0.02, 0, 0];
    const pr = setup({ box: 0.08, kappa: 0.002, w0 });
    const sol = solvePortfolio(pr, { epsAbs: 1e-14, epsRel: 1e-14, maxIterations: 100_000 });
    sol.w.forEach((x, i) => expect(x).toBeCloseTo(R72[i]!, 9));
    const turnover = sol.w.reduce((s, x, i) => s + Math.abs(x - w0[i]!), 0);
    expect(turnover).toBeCloseTo(0.2739840925524223, 9);
    expect(sol.equalityResidual).toBeLessThan(1e-11);
  });

  it('keeps the box and equalities on a warm start and converges faster', () => {
    const pr = setup({ box: 0.08, kappa: 0.002, w0: [0.02, 0, 0, -0.02, 0, 0] });
    const cold = solvePortfolio(pr);
    const warm = solvePortfolio(pr, { warmStart: cold.state });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    for (const x of warm.w) expect(Math.abs(x)).toBeLessThanOrEqual(0.08 + 1e-15);
  });

  it('respects a gross-leverage limit', () => {
    const pr = { ...setup({ box: 1, kappa: 0 }), maxGross: 0.2 };
    const sol = solvePortfolio(pr, { epsAbs: 1e-12, epsRel: 1e-12 });
    const gross = sol.w.reduce((s, x) => s + Math.abs(x), 0);
    expect(gross).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(gross).toBeGreaterThan(0.19); // the limit binds: the unconstrained book has gross ≈ 0.32
  });

  it('names the constraints when fixed names make neutrality impossible', () => {
    // names 0–2 frozen long by their box: sector 0 cannot net to zero
    const pr = setup({ box: 0.08, kappa: 0 });
    for (const i of [0, 1, 2]) {
      pr.lower[i] = 0.05;
      pr.upper[i] = 0.05;
    }
    expect(() => solvePortfolio(pr, { maxIterations: 3000 })).toThrow(InfeasibleError);
    try {
      solvePortfolio(pr, { maxIterations: 3000 });
    } catch (e) {
      expect((e as InfeasibleError).constraints).toContain('sector:0');
    }
  });
});

describe('volatility targeting (methods.md §7, R7.3)', () => {
  it('R7.3: the R7.1 book has annual vol 0.03006444360945086 on the annual Σ', () => {
    const pr = setup({ box: 1e6, kappa: 0 });
    const sol = solvePortfolio(pr, { epsAbs: 1e-13, epsRel: 1e-13 });
    expect(Math.sqrt(pr.Sigma.quadForm(sol.w))).toBeCloseTo(0.03006444360945086, 10);
    expect(0.1 / Math.sqrt(pr.Sigma.quadForm(sol.w))).toBeCloseTo(3.3261882807159173, 8);
  });

  it('hits the target exactly by re-solving, not by rescaling, when no limit binds', async () => {
    const { solveWithVolTarget } = await import('../../src/portfolio/vol-target.ts');
    const pr = setup({ box: 1e6, kappa: 0 });
    const sol = solveWithVolTarget(pr, {
      targetVol: 0.1,
      periodsPerYear: 1,
      tolerance: 1e-9,
      epsAbs: 1e-14,
      epsRel: 1e-14,
    });
    expect(sol.volTargetReached).toBe(true);
    expect(sol.exAnteVol).toBeCloseTo(0.1, 8);
    // without inequalities the solution scales as 1/γ: γ* = 10 · 0.0300644/0.1
    expect(sol.gamma).toBeCloseTo(10 / 3.3261882807159173, 6);
  });

  it('flags an unreachable target when the box caps the risk', async () => {
    const { solveWithVolTarget } = await import('../../src/portfolio/vol-target.ts');
    const pr = setup({ box: 0.01, kappa: 0 });
    const sol = solveWithVolTarget(pr, { targetVol: 0.5, periodsPerYear: 1 });
    expect(sol.volTargetReached).toBe(false);
    for (const x of sol.w) expect(Math.abs(x)).toBeLessThanOrEqual(0.01 + 1e-15);
  });
});

describe('optimiser through a StructuredCovariance (Woodbury)', () => {
  it('gives R7.2 with Σ = D + βCβᵀ held as an operator', async () => {
    const { StructuredCovariance } = await import('../../src/linalg/index.ts');
    const { p, beta } = r7Problem();
    const Sigma = new StructuredCovariance({
      p,
      k: 1,
      diag: Float64Array.of(0.04, 0.05, 0.03, 0.06, 0.045, 0.035),
      U: Float64Array.from(beta),
      C: Float64Array.of(0.03),
    });
    const pr = { ...setup({ box: 0.08, kappa: 0.002, w0: [0.02, 0, 0, -0.02, 0, 0] }), Sigma };
    const sol = solvePortfolio(pr, { epsAbs: 1e-14, epsRel: 1e-14, maxIterations: 100_000 });
    sol.w.forEach((x, i) => expect(x).toBeCloseTo(R72[i]!, 9));
  });
});

describe('warm starts from a different problem', () => {
  it('reach the same optimum as a cold start', () => {
    const base = setup({ box: 0.08, kappa: 0.002, w0: [0.02, 0, 0, -0.02, 0, 0] });
    const first = solvePortfolio(base, { epsAbs: 1e-10, epsRel: 1e-10 });
    // the next rebalance: alpha reversed in part, different held weights
    const next = { ...base, alpha: Float64Array.of(-0.03, 0.04, 0.01, -0.02, 0.03, -0.01), w0: first.w };
    const cold = solvePortfolio(next, { epsAbs: 1e-10, epsRel: 1e-10 });
    const warm = solvePortfolio(next, { epsAbs: 1e-10, epsRel: 1e-10, warmStart: first.state });
    warm.w.forEach((x, i) => expect(x).toBeCloseTo(cold.w[i]!, 7));
    expect(warm.objective).toBeCloseTo(cold.objective, 10);
  });
});
