import { describe, expect, it } from 'vitest';
import type { Panel } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { fitFamaMacBeth } from '../../src/risk/factor-model/fama-macbeth.ts';
import type { LoadingInput } from '../../src/risk/factor-model/types.ts';
import { checkOperator } from './operator-checks.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
const rel = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b));

/** methods.md R6.1 on a 5-row grid: row 0 carries the loadings known before the first return date. */
function r61() {
  const b = [-1.2, -0.5, 0.0, 0.4, 0.9, 1.4];
  const rows = [
    [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
    [0.01, 0.004, 0.006, 0.012, 0.015, 0.02],
    [-0.02, -0.01, -0.015, -0.008, -0.012, -0.005],
    [0.005, 0.0, Number.NaN, 0.007, 0.004, 0.01],
    [0.012, 0.01, 0.008, 0.002, 0.001, -0.004],
  ];
  const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
  const tickers = ['A', 'B', 'C', 'D', 'E', 'F'];
  const returns: Panel = { dates, tickers, values: Float64Array.from(rows.flat()) };
  const load: Panel = { dates, tickers, values: Float64Array.from(rows.flatMap(() => b)) };
  return { returns, loadings: [{ name: 'beta', panel: load }] as LoadingInput[], b };
}

const r61Options = {
  minDates: 4,
  minTickers: 6,
  minAssetsPerDate: 1,
  minSpecificObs: 2,
  keepResiduals: true,
};

describe('Fama–MacBeth, methods.md R6.1', () => {
  const { returns, loadings, b } = r61();
  const res = fitFamaMacBeth(returns, loadings, r61Options);
  if (res.status !== 'ok') throw new Error(res.reason);
  const m = res.model;

  it('factor returns f̂', () => {
    const f = [
      [0.010375748502994017, 0.0047455089820359255],
      [-0.012402694610778447, 0.004416167664670657],
      [0.004783710407239818, 0.0020814479638009073],
      [0.005886227544910181, -0.006317365269461076],
    ];
    expect(m.factors).toEqual(['intercept', 'beta']);
    expect(m.factorReturnDates).toHaveLength(4);
    f.flat().forEach((v, k) => close(m.factorReturns[k]!, v, 1e-12));
  });

  it('date-2 residuals (asset 2 dropped that date)', () => {
    const e = [
      0.0027140271493212706,
      -0.0037429864253393647,
      Number.NaN,
      0.001383710407239819,
      -0.002657013574660635,
      0.0023022624434389117,
    ];
    const row = res.residuals!.values.subarray(2 * 6, 3 * 6);
    e.forEach((v, i) => (Number.isNaN(v) ? expect(row[i]).toBeNaN() : close(row[i]!, v, 1e-12)));
  });

  it('F (K_eff × K_eff, ddof 1), D with the min-obs rule waived', () => {
    const F = [1.0011307452365558e-4, -1.446863360179733e-5, -1.446863360179733e-5, 2.67327152144646e-5];
    expect(m.F).toHaveLength(4);
    F.forEach((v, k) => rel(m.F[k]!, v));
    const D = [
      1.2845033760606986e-5, 1.7005720194664536e-5, 1.124516610491592e-5, 3.120985479861093e-6,
      4.713282729658995e-6, 3.1008932500232126e-6,
    ];
    D.forEach((v, i) => rel(m.D[i]!, v));
    expect(Array.from(m.specificObs)).toEqual([4, 4, 3, 4, 4, 4]);
  });

  it('Σ entries through the structured operator', () => {
    const S = m.covariance();
    const dense = S.toDense();
    rel(dense.data[0]!, 1.861779388374052e-4);
    rel(dense.data[5]!, 5.2308386242995596e-5);
    rel(dense.data[2 * 6 + 2]!, 1.113582406285715e-4);
    // Σ = B F Bᵀ + diag(D) entry by entry.
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const bi = [1, b[i]!];
        const bj = [1, b[j]!];
        let v = i === j ? m.D[i]! : 0;
        for (let x = 0; x < 2; x++) for (let y = 0; y < 2; y++) v += bi[x]! * m.F[x * 2 + y]! * bj[y]!;
        rel(dense.data[i * 6 + j]!, v, 1e-12);
      }
    }
  });

  it('runs the covariance operator conformance checks', () => checkOperator(m.covariance(), true, 3));

  it('Fama–MacBeth slope mean and t', () => {
    close(m.premia[1]!.mean, 0.0012314398352616036, 1e-12);
    rel(m.premia[1]!.tIid, 0.4763450516019289);
  });
});

function mul3(a: number[][], b: number[][]): number[][] {
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => a[i]![0]! * b[0]![j]! + a[i]![1]! * b[1]![j]! + a[i]![2]! * b[2]![j]!),
  );
}
function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m as [
    [number, number, number],
    [number, number, number],
    [number, number, number],
  ];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

