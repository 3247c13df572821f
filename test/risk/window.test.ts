import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import type { Panel } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { fitCovarianceSuite } from '../../src/risk/covariance/suite.ts';
import { CovarianceWindow } from '../../src/risk/covariance/window.ts';
import { extractWindow } from '../../src/risk/covariance/window-extract.ts';
import { fitFamaMacBeth } from '../../src/risk/factor-model/fama-macbeth.ts';
import { naiveCentre } from './reference-data.ts';

function panel(T: number, N: number, seed: number): Panel {
  const rng = new Rng(seed);
  return {
    dates: Array.from({ length: T }, (_, t) => `d${String(t).padStart(4, '0')}`),
    tickers: Array.from({ length: N }, (_, i) => `S${i}`),
    values: Float64Array.from({ length: T * N }, () => 0.01 * rng.normal()),
  };
}

describe('window extraction and the missing-data policy', () => {
  it('keeps the lookback dates ending at `end`, nothing after', () => {
    const p = panel(30, 4, 1);
    const w = extractWindow(p, { lookback: 10, end: 19 });
    expect(w.dates).toEqual(p.dates.slice(10, 20));
    expect(Array.from(w.R.subarray(0, 4))).toEqual(Array.from(p.values.subarray(40, 44)));
  });
  it('excludes stocks below minHistory and constant stocks, with reasons', () => {
    const p = panel(20, 4, 2);
    for (let t = 0; t < 5; t++) p.values[t * 4 + 1] = Number.NaN;
    for (let t = 0; t < 20; t++) p.values[t * 4 + 3] = 0.002;
    const w = extractWindow(p, { lookback: 20, minHistory: 18 });
    expect(w.tickers).toEqual(['S0', 'S2']);
    expect(w.excluded).toEqual([
      { ticker: 'S1', observations: 15, reason: 'insufficient-history' },
      { ticker: 'S3', observations: 20, reason: 'constant' },
    ]);
  });
  it("'listwise' drops dates where a kept stock is missing; 'impute-mean' keeps them with rescaled columns", () => {
    const p = panel(40, 3, 3);
    p.values[7 * 3 + 2] = Number.NaN;
    p.values[9 * 3 + 0] = Number.NaN;
    const lw = extractWindow(p, { lookback: 40, minHistory: 38 });
    expect(lw.T).toBe(38);
    expect(lw.droppedDates).toEqual(['d0007', 'd0009']);
    const im = CovarianceWindow.fromPanel(p, { lookback: 40, minHistory: 38, missing: 'impute-mean' });
    expect(im.T).toBe(40);
    // The imputed column's variance equals its available-case variance (ddof 1).
    const col = Array.from({ length: 40 }, (_, t) => p.values[t * 3 + 2]!).filter((x) => !Number.isNaN(x));
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / (col.length - 1);
    expect(im.colSumSq[2]! / 39).toBeCloseTo(v, 15);
  });
  it('drops dates on which no stock has a return without counting them against anyone', () => {
    const p = panel(30, 4, 9);
    for (let i = 0; i < 4; i++) p.values[i] = Number.NaN;
    const w = extractWindow(p, { lookback: 30 });
    expect(w.p).toBe(4);
    expect(w.T).toBe(29);
    expect(w.droppedDates).toEqual(['d0000']);
    const none = { ...p, values: p.values.map(() => Number.NaN) };
    expect(() => extractWindow(none)).toThrow(/no stock has a return between d0000 and d0029/);
  });
  it('refuses ±Infinity and bad options with typed errors naming them', () => {
    const p = panel(10, 2, 4);
    p.values[3] = Number.POSITIVE_INFINITY;
    expect(() => extractWindow(p)).toThrow(/return is Infinity \(ticker S1, date d0001\)/);
    expect(() => extractWindow(panel(10, 2, 4), { lookback: 0 })).toThrow(InvalidInputError);
    expect(() => extractWindow(panel(10, 2, 4), { end: 10 })).toThrow(/end must be an integer in \[0, 9\]/);
  });
  it('the Gram matrix is XXᵀ of the centred window (naive twin)', () => {
    const p = panel(12, 30, 5);
    const w = CovarianceWindow.fromPanel(p, { lookback: 12 });
    const X = naiveCentre(12, 30, p.values);
    const G = w.crossProduct();
    for (let a = 0; a < 12; a++)
      for (let b = 0; b < 12; b++) {
        let s = 0;
        for (let j = 0; j < 30; j++) s += X[a * 30 + j]! * X[b * 30 + j]!;
        expect(Math.abs(G[a * 12 + b]! - s)).toBeLessThan(1e-15);
      }
  });
});

