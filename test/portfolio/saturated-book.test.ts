import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solvePortfolio } from '../../src/portfolio/optimizer.ts';
import { bestHolding, saturatedBook } from '../../src/portfolio/saturated-book.ts';
import { annualVol, dailyProblem, gross, kktViolation } from './daily-problem.ts';

/** The slow twin: golden-section search for the maximiser of the concave one-name objective on [lo, hi]. */
function goldenMax(f: (w: number) => number, lo: number, hi: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  for (let k = 0; k < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); k++) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (f(c) >= f(d)) b = d;
    else a = c;
  }
  return 0.5 * (a + b);
}

const objective = (sigma: number, w0: number, a: number, b: number, lambda: number) => (w: number) => {
  const t = Math.abs(w - w0);
  return sigma * w - a * t - b * t ** 1.5 - lambda * Math.abs(w);
};

describe('bestHolding (one name of the γ → 0 problem)', () => {
  it('matches a golden-section search, and its slope matches a finite difference', () => {
    const out = new Float64Array(2);
    const up = new Float64Array(2);
    const down = new Float64Array(2);
    fc.assert(
      fc.property(
        fc.double({ min: -3e-3, max: 3e-3, noNaN: true }), // σ = α − Aᵀν
        fc.double({ min: -0.01, max: 0.01, noNaN: true }), // w0
        fc.double({ min: 0, max: 3e-4, noNaN: true }), // linear cost
        fc.double({ min: 1e-5, max: 1e-2, noNaN: true }), // impact
        fc.double({ min: 0, max: 1e-3, noNaN: true }), // gross multiplier λ
        fc.double({ min: 0.001, max: 0.02, noNaN: true }), // box half-width
        (sigma, w0, a, b, lambda, half) => {
          const lo = Math.min(-half, w0);
          const hi = Math.max(half, w0);
          bestHolding(sigma, w0, a, b, lambda, lo, hi, out);
          const f = objective(sigma, w0, a, b, lambda);
          const ref = goldenMax(f, lo, hi);
          // the objectives agree to rounding; the maximisers as far as a flat-topped maximum allows
          expect(f(out[0]!)).toBeGreaterThanOrEqual(f(ref) - 1e-18);
          expect(Math.abs(out[0]! - ref)).toBeLessThan(1e-6 * (hi - lo));
          if (out[1]! > 0) {
            const h = 1e-9 * Math.max(Math.abs(sigma), 1e-6);
            bestHolding(sigma + h, w0, a, b, lambda, lo, hi, up);
            bestHolding(sigma - h, w0, a, b, lambda, lo, hi, down);
            expect((up[0]! - down[0]!) / (2 * h)).toBeCloseTo(out[1]!, 2);
          }
        },
      ),
      { numRuns: 300, seed: 35 },
    );
  });

  it('holds at w0 while the edge is under the linear cost, and stops at the box', () => {
    const out = new Float64Array(2);
    bestHolding(1e-4, 0.003, 2e-4, 1e-3, 0, -0.01, 0.01, out);
    expect(Array.from(out)).toEqual([0.003, 0]);
    bestHolding(1, 0.003, 2e-4, 1e-3, 0, -0.01, 0.01, out);
    expect(Array.from(out)).toEqual([0.01, 0]);
    // σ − a = 1.5·b·√t: t = (3e-4 / 1.5e-3)² = 0.04 beyond w0
    bestHolding(5e-4, 0, 2e-4, 1e-3, 0, -1, 1, out);
    expect(out[0]).toBeCloseTo(0.04, 15);
  });
});

describe('saturatedBook (the γ → 0 book by its dual)', () => {
  it('meets the KKT conditions at γ = 0 and matches ADMM at a tiny γ, with the gross limit binding', () => {
    // seeds where the dual method finishes within its budget (on these 60-name books, where the box binds on
    // most names, it gives up on about half the seeds and the search solves at γ_sat instead)
    for (const seed of [1, 2, 9]) {
      const pr = dailyProblem(seed, 1.0);
      const book = saturatedBook(pr)!;
      expect(book).toBeDefined();
      expect(book.lambda).toBeGreaterThan(0);
      expect(gross(book.w)).toBeCloseTo(1.0, 11);
      for (const row of book.rows)
        expect(Math.abs(row.reduce((s, x, i) => s + x * book.w[i]!, 0))).toBeLessThan(1e-12);
      const kkt = kktViolation(pr, 0, book.w);
      expect(kkt.free).toBeGreaterThan(kkt.m + 1);
      expect(kkt.worst).toBeLessThan(1e-12); // α is ~5e-4
      const admm = solvePortfolio({ ...pr, gamma: 4e-6 }, { epsAbs: 1e-12, epsRel: 1e-10 });
      // γ = 4e-6 against 0, and ADMM's tolerance: 1e-7 on weights of ±0.05
      book.w.forEach((x, i) => expect(Math.abs(x - admm.w[i]!)).toBeLessThan(1e-6));
      expect(Math.abs(annualVol(pr, book.w) / annualVol(pr, admm.w) - 1)).toBeLessThan(1e-5);
    }
  });

  it('leaves a slack gross limit at λ = 0', () => {
    const pr = dailyProblem(5, 100);
    const book = saturatedBook(pr)!;
    expect(book.lambda).toBe(0);
    expect(gross(book.w)).toBeLessThan(100);
    expect(kktViolation(pr, 0, book.w).worst).toBeLessThan(1e-12);
  });

  it('declines when a movable name has no impact cost (its term is linear: the book need not be unique)', () => {
    const pr = dailyProblem(1, 1.0);
    const impact = Float64Array.from(pr.impactCost!);
    impact[7] = 0;
    expect(saturatedBook({ ...pr, impactCost: impact })).toBeUndefined();
    // a frozen name without impact cost is fine
    const lower = Float64Array.from(pr.lower);
    const upper = Float64Array.from(pr.upper);
    lower[7] = upper[7] = 0;
    expect(saturatedBook({ ...pr, impactCost: impact, lower, upper })).toBeDefined();
  });
});
