import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { capm } from '../../src/stats/capm.ts';
import {
  betaGatePasses,
  drawdownGateThreshold,
  minimumTrades,
  sharpeGateThreshold,
  sharpeTStat,
} from '../../src/stats/gates.ts';
import {
  annualizedReturn,
  annualizedVolatility,
  cagr,
  drawdowns,
  hitRate,
  informationRatio,
  maxDrawdown,
  rollingSharpe,
  sharpeRatio,
  sharpeStandardError,
} from '../../src/stats/performance.ts';
import { annualizedTurnover, driftWeights, portfolioReturn, turnover } from '../../src/stats/turnover.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol * Math.max(1, Math.abs(b)));

const r = Float64Array.from([0.01, -0.02, 0.015, 0.005, -0.01, 0.02, -0.005, 0.012]);
const m = Float64Array.from([0.008, -0.015, 0.01, 0.002, -0.012, 0.015, -0.002, 0.01]);

describe('R8.1 performance statistics', () => {
  it('return, vol, Sharpe, CAGR, IR', () => {
    close(annualizedReturn(r), 0.8505);
    close(annualizedVolatility(r), 0.21864011525792793);
    close(sharpeRatio(r), 3.8899540415841454);
    // The ddof-0 version spec 002 uses, for contrast: ×√(n/(n−1)).
    close(sharpeRatio(r) * Math.sqrt(8 / 7), 4.158535792544133);
    close(cagr(r), 1.289196969627337);
    close(informationRatio(r, m), 6.091616254761227);
  });

  it('CAPM: α, β, OLS and NW t, appraisal ratio', () => {
    const c = capm(r, m);
    close(c.alpha, 0.0008905875299760205);
    close(c.alphaAnnualized, 0.22442805755395717);
    close(c.beta, 1.2422062350119911);
    close(c.alphaTStatOls, 0.9462324809567634);
    expect(c.lags).toBe(2);
    close(c.alphaTStat, 0.9122606600833951);
    close(capm(r, m, { lags: 1 }).alphaTStat, 0.8636722597816787);
    close(capm(r, m, { lags: 1 }).betaTStat, 14.513396004673773);
    close(c.appraisalRatio, 5.411641884259112);
    expect(c.residuals.length).toBe(8);
  });

  it('max drawdown, hit rate, rolling Sharpe of the last 5', () => {
    const d = drawdowns(r);
    close(d.maxDrawdown, -0.02);
    expect(d.troughIndex).toBe(1);
    expect(d.peakIndex).toBe(0);
    close(hitRate(r), 0.625);
    const rs = rollingSharpe(r, 5);
    close(rs.sharpe[7]!, 5.716405692290214);
    expect(rs.sharpe[3]).toBeNaN();
    const srDaily = 5.716405692290214 / Math.sqrt(252);
    close(rs.standardError[7]!, Math.sqrt(252) * Math.sqrt((1 + srDaily ** 2 / 2) / 5));
  });
});

describe('R8.2 drawdown includes E_0', () => {
  it('a first-period loss is a drawdown', () => {
    close(maxDrawdown(Float64Array.from([-0.1, 0.05])), -0.1);
    expect(maxDrawdown(Float64Array.from([0.1, 0.05]))).toBe(0);
    expect(maxDrawdown(new Float64Array(0))).toBeNaN();
  });

  it('matches a naive twin with NaN returns skipped', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 500 }, () =>
      rng.uniform() < 0.05 ? Number.NaN : 0.02 * rng.normal(),
    );
    const eq = [1];
    for (const v of x) if (!Number.isNaN(v)) eq.push(eq.at(-1)! * (1 + v));
    let worst = 0;
    for (let t = 1; t < eq.length; t++) worst = Math.min(worst, eq[t]! / Math.max(...eq.slice(0, t + 1)) - 1);
    close(maxDrawdown(x), worst, 1e-12);
  });
});

describe('R8.3 drift and turnover', () => {
  it('long-only and long-short', () => {
    const drifted = driftWeights(Float64Array.from([0.5, 0.5]), Float64Array.from([0.1, -0.1]));
    close(drifted[0]!, 0.55);
    close(drifted[1]!, 0.45);
    const to = turnover(Float64Array.from([0.5, 0.5]), drifted);
    close(to.twoWay, 0.1);
    close(to.oneWay, 0.05);
    const w = Float64Array.from([0.5, -0.5]);
    const rr = Float64Array.from([0.02, -0.01]);
    close(portfolioReturn(w, rr), 0.015);
    const ls = driftWeights(w, rr);
    close(ls[0]!, 0.5024630541871922);
    close(ls[1]!, -0.4876847290640394);
    close(annualizedTurnover(Float64Array.from([0.1, 0.2]), 21), (252 / 21) * 0.3);
  });

  it('NaN return on a held asset makes the drift undefined; unheld assets ignore their return', () => {
    expect(
      Array.from(driftWeights(Float64Array.from([0.5, 0.5]), Float64Array.from([Number.NaN, 0]))).every(
        Number.isNaN,
      ),
    ).toBe(true);
    expect(Array.from(driftWeights(Float64Array.from([1, 0]), Float64Array.from([0.1, Number.NaN])))).toEqual(
      [1, 0],
    );
  });
});

describe('R8.4 adaptive gates', () => {
  it('Sharpe threshold 4.320493798938574 and 22 minimum trades', () => {
    close(sharpeGateThreshold(2, 54), 4.320493798938574);
    close(sharpeTStat(4.320493798938574, 54), 2);
    expect(minimumTrades(100, 252, 54)).toBe(22);
    expect(minimumTrades(100, 252, 252)).toBe(100);
    close(drawdownGateThreshold(0.2, 252, 63), -0.1);
    expect(betaGatePasses(0.25, 0.1, 0.1, 2)).toBe(true);
    expect(betaGatePasses(0.35, 0.1, 0.1, 1)).toBe(false);
    expect(betaGatePasses(Number.NaN, 0.1, 0.1, 1)).toBe(false);
  });
});

describe('degenerate inputs give NaN', () => {
  it('constant returns, too few returns, no counted days', () => {
    expect(sharpeRatio(new Float64Array(10).fill(0.001))).toBeNaN();
    expect(sharpeRatio(Float64Array.from([0.01]))).toBeNaN();
    expect(annualizedVolatility(Float64Array.from([0.01]))).toBeNaN();
    expect(annualizedReturn(new Float64Array(0))).toBeNaN();
    expect(cagr(Float64Array.from([Number.NaN]))).toBeNaN();
    expect(rollingSharpe(new Float64Array(30).fill(0.001), 20).sharpe.every(Number.isNaN)).toBe(true);
    expect(hitRate(Float64Array.from([0.01, 0.02]), Float64Array.from([0, 0]))).toBeNaN();
    close(hitRate(Float64Array.from([0.01, -0.02, 0]), Float64Array.from([1, 1, 0])), 0.5);
    close(sharpeStandardError(0, 20), 3.5496478698597698);
    close(sharpeStandardError(0, 252), 1);
    const w = rollingSharpe(Float64Array.from([0.01, Number.NaN, 0.02, 0.03, -0.01]), 3);
    expect(w.sharpe[2]).toBeNaN();
    expect(w.sharpe[3]).toBeNaN();
    expect(Number.isFinite(w.sharpe[4]!)).toBe(true);
    const flat = capm(r, new Float64Array(8).fill(0.001));
    expect(flat.beta).toBeNaN();
    expect(flat.alphaTStat).toBeNaN();
  });
});
