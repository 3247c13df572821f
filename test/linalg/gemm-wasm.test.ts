/**
 * The WebAssembly macro-kernel (src/linalg/wasm-gemm.ts) against the JavaScript one: the same bits for every
 * transpose, ragged edge, offset, leading dimension, α and β (both accumulate each entry in the same order
 * with separately rounded multiplies and adds), and both against the naive product.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { dgemm, setGemmWasmKernel } from '../../src/linalg/gemm.ts';
import { dsyrk } from '../../src/linalg/syrk.ts';
import { gemmWorkspace } from '../../src/linalg/wasm-gemm.ts';
import { expectSameBits } from '../helpers/bits.ts';

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  pad: number;
  seed: number;
}

/** Runs dgemm on a padded C (offsets and ldc > n) with the kernel switched as asked; returns all of C. */
function product(c: Case, wasm: boolean): Float64Array {
  const { transA, transB, m, n, k, alpha, beta, pad, seed } = c;
  const rng = new Rng(seed);
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad;
  const A = new Float64Array(pad + (transA ? k : m) * lda);
  const B = new Float64Array(pad + (transB ? n : k) * ldb);
  const C = new Float64Array(pad + m * ldc);
  rng.fillNormal(A);
  rng.fillNormal(B);
  rng.fillNormal(C);
  const was = setGemmWasmKernel(wasm);
  try {
    dgemm(transA, transB, m, n, k, alpha, A, pad, lda, B, pad, ldb, beta, C, pad, ldc);
  } finally {
    setGemmWasmKernel(was);
  }
  return C;
}

/** The naive product on the same inputs, to check the kernels against. */
function naive(c: Case): Float64Array {
  const { transA, transB, m, n, k, alpha, beta, pad, seed } = c;
  const rng = new Rng(seed);
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad;
  const A = new Float64Array(pad + (transA ? k : m) * lda);
  const B = new Float64Array(pad + (transB ? n : k) * ldb);
  const C = new Float64Array(pad + m * ldc);
  rng.fillNormal(A);
  rng.fillNormal(B);
  rng.fillNormal(C);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = transA ? A[pad + p * lda + i]! : A[pad + i * lda + p]!;
        const b = transB ? B[pad + j * ldb + p]! : B[pad + p * ldb + j]!;
        s += a * b;
      }
      const at = pad + i * ldc + j;
      C[at] = alpha * s + (beta === 0 ? 0 : beta * C[at]!);
    }
  }
  return C;
}

const hasKernel = gemmWorkspace() !== null;

describe('dgemm WebAssembly macro-kernel', () => {
  it('is available on this engine (Node 20 has WebAssembly SIMD)', () => {
    expect(hasKernel).toBe(true);
  });

  it('gives the JavaScript kernel’s bits across shapes crossing the MC/NC/KC blocks', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 2],
      [97, 1030, 257],
      [200, 7, 600],
      [13, 2049, 3],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const c: Case = { transA, transB, m, n, k, alpha: 0.7, beta: 0.3, pad: 2, seed: m + n + k };
          expectSameBits(product(c, true), product(c, false));
        }
      }
    }
  });

  it('property: same bits as the JS kernel and within rounding of the naive product', () => {
    fc.assert(
      fc.property(
        fc.record({
          transA: fc.boolean(),
          transB: fc.boolean(),
          m: fc.integer({ min: 1, max: 40 }),
          n: fc.integer({ min: 1, max: 40 }),
          k: fc.integer({ min: 1, max: 300 }),
          alpha: fc.constantFrom(1, -1, 0.5, 2.25),
          beta: fc.constantFrom(0, 1, -0.5),
          pad: fc.integer({ min: 0, max: 3 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (c) => {
          const w = product(c, true);
          expectSameBits(w, product(c, false));
          const ref = naive(c);
          for (let i = 0; i < w.length; i++)
            expect(Math.abs(w[i]! - ref[i]!)).toBeLessThanOrEqual(1e-12 * c.k * (1 + Math.abs(ref[i]!)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('β = 0 does not read C (NaN in C does not propagate)', () => {
    const A = Float64Array.of(1, 2, 3, 4);
    const C = new Float64Array(4).fill(Number.NaN);
    dgemm(false, false, 2, 2, 2, 1, A, 0, 2, A, 0, 2, 0, C, 0, 2);
    expect([...C]).toEqual([7, 10, 15, 22]);
  });

  it('dsyrk through the kernel gives the JavaScript kernel’s bits', () => {
    const k = 70;
    const n = 300;
    const X = new Float64Array(k * n);
    new Rng(9).fillNormal(X);
    const run = (wasm: boolean) => {
      const C = new Float64Array(n * n);
      const was = setGemmWasmKernel(wasm);
      dsyrk(true, true, n, k, 1 / k, X, 0, n, 0, C, 0, n, true);
      setGemmWasmKernel(was);
      return C;
    };
    expectSameBits(run(true), run(false));
  });

  it('dsyrk with β = 0 (op(A) packed once, decision 157) gives the block-column route’s bits', () => {
    // n not a multiple of MR, k across several KC slices, both triangles and transposes, offsets and
    // leading dimensions larger than the rows, the untouched triangle left as it was.
    for (const [n, k] of [
      [1, 1],
      [7, 3],
      [37, 600],
      [130, 257],
    ] as const) {
      for (const lower of [true, false]) {
        for (const trans of [false, true]) {
          const pad = 3;
          const lda = (trans ? n : k) + pad;
          const A = new Float64Array(pad + (trans ? k : n) * lda);
          new Rng(n + k).fillNormal(A);
          const run = (wasm: boolean) => {
            const C = new Float64Array(pad + n * (n + pad)).fill(Number.NaN);
            const was = setGemmWasmKernel(wasm);
            try {
              dsyrk(lower, trans, n, k, -0.75, A, pad, lda, 0, C, pad, n + pad);
            } finally {
              setGemmWasmKernel(was);
            }
            return C;
          };
          expectSameBits(run(true), run(false));
        }
      }
    }
  });
});
