import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { SpectralKernel } from '../../src/portfolio/spectral-kernel.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import { expectSameBits } from '../helpers/bits.ts';

// odd and even p and k, k below, at and above the f64x2/4-sum widths, and one of the stage's shapes
const SHAPES = [
  [1, 1],
  [2, 1],
  [3, 2],
  [5, 3],
  [8, 4],
  [9, 5],
  [10, 6],
  [13, 7],
  [64, 33],
  [301, 120],
] as const;

describe('SpectralKernel (WebAssembly Vᵀx and s·x + V·y)', () => {
  it('is available on this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(SpectralKernel.create(new Float64Array(6), 3, 2)).toBeDefined();
  });

  it('matches the direct products to rounding', () => {
    const rng = new Rng(11);
    const p = 7;
    const k = 5;
    const V = Float64Array.from({ length: p * k }, () => rng.normal());
    const kernel = SpectralKernel.create(V, p, k)!;
    const x = Float64Array.from({ length: p }, () => rng.normal());
    const y = Float64Array.from({ length: k }, () => rng.normal());
    kernel.x.set(x);
    kernel.project();
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += V[i * k + j]! * x[i]!;
      expect(kernel.y[j]).toBeCloseTo(s, 12);
    }
    kernel.y.set(y);
    kernel.expand(0.7);
    for (let i = 0; i < p; i++) {
      let s = 0.7 * x[i]!;
      for (let j = 0; j < k; j++) s += V[i * k + j]! * y[j]!;
      expect(kernel.out[i]).toBeCloseTo(s, 12);
    }
  });

  it('gives the JS path’s bits for mul, quadForm, the shifted and the constrained solves', () => {
    const rng = new Rng(5);
    for (const [p, k] of SHAPES) {
      const V = Float64Array.from({ length: p * k }, () => rng.normal() / Math.sqrt(p));
      const c = Float64Array.from({ length: k }, () => rng.uniform() * 1e-3);
      const wasm = new SpectralRiskOperator(2e-4, V, c);
      const js = new SpectralRiskOperator(2e-4, V, c, { useKernel: false });
      const x = Float64Array.from({ length: p }, () => rng.normal() * 1e-3);
      // zero pairs are skipped by both, a lone zero is not: in the kernel's groups of four rows the first
      // pair zero (rows 0–3), the second (4–7), both (8–11), one lone zero (row 13)
      for (const i of [0, 1, 6, 7, 8, 9, 10, 11, 13]) if (i < p - 1) x[i] = i === 1 ? -0 : 0;
      expectSameBits(wasm.mul(x), js.mul(x));
      expect(Object.is(wasm.quadForm(x), js.quadForm(x))).toBe(true);
      expectSameBits(wasm.shiftedSolver(3, 0.2).solve(x), js.shiftedSolver(3, 0.2).solve(x));
      const rows = [
        Float64Array.from({ length: p }, () => 1),
        Float64Array.from({ length: p }, (_, i) => (i % 3 === 0 ? 1 : 0)),
        Float64Array.from({ length: p }, () => rng.normal()),
      ].slice(0, Math.min(3, p));
      const ws = new Float64Array(p);
      const wj = new Float64Array(p);
      wasm.constrainedSolver(3, 0.2, rows).solve(x, ws);
      js.constrainedSolver(3, 0.2, rows).solve(x, wj);
      expectSameBits(ws, wj);
    }
  });

  it('keeps one kernel per V: operators on the same eigenvectors give their own answers', () => {
    const rng = new Rng(8);
    const p = 9;
    const k = 4;
    const V = Float64Array.from({ length: p * k }, () => rng.normal());
    const c1 = Float64Array.from({ length: k }, () => rng.uniform());
    const c2 = Float64Array.from({ length: k }, () => 2 + rng.uniform());
    const a = new SpectralRiskOperator(0.1, V, c1);
    const b = new SpectralRiskOperator(0.3, V, c2);
    const x = Float64Array.from({ length: p }, () => rng.normal());
    const ra = a.mul(x);
    const rb = b.mul(x);
    expectSameBits(ra, new SpectralRiskOperator(0.1, V, c1, { useKernel: false }).mul(x));
    expectSameBits(rb, new SpectralRiskOperator(0.3, V, c2, { useKernel: false }).mul(x));
    expectSameBits(a.mul(x), ra);
  });
});

describe('SpectralKernel memory reuse (docs/decisions/036)', () => {
  it('a kernel on a released kernel’s memory gives the same bits as one on fresh memory', () => {
    const rng = new Rng(36);
    const small = SpectralKernel.create(new Float64Array(9 * 5).fill(7), 9, 5)!;
    for (const [p, k] of [
      [9, 5],
      [64, 33],
    ] as const) {
      const V = Float64Array.from({ length: p * k }, () => rng.normal());
      const x = Float64Array.from({ length: p }, () => rng.normal());
      const y = Float64Array.from({ length: k }, () => rng.normal());
      const fresh = SpectralKernel.create(V, p, k)!;
      // the previous kernel's memory still holds its V and scratch
      const spare = (p === 9 ? small : SpectralKernel.create(new Float64Array(45).fill(-3), 9, 5)!).release();
      const reused = SpectralKernel.create(V, p, k, spare)!;
      for (const kernel of [fresh, reused]) {
        kernel.x.set(x);
        kernel.y.set(y);
      }
      fresh.project();
      reused.project();
      expectSameBits(reused.y, fresh.y);
      fresh.y.set(y);
      reused.y.set(y);
      fresh.expand(0.3);
      reused.expand(0.3);
      expectSameBits(reused.out, fresh.out);
      expect(small.released).toBe(true);
      expect(fresh.released).toBe(false);
    }
  });

  it('an operator whose kernel was retired (its V dropped from the recent list) asks again, same bits', () => {
    const rng = new Rng(37);
    const p = 31;
    const k = 6;
    const make = () => Float64Array.from({ length: p * k }, () => rng.normal());
    const c = Float64Array.from({ length: k }, () => rng.uniform());
    const x = Float64Array.from({ length: p }, () => rng.normal());
    const V = make();
    const op = new SpectralRiskOperator(0.5, V, c);
    const reference = new SpectralRiskOperator(0.5, V, c, { useKernel: false }).mul(x);
    expectSameBits(op.mul(x), reference);
    // three other bases push V out of the list of three; the last takes V's kernel memory
    for (let n = 0; n < 3; n++) new SpectralRiskOperator(0.5, make(), c).mul(x);
    expectSameBits(op.mul(x), reference);
  });
});
