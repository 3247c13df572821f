import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  effectiveNumber,
  ledoitWolfIntensity,
  ledoitWolfTerms,
  oasIntensity,
  oasIntensityPaper,
  type ShrinkageMoments,
  shrinkageMomentsFromData,
  shrinkageMomentsFromGram,
  shrunkCorrelation,
  shrunkCovariance,
} from '../../src/stats/shrinkage.ts';

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1e-300, Math.abs(b)));

const R41 = Float64Array.from([
  0.02, 0.01, -0.01, -0.01, 0.0, 0.02, 0.03, 0.02, 0.0, 0.0, -0.01, 0.01, -0.02, -0.02, -0.01, 0.01, 0.03,
  0.02,
]);

/** scikit-learn's `_naive_ledoit_wolf_shrinkage` style twin: explicit S, explicit Σ_k ‖x_k x_k′ − S‖². */
function naiveLedoitWolf(X: number[][]): number {
  const T = X.length;
  const p = X[0]!.length;
  const means = Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / T);
  const Xc = X.map((r) => r.map((v, j) => v - means[j]!));
  const S = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => Xc.reduce((s, r) => s + r[a]! * r[b]!, 0) / T),
  );
  const mu = S.reduce((s, r, a) => s + r[a]!, 0) / p;
  let delta = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) delta += (S[a]![b]! - (a === b ? mu : 0)) ** 2;
  delta /= p;
  let beta = 0;
  for (const x of Xc)
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) beta += (x[a]! * x[b]! - S[a]![b]!) ** 2;
  beta /= T * T * p;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

describe('Ledoit–Wolf and OAS intensities — R4.1', () => {
  const m = shrinkageMomentsFromData(R41, 6, 3);

  it('μ, δ², β̄², ρ_LW and the shrunk matrix', () => {
    const t = ledoitWolfTerms(m);
    close(t.mu, 0.00024722222222222224);
    close(t.delta2, 4.1867283950617296e-8);
    close(t.betaBar2, 2.2037037037037044e-8);
    close(ledoitWolfIntensity(m), 0.5263545890158499);
    const lw = shrunkCovariance(R41, 6, 3);
    close(lw.covariance[0]!, 0.00026827312937707337);
    close(lw.covariance[1]!, 0.0001065702174714338);
    close(lw.covariance[3]!, 0.0001065702174714338);
  });

  it('OAS: scikit-learn form 0.9770417566215575, paper eq. 23 form 0.8209595126777507', () => {
    close(oasIntensity(m), 0.9770417566215575);
    close(oasIntensityPaper(m), 0.8209595126777507);
  });

  it('standardised data: C[0,1], ρ_LW, shrunk C[0,1]; ρ_OAS capped at 1', () => {
    const c = shrunkCorrelation(R41, 6, 3);
    close(c.correlation[1]!, 0.7714285714285714);
    close(c.intensity, 0.7600172126097839);
    close(c.shrunk[1]!, 0.18512957884388093);
    expect(c.shrunk[0]).toBe(1);
    expect(shrunkCorrelation(R41, 6, 3, 'oas').intensity).toBe(1);
  });
});

