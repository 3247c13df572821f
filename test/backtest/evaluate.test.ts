import { describe, expect, it } from 'vitest';
import { assertForwardReturns, assertPortfolio } from '../../src/backtest/assertions.ts';
import { decileBook } from '../../src/backtest/baselines.ts';
import { evaluate, rollingFactorExposures } from '../../src/backtest/evaluate.ts';
import { DEFAULT_GATES, evaluateGates } from '../../src/backtest/gates.ts';
import type { SimulationResult } from '../../src/backtest/simulate.ts';
import { Rng } from '../../src/core/rng.ts';

// methods.md §8 reference returns r and market m
const r = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02, -0.005, 0.012];
const m = [0.008, -0.015, 0.01, 0.002, -0.012, 0.015, -0.002, 0.01];

/** A simulation whose evaluation window is exactly the R8.1 returns (one idle day in front). */
function fakeSimulation(): SimulationResult {
  const T = r.length + 1;
  const net = Float64Array.from([0, ...r]);
  return {
    dates: Array.from({ length: T }, (_, t) => `2020-01-${String(t + 1).padStart(2, '0')}`),
    grossReturns: net,
    netReturns: net,
    turnover: Float64Array.from({ length: T }, (_, t) => (t === 0 ? 1 : 0)),
    cost: new Float64Array(T),
    grossExposure: new Float64Array(T).fill(1),
    rebalances: [
      {
        k: 0,
        decisionIndex: 0,
        executionIndex: 0,
        date: '2020-01-01',
        weights: Float64Array.of(1),
        turnover: 1,
        traded: 1,
        cost: 0,
        info: {},
      },
    ],
    firstActiveIndex: 1,
    missingHeldReturns: 0,
  };
}

describe('evaluation (methods.md §8)', () => {
  it('R8.1 and R8.2 through the evaluation of a simulation', () => {
    const ev = evaluate(fakeSimulation(), Float64Array.from([0, ...m]));
    expect(ev.net.annualReturn).toBeCloseTo(0.8505, 12);
    expect(ev.net.annualVolatility).toBeCloseTo(0.21864011525792793, 12);
    expect(ev.net.sharpe).toBeCloseTo(3.8899540415841454, 10);
    expect(ev.net.cagr).toBeCloseTo(1.289196969627337, 10);
    expect(ev.informationRatio).toBeCloseTo(6.091616254761227, 10);
    expect(ev.capm.alphaAnnual).toBeCloseTo(0.22442805755395717, 10);
    expect(ev.capm.beta).toBeCloseTo(1.2422062350119911, 10);
    expect(ev.capm.alphaT).toBeCloseTo(0.9122606600833951, 10); // L = ⌊4(8/100)^{2/9}⌋ = 2
    expect(ev.capm.appraisalRatio).toBeCloseTo(5.411641884259112, 9);
    expect(ev.net.maxDrawdown).toBeCloseTo(-0.02, 15);
    expect(ev.net.hitRate).toBeCloseTo(0.625, 15);
    expect(ev.annualTurnover).toBeCloseTo((252 / 8) * 1, 12);
  });

  it('R8.4: gates scale with the window length', () => {
    const ev = evaluate(fakeSimulation(), Float64Array.from([0, ...m]));
    const gates = evaluateGates({ ...ev, net: { ...ev.net, days: 54 } }, DEFAULT_GATES);
    const sharpe = gates.find((g) => g.gate === 'sharpe')!;
    expect(sharpe.threshold).toBeCloseTo(4.320493798938574, 12);
    expect(gates.find((g) => g.gate === 'trades')!.threshold).toBe(22);
  });

  it('a gate with no data fails with the reason, it does not pass silently', () => {
    const ev = evaluate(fakeSimulation()); // no benchmark: CAPM is NaN
    const alpha = evaluateGates(ev).find((g) => g.gate === 'alpha_t')!;
    expect(alpha.passed).toBe(false);
    expect(alpha.reason).toBe('no data');
  });

  it('rolling factor exposures recover a known beta', () => {
    const rng = new Rng(2);
    const T = 200;
    const f = Float64Array.from({ length: T }, () => 0.01 * rng.normal());
    const y = Float64Array.from(f, (x) => 0.7 * x + 0.0005 * rng.normal());
    const ex = rollingFactorExposures(y, new Map([['mkt', f]]), 60);
    expect(Number.isNaN(ex.betas[58]!)).toBe(true);
    expect(ex.betas[199]).toBeCloseTo(0.7, 2);
  });
});

describe('assertions and baselines', () => {
  it('checks forward returns against realised compounding and flags a broken label', () => {
    const T = 30;
    const N = 2;
    const rng = new Rng(4);
    const ret = Float64Array.from({ length: T * N }, () => 0.01 * rng.normal());
    const h = 5;
    const d = 1;
    const fwd = new Float64Array(T * N).fill(Number.NaN);
    for (let t = 0; t + d + h < T; t++) {
      for (let i = 0; i < N; i++) {
        let g = 1;
        for (let s = t + d + 1; s <= t + d + h; s++) g *= 1 + ret[s * N + i]!;
        fwd[t * N + i] = g - 1;
      }
    }
    expect(assertForwardReturns(ret, fwd, T, N, h, d, 1).passed).toBe(true);
    fwd[3 * N] = fwd[3 * N]! + 0.01;
    expect(assertForwardReturns(ret, fwd, T, N, h, d, 1).passed).toBe(false);
  });

  it('flags box, gross and neutrality breaches', () => {
    const sim = fakeSimulation();
    const res = assertPortfolio(
      { ...sim, rebalances: [{ ...sim.rebalances[0]!, weights: Float64Array.of(0.3, -0.1) }] },
      { box: 0.25, maxGross: 0.5, equalities: () => [{ name: 'dollar', row: Float64Array.of(1, 1) }] },
    );
    expect(Object.fromEntries(res.map((a) => [a.assertion, a.passed]))).toEqual({
      'no failed solves': true,
      'no NaN in net returns': true,
      'box limits': false,
      'gross leverage': true,
      neutrality: false,
    });
  });

  it('builds equal-weight decile books of ±½', () => {
    const w = decileBook(Float64Array.from({ length: 20 }, (_, i) => (i === 5 ? Number.NaN : i)));
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(0, 15);
    expect(w[19]).toBeCloseTo(0.5, 15);
    expect(w[0]).toBeCloseTo(-0.5, 15);
    expect(w[5]).toBe(0);
  });
});
