import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { wasmApi } from '../../src/core/wasm.ts';
import { gramOptions, upperGram, upperGramJs } from '../../src/stats/gram-kernel.ts';

const same = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((x, k) => Object.is(x, b[k]!));

describe('upperGram (WebAssembly SIMD) against its JS twin', () => {
  afterEach(() => {
    gramOptions.forceJs = false;
  });

  it('runs the WebAssembly kernel here', () => {
    expect(wasmApi()).toBeDefined();
  });

  it('gives XᵀX bit for bit, odd widths, several row chunks, zeros and huge values (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 23 }),
        (seed, T, p) => {
          const rng = new Rng(seed);
          const X = Float64Array.from({ length: T * p }, () => {
            const u = rng.uniform();
            return u < 0.05 ? 0 : u < 0.07 ? -0 : u < 0.08 ? 1e300 * rng.normal() : rng.normal();
          });
          const G = upperGram(X, T, p);
          expect(same(G, upperGramJs(X, T, p))).toBe(true);
          gramOptions.forceJs = true;
          expect(same(upperGram(X, T, p), G)).toBe(true);
          gramOptions.forceJs = false;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles the walk-forward size (≈ 110 series × 2500 dates) and reuses its memory across sizes', () => {
    const rng = new Rng(3);
    for (const [T, p] of [
      [2500, 110],
      [7, 3],
      [1300, 97],
    ] as const) {
      const X = Float64Array.from({ length: T * p }, () => rng.normal());
      expect(same(upperGram(X, T, p), upperGramJs(X, T, p))).toBe(true);
    }
  });
});