/** A synthetic market r = B f + e with known F and D (core/rng). */
function synthetic(T: number, N: number, seed: number) {
  const rng = new Rng(seed);
  const K = 3;
  const dates = Array.from({ length: T }, (_, t) => `d${String(t).padStart(5, '0')}`);
  const tickers = Array.from({ length: N }, (_, i) => `S${i}`);
  const fSd = [0.01, 0.004, 0.002];
  const fMean = [0.0005, 0.0002, -0.0001];
  const dTrue = Float64Array.from({ length: N }, () => (0.005 + 0.015 * rng.uniform()) ** 2);
  const L = Array.from({ length: K - 1 }, () => new Float64Array(T * N));
  const R = new Float64Array(T * N).fill(Number.NaN);
  const loadingsAt = (k: number, i: number) => Math.sin(1 + i * (k + 1.3)) * 1.2;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) for (let k = 0; k < K - 1; k++) L[k]![t * N + i] = loadingsAt(k, i);
    if (t === 0) continue;
    const f = fSd.map((s, k) => fMean[k]! + s * rng.normal());
    for (let i = 0; i < N; i++) {
      let r = f[0]!;
      for (let k = 1; k < K; k++) r += loadingsAt(k - 1, i) * f[k]!;
      R[t * N + i] = r + Math.sqrt(dTrue[i]!) * rng.normal();
    }
  }
  const loadings: LoadingInput[] = L.map((v, k) => ({
    name: `f${k + 1}`,
    panel: { dates, tickers, values: v },
  }));
  return { returns: { dates, tickers, values: R } as Panel, loadings, fSd, dTrue };
}

describe('Fama–MacBeth recovery on a known market', () => {
  it('recovers F (vols within 7 %, after the known errors-in-variables term) and D (median error < 10 %)', () => {
    const N = 120;
    const { returns, loadings, fSd, dTrue } = synthetic(1001, N, 7);
    const res = fitFamaMacBeth(returns, loadings);
    expect(res.status).toBe('ok');
    if (res.status !== 'ok') return;
    const m = res.model;
    // E[F̂] = F + (BᵀB)⁻¹BᵀDB(BᵀB)⁻¹: OLS noise in f̂ adds to the factor variance (loadings are constant here).
    const B = Array.from({ length: N }, (_, i) => [1, ...loadings.map((l) => l.panel.values[i]!)]);
    const M = [0, 1, 2].map((a) => [0, 1, 2].map((c) => B.reduce((s, r) => s + r[a]! * r[c]!, 0)));
    const Mi = inverse3(M);
    const BDB = [0, 1, 2].map((a) =>
      [0, 1, 2].map((c) => B.reduce((s, r, i) => s + r[a]! * dTrue[i]! * r[c]!, 0)),
    );
    const noise = mul3(mul3(Mi, BDB), Mi);
    for (let k = 0; k < 3; k++) {
      const expected = fSd[k]! ** 2 + noise[k]![k]!;
      expect(Math.abs(Math.sqrt(m.F[k * 3 + k]! / expected) - 1)).toBeLessThan(0.07);
    }
    // Off-diagonal correlations of independent factors are near 0.
    const corr01 = m.F[1]! / Math.sqrt(m.F[0]! * m.F[4]!);
    expect(Math.abs(corr01)).toBeLessThan(0.1);
    const errs = Array.from(m.D, (d, i) => Math.abs(d / dTrue[i]! - 1)).sort((a, b) => a - b);
    expect(errs[errs.length >> 1]!).toBeLessThan(0.1);
  });
});