describe('sliding the window', () => {
  it('reuses the shared rows of the raw Gram matrix and equals a fresh window', () => {
    const p = panel(120, 150, 6);
    let w = CovarianceWindow.fromPanel(p, { lookback: 60, end: 59 });
    w.crossProduct();
    for (const end of [80, 101, 119]) {
      const slid = w.slide(p, { lookback: 60, end });
      const fresh = CovarianceWindow.fromPanel(p, { lookback: 60, end });
      const a = slid.crossProduct();
      const b = fresh.crossProduct();
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-15);
      const ra = fitCovarianceSuite(slid, { methods: ['lw2020', 'ledoit_wolf'] });
      const rb = fitCovarianceSuite(fresh, { methods: ['lw2020', 'ledoit_wolf'] });
      const x = Float64Array.from({ length: 150 }, (_, i) => Math.sin(i));
      for (const m of ['lw2020', 'ledoit_wolf'] as const) {
        const qa = ra.fits.get(m)!.covariance.quadForm(x);
        const qb = rb.fits.get(m)!.covariance.quadForm(x);
        expect(Math.abs(qa - qb)).toBeLessThan(1e-12 * qb);
      }
      w = slid;
    }
  });
  it('carries the shifted rows across dropped dates, backward slides and a changed length', () => {
    const p = panel(140, 90, 11);
    // a date every stock misses and one a single stock misses: both dropped (listwise), splitting the
    // rows both windows share into runs
    for (let i = 0; i < 90; i++) p.values[70 * 90 + i] = Number.NaN;
    p.values[95 * 90 + 7] = Number.NaN;
    const opts = (end: number, lookback = 60) => ({ lookback, end, minHistory: 50 });
    let w = CovarianceWindow.fromPanel(p, opts(80));
    w.crossProduct();
    for (const [end, lookback] of [
      [101, 60], // forward past the dropped date
      [90, 60], // backward: the fresh rows come first
      [97, 60], // forward again, fresh rows on both sides of a dropped date
      [120, 66], // a longer window
      [130, 63], // a shorter one
    ] as const) {
      const slid = w.slide(p, opts(end, lookback));
      const fresh = CovarianceWindow.fromPanel(p, opts(end, lookback));
      expect(slid.dates).toEqual(fresh.dates);
      expect([...slid.X]).toEqual([...fresh.X]);
      expect([...slid.colSumSq]).toEqual([...fresh.colSumSq]);
      const a = slid.crossProduct();
      const b = fresh.crossProduct();
      let scale = 0;
      for (const x of b) scale = Math.max(scale, Math.abs(x));
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-13 * scale);
      w = slid;
    }
    // A forward slide moves the old window's shifted rows in place; sliding the old window again still works.
    expect(w.slide(p, opts(135, 63)).dates).toEqual(CovarianceWindow.fromPanel(p, opts(135, 63)).dates);
    const again = w.slide(p, opts(137, 63));
    const fresh = CovarianceWindow.fromPanel(p, opts(137, 63));
    expect([...again.X]).toEqual([...fresh.X]);
    const g1 = again.crossProduct();
    const g2 = fresh.crossProduct();
    for (let k = 0; k < g1.length; k++) expect(Math.abs(g1[k]! - g2[k]!)).toBeLessThan(1e-13);
  });
  it('a window rebuilt from its shareable parts gives every estimator bit for bit (gram and primal side)', () => {
    for (const [T, N] of [
      [40, 60],
      [80, 30],
    ] as const) {
      const p = panel(T, N, 8);
      const w = CovarianceWindow.fromPanel(p, { lookback: T });
      if (w.side === 'gram') w.crossProduct();
      const parts = w.shareableParts();
      expect(parts.X.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(parts.cross === undefined).toBe(w.side === 'primal');
      const copy = CovarianceWindow.fromParts(parts);
      expect(copy.side).toBe(w.side);
      const ra = fitCovarianceSuite(w, { pcaFactors: 3 });
      const rb = fitCovarianceSuite(copy, { pcaFactors: 3 });
      for (const [m, fa] of ra.fits) {
        const fb = rb.fits.get(m)!;
        expect(fb.tickers).toEqual(fa.tickers);
        expect([...fb.covariance.U], m).toEqual([...fa.covariance.U]);
        expect([...fb.covariance.C], m).toEqual([...fa.covariance.C]);
        expect([...fb.covariance.d], m).toEqual([...fa.covariance.d]);
        expect(fb.diagnostics(), m).toEqual(fa.diagnostics());
      }
      // a rebuilt window has no panel rows to slide from: it starts afresh, with the same result
      const next = copy.slide(p, { lookback: T - 5 });
      expect([...next.X]).toEqual([...CovarianceWindow.fromPanel(p, { lookback: T - 5 }).X]);
    }
  });
  it('writes p-space eigenvectors into a given array, refusing one of the wrong size', () => {
    const w = CovarianceWindow.fromPanel(panel(30, 50, 9), { lookback: 30 });
    const spec = w.covarianceSpectrum();
    const idx = [29, 28, 27];
    const out = new Float64Array(new SharedArrayBuffer(8 * 50 * 3));
    expect(w.pSpaceVectors(spec, idx, w.X, out)).toBe(out);
    expect([...out]).toEqual([...w.pSpaceVectors(spec, idx)]);
    expect(() => w.pSpaceVectors(spec, idx, w.X, new Float64Array(10))).toThrow(InvalidInputError);
  });
});

