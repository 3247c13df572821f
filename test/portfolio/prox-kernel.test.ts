import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { proxTradeCost } from '../../src/portfolio/prox.ts';
import { ProxKernel } from '../../src/portfolio/prox-kernel.ts';

describe('ProxKernel (the z-step prox pass in WebAssembly)', () => {
  it('gives proxTradeCost’s bits per name, and the JS pass’s Σ|z| and slope, over kinks, boxes and ties', () => {
    const rng = new Rng(17);
    const n = 401;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.uniform() * xs.length)]!;
    const w0 = Float64Array.from({ length: n }, () =>
      pick([0, -0, 5e-324, -5e-324, 0.003, -0.004, (rng.uniform() - 0.5) * 0.02]),
    );
    const linearCost = Float64Array.from({ length: n }, () => pick([0, 1e-4, rng.uniform() * 1e-3]));
    const impact = Float64Array.from({ length: n }, () => pick([0, 0, rng.uniform() * 0.01]));
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const held = rng.uniform() < 0.1;
      lower[i] = held ? w0[i]! : pick([-0.005, -0.01, 0]);
      upper[i] = held ? w0[i]! : pick([0.005, 0.01]);
    }
    const kernel = ProxKernel.create({ w0, linearCost, impact, lower, upper });
    expect(kernel).toBeDefined();
    for (let trial = 0; trial < 40; trial++) {
      const rho = pick([1e-4, 0.3, 2, 50]);
      const lambda = pick([0, 1e-5, 1e-3]);
      for (let i = 0; i < n; i++) {
        // v = w̃ + y hits the kinks exactly now and then
        kernel!.wr[i] = pick([w0[i]!, 0, (rng.uniform() - 0.5) * 0.03, 1e-300]);
        kernel!.y[i] = pick([0, 0, (rng.uniform() - 0.5) * 0.01]);
      }
      const gross = kernel!.pass(lambda, rho);
      let g = 0;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = kernel!.wr[i]! + kernel!.y[i]!;
        const zi = proxTradeCost(v, w0[i]!, linearCost[i]!, impact[i]!, lambda, rho, lower[i]!, upper[i]!);
        expect(Object.is(kernel!.z[i], zi)).toBe(true);
        g += Math.abs(zi);
        if (zi !== 0 && zi !== w0[i] && zi > lower[i]! && zi < upper[i]!) {
          const b = impact[i]!;
          s += b === 0 ? 1 / rho : 1 / (rho + (0.75 * b) / Math.sqrt(Math.abs(zi - w0[i]!)));
        }
      }
      expect(Object.is(gross, g)).toBe(true);
      expect(Object.is(kernel!.slope, -s)).toBe(true);
    }
  });
});