describe('seed-000 skip rules and per-date validity', () => {
  it('empty panel', () => {
    const res = fitFamaMacBeth({ dates: [], tickers: [], values: new Float64Array(0) }, []);
    expect(res).toMatchObject({ status: 'skipped', reason: 'the returns panel is empty' });
  });
  it('fewer than 60 dates', () => {
    const { returns, loadings } = synthetic(50, 40, 1);
    const res = fitFamaMacBeth(returns, loadings);
    expect(res.status).toBe('skipped');
    if (res.status === 'skipped') expect(res.reason).toMatch(/fewer than 60/);
  });
  it('no loadings, and loadings without cross-sectional variance', () => {
    const { returns } = synthetic(80, 40, 2);
    expect(fitFamaMacBeth(returns, [])).toMatchObject({
      status: 'skipped',
      reason: 'no loading columns were given',
    });
    const flat = {
      name: 'flat',
      panel: { ...returns, values: new Float64Array(returns.values.length).fill(0.5) },
    };
    const res = fitFamaMacBeth(returns, [flat]);
    expect(res.status).toBe('skipped');
    if (res.status === 'skipped') {
      expect(res.reason).toMatch(/no loadings/);
      expect(res.diagnostics.droppedFactors).toEqual([
        { name: 'flat', reason: 'no cross-sectional variance on any date' },
      ]);
    }
  });
  it('fewer than 30 tickers with every loading', () => {
    const { returns, loadings } = synthetic(80, 40, 3);
    const v = loadings[0]!.panel.values;
    for (let t = 0; t < 80; t++) for (let i = 25; i < 40; i++) v[t * 40 + i] = Number.NaN;
    const res = fitFamaMacBeth(returns, loadings);
    expect(res.status).toBe('skipped');
    if (res.status === 'skipped') {
      expect(res.reason).toMatch(/^25 tickers carry all 2 loading columns, fewer than 30/);
      expect(res.diagnostics.tickersWithAllLoadings).toBe(25);
    }
  });
  it('malformed tickers are dropped and counted, not fatal', () => {
    const { returns, loadings } = synthetic(120, 50, 4);
    returns.values[70 * 50 + 3] = Number.POSITIVE_INFINITY;
    loadings[1]!.panel.values[10 * 50 + 8] = Number.NEGATIVE_INFINITY;
    const res = fitFamaMacBeth(returns, loadings);
    expect(res.status).toBe('ok');
    if (res.status !== 'ok') return;
    expect(res.diagnostics.malformedTickers.map((m) => m.name)).toEqual(['S3', 'S8']);
    expect(res.model.tickers).not.toContain('S3');
    expect(res.model.tickers).toHaveLength(48);
    expect(Array.from(res.model.F).every(Number.isFinite)).toBe(true);
  });
  it('records too-few-assets, rank-deficient and ill-conditioned dates', () => {
    const { returns, loadings } = synthetic(100, 40, 5);
    const N = 40;
    // Date 20: only 20 assets have returns.
    for (let i = 20; i < N; i++) returns.values[20 * N + i] = Number.NaN;
    // Loadings row 39 (used by return date 40): column 2 equals column 1 → rank-deficient.
    for (let i = 0; i < N; i++)
      loadings[1]!.panel.values[39 * N + i] = loadings[0]!.panel.values[39 * N + i]!;
    // Loadings row 59: column 2 = column 1 + 1e-7 noise → cond(BᵀB) > 1e10.
    const rng = new Rng(9);
    for (let i = 0; i < N; i++)
      loadings[1]!.panel.values[59 * N + i] = loadings[0]!.panel.values[59 * N + i]! + 1e-7 * rng.normal();
    const res = fitFamaMacBeth(returns, loadings);
    if (res.status !== 'ok') throw new Error(res.reason);
    const sk = res.model.skippedDates;
    expect(sk.map((s) => [s.date, s.reason])).toEqual([
      ['d00020', 'too-few-assets'],
      ['d00040', 'rank-deficient'],
      ['d00060', 'ill-conditioned'],
    ]);
    expect(sk[0]!.assets).toBe(20);
    expect(sk[2]!.condition).toBeGreaterThan(1e10);
    expect(res.model.factorReturnDates).toHaveLength(99 - 3);
  });
  it('skips when too few cross-sections leave D without any own estimate', () => {
    const { returns, loadings } = synthetic(80, 40, 12);
    // Every date but 10 has fewer than 30 assets: 10 valid cross-sections < minSpecificObs = 20.
    for (let t = 11; t < 80; t++) for (let i = 10; i < 40; i++) returns.values[t * 40 + i] = Number.NaN;
    const res = fitFamaMacBeth(returns, loadings);
    expect(res.status).toBe('skipped');
    if (res.status === 'skipped')
      expect(res.reason).toMatch(/^10 of 79 dates passed the per-date rules; F and D need at least 20/);
    // Enough dates overall, but every asset is missing on alternate halves: no own D anywhere.
    const alt = synthetic(80, 60, 13);
    for (let t = 1; t < 80; t++)
      for (let i = 0; i < 60; i++)
        if (i < 30 === t % 4 < 2 && t > 40) alt.returns.values[t * 60 + i] = Number.NaN;
    const r2 = fitFamaMacBeth(alt.returns, alt.loadings, { minSpecificObs: 70 });
    expect(r2.status).toBe('skipped');
    if (r2.status === 'skipped') expect(r2.reason).toMatch(/no asset has 70 residuals/);
  });

  it('D falls back to the cross-sectional median below 20 observations', () => {
    const { returns, loadings } = synthetic(100, 40, 6);
    for (let t = 0; t < 90; t++) returns.values[t * 40 + 5] = Number.NaN;
    const res = fitFamaMacBeth(returns, loadings);
    if (res.status !== 'ok') throw new Error(res.reason);
    const m = res.model;
    const own = Array.from(m.D)
      .filter((_, i) => i !== 5)
      .sort((a, b) => a - b);
    const median = own[19]!; // 39 own estimates: the 20th
    expect(m.specificObs[5]).toBe(10);
    expect(m.D[5]).toBe(median);
  });
});
