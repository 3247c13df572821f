import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../../src/data/synthetic/index.ts';
import {
  ANNUAL_VOL_MAX,
  ANNUAL_VOL_MIN,
  FACTOR_PREMIA_DAILY,
  FACTOR_VOLS_DAILY,
  SECTOR_VOL_DAILY,
} from '../../../src/data/synthetic/parameters.ts';
import { corr } from './arrays.ts';
import { meanRankIc } from './rank-ic.ts';

/** Solves A x = b (A m × m, row-major, overwritten) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]!) > Math.abs(A[p * m + c]!)) p = r;
    for (let j = 0; j < m; j++) [A[c * m + j], A[p * m + j]] = [A[p * m + j]!, A[c * m + j]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! / A[c * m + c]!;
      for (let j = c; j < m; j++) A[r * m + j]! -= f * A[c * m + j]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let j = r + 1; j < m; j++) s -= A[r * m + j]! * x[j]!;
    x[r] = s / A[r * m + r]!;
  }
  return x;
}

describe('synthetic market: volatility', () => {
  const N = 150;
  const T = 2520;
  const { universe: u, truth } = generateSyntheticMarket({ stocks: N, days: T, seed: 21 });
  const ret = u.panels.get('return')!.values;

  it('gives every stock an unconditional annual vol in the documented 15–45 % band, as the loadings imply', () => {
    const S = u.sectors.length;
    expect(S).toBe(11);
    for (let i = 0; i < N; i++) {
      let v = (truth.sectorLoadings[i]! * SECTOR_VOL_DAILY) ** 2 + truth.idioVols[i]! ** 2;
      for (let k = 0; k < 8; k++) v += (truth.loadings[i * 8 + k]! * FACTOR_VOLS_DAILY[k]!) ** 2;
      expect(truth.annualVols[i]).toBeCloseTo(Math.sqrt(252 * v), 12);
      expect(truth.annualVols[i]!).toBeGreaterThanOrEqual(ANNUAL_VOL_MIN - 1e-12);
      expect(truth.annualVols[i]!).toBeLessThanOrEqual(ANNUAL_VOL_MAX + 1e-12);
    }
  });

  it('realises those vols: realised / (unconditional × √mean h) ≈ 1, and 95 % of stocks in 13–50 %', () => {
    let meanH = 0;
    for (let t = 1; t < T; t++) meanH += truth.garchVariance[t]! / (T - 1);
    const ratios: number[] = [];
    let inBand = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      let ss = 0;
      for (let t = 1; t < T; t++) {
        s += ret[t * N + i]!;
        ss += ret[t * N + i]! ** 2;
      }
      const n = T - 1;
      const vol = Math.sqrt(((ss - (s * s) / n) / (n - 1)) * 252);
      ratios.push(vol / (truth.annualVols[i]! * Math.sqrt(meanH)));
      if (vol >= 0.13 && vol <= 0.5) inBand++;
    }
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(N / 2)]!).toBeGreaterThan(0.95);
    expect(ratios[Math.floor(N / 2)]!).toBeLessThan(1.05);
    expect(ratios[Math.floor(N * 0.05)]!).toBeGreaterThan(0.85);
    expect(ratios[Math.floor(N * 0.95)]!).toBeLessThan(1.15);
    expect(inBand / N).toBeGreaterThanOrEqual(0.95);
  });

  it('drives the GARCH(1,1) variance by the market shock and scales every return with it', () => {
    const { omega, alpha, beta } = truth.garch;
    const h = truth.garchVariance;
    expect(h[0]).toBe(1);
    expect(h[1]).toBe(1);
    for (let t = 1; t < T - 1; t++) {
      const z =
        (truth.factorReturns[t * 8]! - FACTOR_PREMIA_DAILY[0]!) / (FACTOR_VOLS_DAILY[0]! * Math.sqrt(h[t]!));
      expect(h[t + 1]).toBeCloseTo(omega + (alpha * z * z + beta) * h[t]!, 12);
    }
    // Days of high h have large moves across all stocks, idiosyncratic ones included.
    const dispersion: number[] = [];
    const hs: number[] = [];
    for (let t = 1; t < T; t++) {
      let m = 0;
      for (let i = 0; i < N; i++) m += ret[t * N + i]! / N;
      let d = 0;
      for (let i = 0; i < N; i++) d += (ret[t * N + i]! - m) ** 2 / N;
      dispersion.push(d);
      hs.push(h[t]!);
    }
    expect(Math.max(...hs) / Math.min(...hs)).toBeGreaterThan(2);
    expect(corr(dispersion, hs)).toBeGreaterThan(0.3);
  });
});

describe('synthetic market: factor structure', () => {
  it('recovers the factor and sector returns by cross-sectional regression on the true loadings', () => {
    const N = 800;
    const T = 160;
    const { universe: u, truth } = generateSyntheticMarket({ stocks: N, days: T, seed: 8 });
    const S = u.sectors.length;
    const m = 8 + S;
    const ret = u.panels.get('return')!.values;
    // X_i = [B_i (8), c_i · one-hot(sector_i) (S)]; the model has no intercept: the market beta plays it.
    const X = new Float64Array(N * m);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < 8; k++) X[i * m + k] = truth.loadings[i * 8 + k]!;
      X[i * m + 8 + u.sectorOf[i]!] = truth.sectorLoadings[i]!;
    }
    const XtX = new Float64Array(m * m);
    for (let i = 0; i < N; i++) {
      for (let a = 0; a < m; a++)
        for (let b = 0; b < m; b++) XtX[a * m + b]! += X[i * m + a]! * X[i * m + b]!;
    }
    const est: number[][] = Array.from({ length: m }, () => []);
    const tru: number[][] = Array.from({ length: m }, () => []);
    for (let t = 1; t < T; t++) {
      const Xty = new Float64Array(m);
      for (let i = 0; i < N; i++) for (let a = 0; a < m; a++) Xty[a]! += X[i * m + a]! * ret[t * N + i]!;
      const beta = solve(XtX.slice(), Xty, m);
      for (let a = 0; a < m; a++) {
        est[a]!.push(beta[a]!);
        tru[a]!.push(a < 8 ? truth.factorReturns[t * 8 + a]! : truth.sectorReturns[t * S + a - 8]!);
      }
    }
    expect(corr(est[0]!, tru[0]!)).toBeGreaterThan(0.98);
    for (let a = 1; a < m; a++) expect(corr(est[a]!, tru[a]!), `column ${a}`).toBeGreaterThan(0.7);
  });
});

describe('synthetic market: injected effects', () => {
  const N = 400;
  const T = 1300;
  const { universe: u, truth } = generateSyntheticMarket({ stocks: N, days: T, seed: 2024 });
  const close = u.panels.get('close')!.values;
  const panel = (f: string) => u.panels.get(f)!.values;
  // Every third date keeps the test fast; d = 1, h = 21 (methods.md §1, §3).
  const ic = (signal: (t: number, i: number) => number, first = 0) =>
    meanRankIc(close, T, N, (t, i) => (t % 3 === 0 ? signal(t, i) : Number.NaN), 21, 1, first).mean;

  it("gives 12-1 momentum a small positive rank IC at 21 days, far from seed 002's artefact", () => {
    expect(truth.effects.momentum).toBeGreaterThan(0);
    const mom = (t: number, i: number) => close[(t - 21) * N + i]! / close[(t - 252) * N + i]! - 1;
    const { mean, series } = meanRankIc(
      close,
      T,
      N,
      (t, i) => (t % 3 === 0 ? mom(t, i) : Number.NaN),
      21,
      1,
      252,
    );
    expect(mean).toBeGreaterThan(0.005);
    expect(mean).toBeLessThan(0.08);
    // Seed 002's ±1 %/day injection gave daily-IC hit rates of 84–98 %; a real signal loses often.
    const hitRate = series.filter((x) => x > 0).length / series.length;
    expect(hitRate).toBeGreaterThan(0.5);
    expect(hitRate).toBeLessThan(0.8);
  });

  it('makes momentum a noisy factor: φ_t has mean κ and sd 1.5e-3·√h_t, and is NaN before day 253', () => {
    const phi = truth.momentumFactor;
    expect(phi.subarray(0, 253).every(Number.isNaN)).toBe(true);
    let z2 = 0;
    let zMean = 0;
    const n = T - 253;
    for (let t = 253; t < T; t++) {
      const z = (phi[t]! - truth.effects.momentum) / (1.5e-3 * Math.sqrt(truth.garchVariance[t]!));
      zMean += z / n;
      z2 += (z * z) / n;
    }
    expect(Math.abs(zMean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(z2 - 1)).toBeLessThan(0.2);
  });

  it('gives EPS revisions, earnings surprise and (negated) short interest small positive ICs', () => {
    for (const [name, sign] of [
      ['eps_revision', 1],
      ['earnings_surprise', 1],
      ['short_interest', -1],
    ] as const) {
      const v = panel(name);
      const value = ic((t, i) => sign * v[t * N + i]!);
      expect(value, name).toBeGreaterThan(0.003);
      expect(value, name).toBeLessThan(0.06);
    }
  });

  it('leaves accruals as pure noise: |IC| well below the injected signals', () => {
    expect(truth.effects.accruals).toBe(0);
    const v = panel('accruals');
    expect(Math.abs(ic((t, i) => v[t * N + i]!))).toBeLessThan(0.012);
  });

  it('links characteristics to the loadings that carry the style premia', () => {
    const t = T - 1;
    const z = (k: number) => Array.from({ length: N }, (_, i) => truth.loadings[i * 8 + k]!);
    const at = (f: string, fn: (x: number) => number = (x) => x) =>
      Array.from({ length: N }, (_, i) => fn(panel(f)[t * N + i]!));
    expect(corr(at('book_to_market', Math.log), z(1))).toBeGreaterThan(0.3); // value
    expect(corr(at('market_cap', Math.log), z(2))).toBeLessThan(-0.3); // size: small caps load positively
    expect(corr(at('roe'), z(3))).toBeGreaterThan(0.3); // quality
    expect(corr(at('asset_growth'), z(4))).toBeGreaterThan(0.2); // investment
    expect(Math.abs(corr(at('accruals'), z(3)))).toBeLessThan(0.15);
  });
});
