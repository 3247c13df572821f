import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { panelFromValues } from '../../src/core/panel.ts';
import { forwardReturns } from '../../src/signals/index.ts';

const panel = (T: number, N: number, v: number[] | Float64Array) =>
  panelFromValues(
    Array.from({ length: T }, (_, t) => `2020-01-${String(t + 1).padStart(2, '0')}`),
    Array.from({ length: N }, (_, i) => `X${i}`),
    Float64Array.from(v),
  );

/** Naive twin: compound the returns of t+d+1 … t+d+h directly. */
function naive(T: number, N: number, r: Float64Array, h: number, d: number): Float64Array {
  const out = new Float64Array(T * N).fill(Number.NaN);
  for (let t = 0; t + d + h <= T - 1; t++) {
    for (let i = 0; i < N; i++) {
      let p = 1;
      for (let j = t + d + 1; j <= t + d + h; j++) p *= 1 + r[j * N + i]!;
      out[t * N + i] = p - 1;
    }
  }
  return out;
}

describe('forwardReturns (methods.md §1)', () => {
  it('R1.1: P = [100, 110, 99, 108.9], h = 2, d = 0', () => {
    const P = [100, 110, 99, 108.9];
    const r = [Number.NaN, P[1]! / P[0]! - 1, P[2]! / P[1]! - 1, P[3]! / P[2]! - 1];
    const f = forwardReturns(panel(4, 1, r), 2, 0);
    expect(f[0]).toBeCloseTo(-0.010000000000000009, 15);
    expect(f[1]).toBeCloseTo(-0.009999999999999898, 15);
    expect(Number.isNaN(f[2]!) && Number.isNaN(f[3]!)).toBe(true);
  });

  it('with d = 1 the label at t uses r_{t+2} … r_{t+1+h}; the last d + h rows are NaN', () => {
    const r = [0.1, 0.2, -0.1, 0.05, 0.3, -0.2];
    const f = forwardReturns(panel(6, 1, r), 2, 1);
    expect(f[0]).toBeCloseTo((1 - 0.1) * (1 + 0.05) - 1, 15);
    expect(f[2]).toBeCloseTo((1 + 0.3) * (1 - 0.2) - 1, 15);
    expect([...f.slice(3)].every(Number.isNaN)).toBe(true);
  });

  it('h = 1 copies r_{t+d+1} exactly, and a missing return blanks every window containing it', () => {
    const r = [0.1, 0.2, Number.NaN, 0.05, 0.3];
    expect([...forwardReturns(panel(5, 1, r), 1, 0)]).toEqual([0.2, Number.NaN, 0.05, 0.3, Number.NaN]);
    const f = forwardReturns(panel(5, 1, r), 2, 0);
    expect(Number.isNaN(f[0]!) && Number.isNaN(f[1]!)).toBe(true);
    expect(f[2]).toBeCloseTo(1.05 * 1.3 - 1, 15);
  });

  it('more rows of delay and horizon than dates gives all NaN', () => {
    expect([...forwardReturns(panel(3, 2, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), 2, 1)].every(Number.isNaN)).toBe(
      true,
    );
  });

  it('agrees with the naive compounding twin on random panels (1e-12)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        (T, N, h, d, seed) => {
          let s = seed;
          const r = Float64Array.from({ length: T * N }, () => {
            s = (s * 1103515245 + 12345) % 2147483648;
            return s % 17 === 0 ? Number.NaN : (s / 2147483648 - 0.5) * 0.1;
          });
          const f = forwardReturns(panel(T, N, r), h, d);
          const g = naive(T, N, r, h, d);
          for (let k = 0; k < f.length; k++) {
            if (Number.isNaN(g[k]!)) expect(f[k]).toBeNaN();
            else expect(Math.abs(f[k]! - g[k]!)).toBeLessThan(1e-12);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a bad horizon or delay', () => {
    expect(() => forwardReturns(panel(2, 1, [0, 0]), 0, 1)).toThrow(InvalidInputError);
    expect(() => forwardReturns(panel(2, 1, [0, 0]), 1, -1)).toThrow(InvalidInputError);
  });
});
