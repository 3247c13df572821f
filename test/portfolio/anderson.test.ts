import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { AndersonAccelerator } from '../../src/portfolio/anderson.ts';
import { neutralityConstraints } from '../../src/portfolio/constraints.ts';
import { solvePortfolio } from '../../src/portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import { orthonormal } from './dense-operator.ts';

describe('Anderson acceleration', () => {
  it('solves a linear fixed point x = Mx + b in n + 1 steps with memory ≥ n (Krylov property)', () => {
    const n = 6;
    const rng = new Rng(2);
    const M = Float64Array.from({ length: n * n }, () => 0.3 * rng.normal());
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const G = (x: Float64Array) => {
      const g = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = b[i]!;
        for (let j = 0; j < n; j++) s += M[i * n + j]! * x[j]!;
        g[i] = s;
      }
      return g;
    };
    const aa = new AndersonAccelerator(n, n);
    let x = new Float64Array(n);
    for (let k = 0; k <= n + 1; k++) {
      const next = new Float64Array(n);
      aa.step(x, G(x), next);
      x = next;
    }
    const r = G(x).map((v, i) => v - x[i]!);
    expect(Math.max(...r.map(Math.abs))).toBeLessThan(1e-8);
    // plain iteration is still far off after as many steps
    let y = new Float64Array(n);
    for (let k = 0; k <= n + 1; k++) y = G(y);
    const ry = G(y).map((v, i) => v - y[i]!);
    expect(Math.max(...ry.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('gives the plain ADMM solution, in fewer iterations, on a daily-scaled book', () => {
    const rng = new Rng(21);
    const p = 80;
    const V = orthonormal(p, 6, rng);
    const sectorOf = Int32Array.from({ length: p }, (_, i) => i % 4);
    const pr = {
      alpha: Float64Array.from({ length: p }, () => 4e-4 * rng.normal()),
      Sigma: new SpectralRiskOperator(
        3e-4,
        V,
        Float64Array.from([8, 3, 2, 1, 0.5, 0.2], (c) => c * 1e-3),
      ),
      gamma: 4,
      w0: new Float64Array(p),
      lower: new Float64Array(p).fill(-0.02),
      upper: new Float64Array(p).fill(0.02),
      linearCost: new Float64Array(p).fill(3e-5),
      impactCost: Float64Array.from({ length: p }, () => 1e-4 * rng.uniform()),
      equalities: neutralityConstraints({ n: p, dollar: true, sectorOf }),
      maxGross: 1,
    };
    const opts = { epsAbs: 1e-11, epsRel: 1e-9 };
    const plain = solvePortfolio(pr, { ...opts, andersonMemory: 0 });
    const fast = solvePortfolio(pr, opts);
    fast.w.forEach((x, i) => expect(x).toBeCloseTo(plain.w[i]!, 7));
    expect(fast.objective).toBeCloseTo(plain.objective, 11);
    expect(fast.iterations).toBeLessThan(plain.iterations);
    for (const x of fast.w) expect(Math.abs(x)).toBeLessThanOrEqual(0.02);
  });
});

describe('Anderson acceleration in WebAssembly (anderson-kernel.ts)', () => {
  it('gives the JS passes’ bits step for step, over odd and even n, a full ring and resets', () => {
    for (const [n, memory] of [
      [1, 1],
      [7, 3],
      [64, 10],
      [301, 4],
    ] as const) {
      const rng = new Rng(n + memory);
      const M = Float64Array.from({ length: n }, () => 0.9 * rng.uniform());
      const b = Float64Array.from({ length: n }, () => rng.normal());
      const G = (x: Float64Array) => Float64Array.from(x, (v, i) => M[i]! * Math.tanh(v) + b[i]!);
      const wasm = new AndersonAccelerator(n, memory);
      const js = new AndersonAccelerator(n, memory, { useKernel: false });
      let xw = Float64Array.from({ length: n }, () => rng.normal());
      let xj = Float64Array.from(xw);
      for (let k = 0; k < 40; k++) {
        if (k === 25) {
          wasm.reset();
          js.reset();
        }
        const gw = G(xw);
        const gj = G(xj);
        const nw = new Float64Array(n);
        const nj = new Float64Array(n);
        expect(wasm.step(xw, gw, nw)).toBe(js.step(xj, gj, nj));
        expect([...nw]).toEqual([...nj]);
        for (let i = 0; i < n; i++) expect(Object.is(nw[i], nj[i])).toBe(true);
        xw = nw;
        xj = nj;
      }
    }
  });
});