describe('shrinkage properties', () => {
  it('matches the naive twin on random data, for p ≤ T and p > T (Gram route)', () => {
    const rng = new Rng(41);
    for (const [T, p] of [
      [30, 4],
      [12, 12],
      [8, 25],
      [3, 2],
    ] as const) {
      const X = Float64Array.from({ length: T * p }, () => rng.normal() * 0.01 + 0.002);
      const rows = Array.from({ length: T }, (_, t) => Array.from(X.subarray(t * p, (t + 1) * p)));
      close(ledoitWolfIntensity(shrinkageMomentsFromData(X, T, p)), naiveLedoitWolf(rows), 1e-10);
    }
  });

  it('the Gram route (T < p) gives the same moments and intensities as the data route', () => {
    const rng = new Rng(6);
    const T = 6;
    const p = 40;
    const X = Float64Array.from({ length: T * p }, () => rng.normal());
    for (let j = 0; j < p; j++) {
      let mean = 0;
      for (let t = 0; t < T; t++) mean += X[t * p + j]! / T;
      for (let t = 0; t < T; t++) X[t * p + j] = X[t * p + j]! - mean;
    }
    const G = new Float64Array(T * T);
    for (let s = 0; s < T; s++)
      for (let u = 0; u < T; u++) for (let j = 0; j < p; j++) G[s * T + u]! += X[s * p + j]! * X[u * p + j]!;
    const a = shrinkageMomentsFromData(X, T, p, { assumeCentered: true });
    const b = shrinkageMomentsFromGram(G, T, p);
    close(b.traceS, a.traceS, 1e-12);
    close(b.frobeniusSqS, a.frobeniusSqS, 1e-12);
    close(b.sumRowNorm4, a.sumRowNorm4, 1e-12);
    close(ledoitWolfIntensity(b), ledoitWolfIntensity(a), 1e-12);
    close(oasIntensity(b), oasIntensity(a), 1e-12);
    expect(() => shrinkageMomentsFromGram(G, 5, p)).toThrow(/expected T × T = 5 × 5/);
  });

  it('is invariant to scaling the data and preserves the trace', () => {
    const rng = new Rng(5);
    const X = Float64Array.from({ length: 40 * 5 }, () => rng.normal());
    const a = shrinkageMomentsFromData(X, 40, 5);
    const b = shrinkageMomentsFromData(
      X.map((v) => 1000 * v),
      40,
      5,
    );
    close(ledoitWolfIntensity(a), ledoitWolfIntensity(b), 1e-10);
    close(oasIntensity(a), oasIntensity(b), 1e-10);
    const lw = shrunkCovariance(X, 40, 5, 'oas');
    let trace = 0;
    for (let j = 0; j < 5; j++) trace += lw.covariance[j * 5 + j]!;
    close(trace, a.traceS, 1e-12);
  });

  it('edges: p = 1 gives 0; scaled identity data gives ρ = 0 (δ² = 0 is not divided by); NaN for constant series', () => {
    const one: ShrinkageMoments = { T: 10, p: 1, traceS: 2, frobeniusSqS: 4, sumRowNorm4: 50 };
    expect(ledoitWolfIntensity(one)).toBe(0);
    const iso: ShrinkageMoments = { T: 4, p: 2, traceS: 2, frobeniusSqS: 2, sumRowNorm4: 8 };
    expect(ledoitWolfIntensity(iso)).toBe(0);
    expect(oasIntensity({ ...iso, frobeniusSqS: 2, traceS: 2 })).toBe(1);
    const c = shrunkCorrelation(Float64Array.from([1, 0.1, 1, 0.2, 1, 0.3]), 3, 2);
    expect(c.intensity).toBeNaN();
    expect(Array.from(c.shrunk).every(Number.isNaN)).toBe(true);
    // Rows with any NaN are dropped before standardising.
    const withNaN = Float64Array.from([...R41, Number.NaN, 0.01, 0.01]);
    close(shrunkCorrelation(withNaN, 7, 3).intensity, 0.7600172126097839);
    expect(() => shrinkageMomentsFromData(withNaN, 7, 3)).toThrow(/finite/);
    expect(() => shrinkageMomentsFromData(R41, 5, 3)).toThrow(/expected T × p = 5 × 3/);
  });
});

describe('effectiveNumber — R4.4', () => {
  it('2√2 for [0.5, 0.25, 0.25]; range [1, M]; signs ignored; NaN for all-zero', () => {
    close(effectiveNumber(Float64Array.from([0.5, 0.25, 0.25])), 2.8284271247461903);
    close(effectiveNumber(Float64Array.from([-0.5, 0.25, -0.25])), 2 * Math.SQRT2);
    expect(effectiveNumber(Float64Array.from([0, 3, 0]))).toBe(1);
    close(effectiveNumber(new Float64Array(7).fill(0.2)), 7, 1e-14);
    expect(effectiveNumber(new Float64Array(3))).toBeNaN();
    expect(effectiveNumber(new Float64Array(0))).toBeNaN();
  });
});
