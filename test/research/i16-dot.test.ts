// The SIMD rank-IC kernel (docs/decisions/025) against a naive BigInt twin: exact on random rows, at the
// largest magnitudes (int32 lanes must be flushed before they overflow), for lengths that are not multiples
// of 8, and the JS twin gives the same numbers.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { I16_DOT_MAX_N, I16DotKernel } from '../../src/research/i16-dot.ts';

function naive(a: Int16Array, b: Int16Array): number {
  let s = 0n;
  for (let i = 0; i < a.length; i++) s += BigInt(a[i]!) * BigInt(b[i]!);
  return Number(s);
}

function fill(k: I16DotKernel, row: number, values: ArrayLike<number>): void {
  k.values.set(Int16Array.from(values), row * k.stride);
}

afterEach(() => {
  I16DotKernel.forceJs = false;
});

describe('I16DotKernel', () => {
  it('uses WebAssembly SIMD on Node 20', () => {
    expect(new I16DotKernel(10, 2, 9).simd).toBe(true);
  });

  for (const forceJs of [false, true]) {
    it(`equals the exact sum on random rows of any length (${forceJs ? 'JS twin' : 'SIMD'})`, () => {
      I16DotKernel.forceJs = forceJs;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 1e9 }), (N, seed) => {
          const rng = new Rng(seed);
          const max = Math.max(1, N - 1);
          const k = new I16DotKernel(N, 3, max);
          expect(k.simd).toBe(!forceJs);
          const a = Int16Array.from({ length: N }, () => rng.int(2 * max + 1) - max);
          const b = Int16Array.from({ length: N }, () => rng.int(2 * max + 1) - max);
          fill(k, 0, a);
          fill(k, 2, b);
          expect(k.dot(0, 2)).toBe(naive(a, b));
          expect(k.dot(2, 0)).toBe(naive(a, b));
          expect(k.dot(0, 1)).toBe(0);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('does not overflow at the largest magnitudes (n = 32768: flush every vector)', () => {
    const N = I16_DOT_MAX_N;
    const k = new I16DotKernel(N, 2, N - 1);
    const a = new Int16Array(N).fill(N - 1);
    const b = new Int16Array(N).fill(-(N - 1));
    fill(k, 0, a);
    fill(k, 1, b);
    expect(k.dot(0, 1)).toBe(-N * (N - 1) ** 2);
    expect(k.dot(0, 0)).toBe(N * (N - 1) ** 2);
  });

  it('n = 1500, every value at the bound: int32 lanes would overflow without the int64 flush', () => {
    const N = 1500;
    const k = new I16DotKernel(N, 2, N - 1);
    fill(k, 0, new Int16Array(N).fill(N - 1));
    fill(k, 1, new Int16Array(N).fill(N - 1));
    // 1500 · 1499² = 3.37e9 > 2^31
    expect(k.dot(0, 1)).toBe(N * (N - 1) ** 2);
  });

  it('n = 0 gives 0', () => {
    expect(new I16DotKernel(0, 2, 0).dot(0, 1)).toBe(0);
  });
});
