import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { factorWoodbury, woodburySolveJs } from '../../src/linalg/woodbury.ts';
import { woodburyKernel } from '../../src/linalg/woodbury-kernel.ts';
import { expectSameBits } from '../helpers/bits.ts';

/** A random factor of D + U·diag(c)·Uᵀ (c with `negatives` negative entries: the eigendecomposed capacitance). */
function randomFactor(rng: Rng, p: number, k: number, negatives = 0) {
  const d = Float64Array.from({ length: p }, () => 0.5 + rng.uniform());
  const U = Float64Array.from({ length: p * k }, () => rng.normal());
  const values = Float64Array.from(
    { length: k },
    (_, j) => (j < negatives ? -0.01 : 1) * (0.1 + rng.uniform()),
  );
  const rows = new Float64Array(k * k);
  for (let j = 0; j < k; j++) rows[j * k + j] = 1;
  return factorWoodbury('test', p, k, d, U, { values, rows });
}

// p mod 4 = 0…3 (gemvT's row groups), r mod 4 = 0…3 (rowDot's tail) and odd r (the f64x2 pairs' last column)
const SHAPES = [
  [1, 1],
  [2, 1],
  [3, 2],
  [4, 3],
  [5, 4],
  [6, 5],
  [7, 6],
  [9, 7],
  [17, 8],
  [64, 15],
  [301, 17],
  [1500, 20],
] as const;

describe('woodburyKernel (the Woodbury solve in WebAssembly)', () => {
  it('is available on this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(woodburyKernel()).not.toBeNull();
  });

  it('solves Σx = b to rounding', () => {
    const rng = new Rng(3);
    const p = 6;
    const k = 3;
    const d = Float64Array.from({ length: p }, () => 0.5 + rng.uniform());
    const U = Float64Array.from({ length: p * k }, () => rng.normal());
    const c = [0.7, 0.2, 1.3];
    const f = factorWoodbury('test', p, k, d, U, {
      values: Float64Array.from(c),
      rows: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]),
    });
    const b = Float64Array.from({ length: p }, () => rng.normal());
    const x = new Float64Array(p);
    woodburyKernel()!.solve(f, b, x);
    // Σx, formed entry by entry
    for (let i = 0; i < p; i++) {
      let s = d[i]! * x[i]!;
      for (let j = 0; j < p; j++) {
        let uc = 0;
        for (let a = 0; a < k; a++) uc += U[i * k + a]! * c[a]! * U[j * k + a]!;
        s += uc * x[j]!;
      }
      expect(s).toBeCloseTo(b[i]!, 10);
    }
  });

  it('gives the JS solve bit for bit on every shape, both capacitance forms, −0 and NaN entries', () => {
    const rng = new Rng(7);
    const kernel = woodburyKernel()!;
    for (const [p, k] of SHAPES) {
      for (const negatives of [0, 1]) {
        const f = randomFactor(rng, p, k, negatives);
        const b = Float64Array.from({ length: p }, () => rng.normal());
        if (p > 2) {
          b[1] = -0;
          b[2] = 0;
        }
        const want = woodburySolveJs(f, b, new Float64Array(p));
        const got = new Float64Array(p);
        kernel.solve(f, b, got);
        expectSameBits(got, want);
        if (p > 3) {
          b[3] = Number.NaN;
          const wantNaN = woodburySolveJs(f, b, new Float64Array(p));
          kernel.solve(f, b, got);
          expectSameBits(got, wantNaN);
        }
      }
    }
  });

  it('keeps one factor resident and reloads when another arrives (interleaved factors, in-place out)', () => {
    const rng = new Rng(9);
    const kernel = woodburyKernel()!;
    const f1 = randomFactor(rng, 40, 9);
    const f2 = randomFactor(rng, 40, 9);
    const f3 = randomFactor(rng, 23, 5);
    for (const f of [f1, f2, f1, f3, f1, f1]) {
      const b = Float64Array.from({ length: f.dInv.length }, () => rng.normal());
      const want = woodburySolveJs(f, b, new Float64Array(b.length));
      kernel.solve(f, b, b);
      expectSameBits(b, want);
    }
  });
});
