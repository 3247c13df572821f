import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { icPersistenceHalfLife } from '../../src/stats/icSummary.ts';
import { laggedPearson, laggedPearsonJs, laggedPearsonOptions } from '../../src/stats/lagged-pearson.ts';

/** Bit-level equality of two arrays (NaN equals NaN, +0 differs from −0). */
function expectSameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++)
    expect(Object.is(a[k], b[k]), `lag ${k + 1}: ${a[k]} vs ${b[k]}`).toBe(true);
}

function ar1(rng: Rng, n: number, phi: number, level: number): Float64Array {
  const x = new Float64Array(n);
  let a = 0;
  for (let i = 0; i < n; i++) {
    a = phi * a + rng.normal();
    x[i] = level + 0.1 * a;
  }
  return x;
}

describe('laggedPearson (WebAssembly lag pairs) ≡ pearsonComplete lag by lag', () => {
  afterEach(() => {
    laggedPearsonOptions.forceJs = false;
  });

  it('is bit-identical on IC-like series, odd and even lag counts, the last lag n − 2', () => {
    const rng = new Rng(11);
    for (const [n, phi, level] of [
      [2520, 0.9, 0.02],
      [2519, 0.3, -0.01],
      [400, 0.99, 5],
      [7, 0.5, 0],
      [3, 0, 1],
    ] as const) {
      const x = ar1(rng, n, phi, level);
      for (const maxLag of [1, 2, Math.min(120, Math.floor(n / 3)), n - 2]) {
        if (maxLag < 1 || maxLag > n - 2) continue;
        expectSameBits(laggedPearson(x, n, maxLag), laggedPearsonJs(x, n, maxLag));
      }
    }
  });

  it('is bit-identical on arbitrary doubles, constant runs and ±0 (property)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
      fc.constantFrom(0, -0, 1, 1 + 2 ** -52, 0.5),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 90 }), fc.nat(), (values, pick) => {
        const x = Float64Array.from(values);
        const n = x.length;
        const maxLag = 1 + (pick % (n - 2));
        expectSameBits(laggedPearson(x, n, maxLag), laggedPearsonJs(x, n, maxLag));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves icPersistenceHalfLife unchanged (kernel vs JS twin)', () => {
    const rng = new Rng(3);
    for (let rep = 0; rep < 6; rep++) {
      const ic = ar1(rng, 2520, 0.5 + 0.08 * rep, 0.01 * rep);
      for (let t = 0; t < 70; t++) ic[t] = Number.NaN;
      const kernel = icPersistenceHalfLife(ic);
      laggedPearsonOptions.forceJs = true;
      const js = icPersistenceHalfLife(ic);
      laggedPearsonOptions.forceJs = false;
      expect(kernel).toEqual(js);
      expect(Object.is(kernel.slope, js.slope)).toBe(true);
    }
  });
});
