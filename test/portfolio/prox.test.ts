import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proxTradeCost } from '../../src/portfolio/prox.ts';

/** Naive twin: golden-section search of the convex 1-D objective on a fine bracket, then a grid polish. */
function naiveProx(
  v: number,
  w0: number,
  a: number,
  b: number,
  lambda: number,
  rho: number,
  lo: number,
  hi: number,
): number {
  const f = (z: number) => {
    const t = Math.abs(z - w0);
    return a * t + b * t * Math.sqrt(t) + lambda * Math.abs(z) + 0.5 * rho * (z - v) ** 2;
  };
  let x0 = lo;
  let x1 = hi;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 200; k++) {
    const c = x1 - g * (x1 - x0);
    const d = x0 + g * (x1 - x0);
    if (f(c) <= f(d)) x1 = d;
    else x0 = c;
  }
  const mid = 0.5 * (x0 + x1);
  // kinks can beat the bracketed interior point by rounding; check them
  let best = mid;
  for (const z of [lo, hi, 0, w0]) if (z >= lo && z <= hi && f(z) < f(best)) best = z;
  return best;
}

describe('proxTradeCost', () => {
  it('is the soft-threshold then clip of methods.md §7 when there is no impact term', () => {
    // z = clip(w0 + soft(v − w0, κ/ρ), −u, u)
    expect(proxTradeCost(0.05, 0.02, 0.002, 0, 0, 1, -0.08, 0.08)).toBeCloseTo(0.048, 15);
    expect(proxTradeCost(0.021, 0.02, 0.002, 0, 0, 1, -0.08, 0.08)).toBe(0.02);
    expect(proxTradeCost(-0.2, 0.02, 0.002, 0, 0, 1, -0.08, 0.08)).toBe(-0.08);
  });

  it('matches a brute-force minimiser on random inputs', () => {
    const num = (lo: number, hi: number) =>
      fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        num(-0.2, 0.2),
        num(-0.1, 0.1),
        num(0, 0.01),
        num(0, 0.5),
        num(0, 0.01),
        num(0.05, 20),
        num(0.01, 0.2),
        (v, w0, a, b, lambda, rho, u) => {
          const z = proxTradeCost(v, w0, a, b, lambda, rho, -u, u);
          const ref = naiveProx(v, w0, a, b, lambda, rho, -u, u);
          const f = (x: number) => {
            const t = Math.abs(x - w0);
            return a * t + b * t * Math.sqrt(t) + lambda * Math.abs(x) + 0.5 * rho * (x - v) ** 2;
          };
          expect(z).toBeGreaterThanOrEqual(-u);
          expect(z).toBeLessThanOrEqual(u);
          expect(f(z)).toBeLessThanOrEqual(f(ref) + 1e-12);
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});
