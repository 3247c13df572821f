import { describe, expect, it } from 'vitest';
import { costCoefficients, singleTradeCost, tradeCost } from '../../src/portfolio/costs.ts';
import {
  bandedSide,
  ewmaLambda,
  ewmaTowardTarget,
  rebalanceBucket,
  tradableByBucket,
} from '../../src/portfolio/turnover.ts';

describe('transaction costs (methods.md §7)', () => {
  it('R7.4: half-spread + fee + square-root impact', () => {
    const r = singleTradeCost({
      tradeValue: 1e6,
      price: 50,
      advShares: 1e6,
      sigma: 0.02,
      halfSpreadBps: 5,
      feeBps: 1,
      impactY: 1,
    });
    expect(r.participation).toBeCloseTo(0.02, 15);
    expect(r.impact).toBeCloseTo(0.00282842712474619, 15);
    expect(r.bps).toBeCloseTo(34.2842712474619, 10);
    expect(r.cost).toBeCloseTo(3428.4271247461897, 8);
  });

  it('weight-space coefficients reproduce the currency cost', () => {
    const nav = 5e7;
    const c = costCoefficients({
      nav,
      halfSpreadBps: 5,
      feeBps: 1,
      impactY: 1,
      price: Float64Array.of(50, 20),
      adv: Float64Array.of(1e6, 2e5),
      sigma: Float64Array.of(0.02, 0.03),
    });
    const dw = Float64Array.of(0.02, -0.01); // $1,000,000 and $500,000
    const a = singleTradeCost({
      tradeValue: 1e6,
      price: 50,
      advShares: 1e6,
      sigma: 0.02,
      halfSpreadBps: 5,
      feeBps: 1,
      impactY: 1,
    });
    const b = singleTradeCost({
      tradeValue: 5e5,
      price: 20,
      advShares: 2e5,
      sigma: 0.03,
      halfSpreadBps: 5,
      feeBps: 1,
      impactY: 1,
    });
    expect(tradeCost(dw, c) * nav).toBeCloseTo(a.cost + b.cost, 6);
  });

  it('gives no impact term where price, ADV or volatility is missing', () => {
    const c = costCoefficients({
      nav: 1e6,
      halfSpreadBps: 5,
      feeBps: 0,
      impactY: 1,
      price: Float64Array.of(Number.NaN),
      adv: Float64Array.of(1e6),
      sigma: Float64Array.of(0.02),
    });
    expect(c.impact[0]).toBe(0);
    expect(c.linear[0]).toBeCloseTo(5e-4, 15);
  });
});

describe('turnover controls (methods.md §7)', () => {
  it('R7.6: FNV-1a buckets', () => {
    expect(rebalanceBucket('AAPL', 5)).toBe(0);
    expect(rebalanceBucket('MSFT', 5)).toBe(3);
    expect(rebalanceBucket('GOOGL', 5)).toBe(0);
    expect(rebalanceBucket('AMZN', 5)).toBe(4);
    expect(rebalanceBucket('NVDA', 5)).toBe(2);
    expect([...tradableByBucket(['AAPL', 'MSFT', 'NVDA'], 5, 3)]).toEqual([0, 1, 0]);
    expect([...tradableByBucket(['AAPL', 'MSFT'], 1, 3)]).toEqual([1, 1]);
  });

  it('R7.7: entry and exit bands', () => {
    expect(bandedSide(0.88, 0)).toBe(0); // not held at 0.88 stays out
    expect(bandedSide(0.86, 1)).toBe(1); // held at 0.86 is kept
    expect(bandedSide(0.84, 1)).toBe(0); // held at 0.84 exits
    expect(bandedSide(0.91, 0)).toBe(1); // not held at 0.91 enters
    expect(bandedSide(0.12, 0)).toBe(0);
    expect(bandedSide(0.14, -1)).toBe(-1);
    expect(bandedSide(0.16, -1)).toBe(0);
    expect(bandedSide(0.05, 0)).toBe(-1);
    expect(bandedSide(Number.NaN, 1)).toBe(0);
  });

  it('R7.5: EWMA smoothing with half-life 5', () => {
    const lambda = ewmaLambda(5);
    expect(lambda).toBeCloseTo(0.12944943670387588, 15);
    let w: Float64Array = Float64Array.of(0);
    const target = Float64Array.of(0.04);
    const path: number[] = [];
    for (let k = 0; k < 3; k++) {
      w = ewmaTowardTarget(w, target, lambda);
      path.push(w[0]!);
    }
    expect(path[0]).toBeCloseTo(0.005177977468155035, 15);
    expect(path[1]).toBeCloseTo(0.00968566866979204, 15);
    expect(path[2]).toBeCloseTo(0.013609841784542116, 15);
    expect(() => ewmaLambda(0)).toThrow(/half-life/);
  });
});
