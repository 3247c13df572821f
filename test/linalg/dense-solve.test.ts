import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveDenseSmall } from '../../src/linalg/dense-solve.ts';

/** A diagonally dominant m × m matrix (well conditioned) from fast-check's doubles. */
const system = fc
  .integer({ min: 1, max: 12 })
  .chain((m) =>
    fc.tuple(
      fc.constant(m),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: m * m, maxLength: m * m }),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: m, maxLength: m }),
    ),
  );

describe('solveDenseSmall', () => {
  it('solves A·x = b: the residual of the returned x is at rounding level, in place or into x', () => {
    fc.assert(
      fc.property(system, ([m, entries, rhs]) => {
        const A = Float64Array.from(entries);
        for (let i = 0; i < m; i++) A[i * m + i] = A[i * m + i]! + (A[i * m + i]! >= 0 ? m : -m);
        const b = Float64Array.from(rhs);
        const x = new Float64Array(m);
        expect(solveDenseSmall(m, Float64Array.from(A), Float64Array.from(b), x)).toBe(true);
        const inPlace = Float64Array.from(b);
        expect(solveDenseSmall(m, Float64Array.from(A), inPlace)).toBe(true);
        expect(inPlace).toEqual(x);
        for (let i = 0; i < m; i++) {
          let r = -b[i]!;
          for (let k = 0; k < m; k++) r += A[i * m + k]! * x[k]!;
          expect(Math.abs(r)).toBeLessThan(1e-12 * m);
        }
      }),
    );
  });

  it('pivots rows: a zero leading entry is no obstacle', () => {
    const x = Float64Array.of(3, 4);
    expect(solveDenseSmall(2, Float64Array.of(0, 1, 1, 0), x)).toBe(true);
    expect(Array.from(x)).toEqual([4, 3]);
  });

  it('reports a singular system instead of returning non-finite numbers', () => {
    expect(solveDenseSmall(2, Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 1))).toBe(false);
    expect(solveDenseSmall(2, Float64Array.of(0, 0, 0, 0), Float64Array.of(1, 1))).toBe(false);
  });
});
