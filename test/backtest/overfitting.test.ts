import { describe, expect, it } from 'vitest';
import {
  deflatedSharpe,
  expectedMaxSharpe,
  probabilisticSharpe,
  probabilityOfBacktestOverfitting,
  sharpeMoments,
} from '../../src/backtest/overfitting.ts';
import { Rng } from '../../src/core/rng.ts';

describe('deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  it('reproduces the paper’s numerical example: DSR ≈ 0.9004', () => {
    // 100 trials, V[SR] = 1/2 annualised, selected SR 2.5 annualised over T = 1250 days, skew −3, kurtosis 10.
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    const sr = 2.5 / Math.sqrt(250);
    const dsr = probabilisticSharpe({ sharpe: sr, skewness: -3, kurtosis: 10, n: 1250 }, sr0);
    // the paper annualises with 250 days (1250 observations = 5 years)
    expect(dsr).toBeCloseTo(0.9004, 4);
  });

  it('is the probabilistic Sharpe ratio with a zero benchmark for one trial', () => {
    const rng = new Rng(5);
    const r = Array.from({ length: 500 }, () => 0.001 + 0.01 * rng.normal());
    const d = deflatedSharpe(r, [sharpeMoments(r).sharpe]);
    expect(d.sr0).toBe(0);
    expect(d.dsr).toBeCloseTo(probabilisticSharpe(sharpeMoments(r), 0), 15);
  });

  it('falls as more trials are tried', () => {
    const rng = new Rng(6);
    const r = Array.from({ length: 750 }, () => 0.0008 + 0.01 * rng.normal());
    const sr = sharpeMoments(r).sharpe;
    const few = deflatedSharpe(r, [sr, sr * 0.5, sr * 0.2]);
    const many = deflatedSharpe(r, [sr, ...Array.from({ length: 99 }, (_, k) => sr * Math.cos(k))]);
    expect(many.dsr).toBeLessThan(few.dsr);
  });

  it('gives NaN, not 0, for degenerate returns', () => {
    expect(Number.isNaN(sharpeMoments([0.01, 0.01, 0.01, 0.01]).sharpe)).toBe(true);
    expect(Number.isNaN(deflatedSharpe([0.01, 0.01, 0.01], [1, 2]).dsr)).toBe(true);
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  it('is about one half when every configuration is noise, and near zero when one truly dominates', () => {
    const rng = new Rng(11);
    const T = 960;
    const N = 8;
    const noise = new Float64Array(T * N);
    for (let k = 0; k < noise.length; k++) noise[k] = 0.01 * rng.normal();
    const pNoise = probabilityOfBacktestOverfitting(noise, T, N, 10);
    expect(pNoise.splits).toBe(252); // C(10, 5)
    expect(pNoise.pbo).toBeGreaterThan(0.25);
    expect(pNoise.pbo).toBeLessThan(0.75);
    const skill = Float64Array.from(noise);
    for (let t = 0; t < T; t++) skill[t * N + 3] = skill[t * N + 3]! + 0.004;
    const pSkill = probabilityOfBacktestOverfitting(skill, T, N, 10);
    expect(pSkill.pbo).toBeLessThan(0.05);
    expect(pSkill.probabilityOfLoss).toBeLessThan(0.05);
  });

  it('refuses shapes it cannot split', () => {
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(10), 10, 1)).toThrow(/two configurations/);
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(20), 10, 2, 3)).toThrow(/even/);
  });
});