describe('no look-ahead (architecture.md §4)', () => {
  it('covariance estimates as of t ignore every value dated after t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (seed, bump) => {
          const p = panel(50, 60, 7);
          const before = fitCovarianceSuite(p, { lookback: 30, end: 39 });
          const changed = { ...p, values: p.values.slice() };
          const rng = new Rng(seed);
          for (let k = 40 * 60; k < changed.values.length; k++)
            if (rng.bernoulli(0.5)) changed.values[k] = bump;
          const after = fitCovarianceSuite(changed, { lookback: 30, end: 39 });
          const x = Float64Array.from({ length: 60 }, (_, i) => Math.cos(i));
          for (const [m, f] of before.fits)
            expect(after.fits.get(m)!.covariance.quadForm(x)).toBe(f.covariance.quadForm(x));
        },
      ),
      { numRuns: 8 },
    );
  });
  it('the Fama–MacBeth model built as of t ignores every return and loading dated after t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const T = 90;
        const N = 40;
        const r = panel(T, N, 8);
        const l1 = panel(T, N, 9);
        const l2 = panel(T, N, 10);
        const buildAsOf79 = (rv: Panel, a: Panel, b: Panel) =>
          fitFamaMacBeth(
            rv,
            [
              { name: 'a', panel: a },
              { name: 'b', panel: b },
            ],
            { end: 79 },
          );
        const base = buildAsOf79(r, l1, l2);
        const rng = new Rng(seed);
        const perturb = (q: Panel) => {
          const v = q.values.slice();
          for (let k = 80 * N; k < v.length; k++)
            if (rng.bernoulli(0.3)) v[k] = rng.bernoulli(0.2) ? Number.NaN : 5 * rng.normal();
          return { ...q, values: v };
        };
        const moved = buildAsOf79(perturb(r), perturb(l1), perturb(l2));
        if (base.status !== 'ok' || moved.status !== 'ok') throw new Error('expected ok');
        expect(Array.from(moved.model.F)).toEqual(Array.from(base.model.F));
        expect(Array.from(moved.model.D)).toEqual(Array.from(base.model.D));
        expect(Array.from(moved.model.B)).toEqual(Array.from(base.model.B));
        expect(moved.model.premia).toEqual(base.model.premia);
      }),
      { numRuns: 10 },
    );
  });
});
