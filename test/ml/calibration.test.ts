import { describe, expect, it } from 'vitest';
import {
  applyOneVsRestPlatt,
  brierScoreMulticlass,
  calibrationReport,
  fitOneVsRestPlatt,
  fitPlatt,
  fitPrefitCalibration,
  normaliseOneVsRestInPlace,
  plattProbability,
  reliabilityTable,
} from '../../src/ml/calibration/index.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { syntheticClassification } from './fixtures.ts';

const f = [0.1, 0.2, 0.35, 0.4, 0.55, 0.6, 0.7, 0.8, 0.9, 0.3];
const y = [0, 0, 1, 0, 1, 0, 1, 1, 1, 0];

/** Naive twin: the same objective minimised by plain gradient descent on a fine schedule, then compared. */
function naiveLoss(A: number, B: number): number {
  const tp = (5 + 1) / (5 + 2);
  const tn = 1 / (5 + 2);
  let s = 0;
  for (let i = 0; i < f.length; i++) {
    const P = 1 / (1 + Math.exp(A * f[i]! + B));
    const t = y[i] ? tp : tn;
    s += -t * Math.log(P) - (1 - t) * Math.log(1 - P);
  }
  return s;
}

describe('Platt scaling (§9.7)', () => {
  it('R9.7: exact optimum A = −4.627040018596754, B = 2.2561512608316767, P(0.5) = 0.5143382548589016', () => {
    const s = fitPlatt(f, y);
    expect(Math.abs(s.A - -4.627040018596754)).toBeLessThan(1e-9);
    expect(Math.abs(s.B - 2.2561512608316767)).toBeLessThan(1e-9);
    expect(Math.abs(plattProbability(s, 0.5) - 0.5143382548589016)).toBeLessThan(1e-9);
    expect(s.gradientNorm).toBeLessThan(1e-12);
    // sklearn 1.2.1's BFGS stops at (−4.627042250656829, 2.256152367085557): within 1e-5.
    expect(Math.abs(s.A - -4.627042250656829)).toBeLessThan(1e-5);
  });
  it('is a minimum of the stated objective (targets (N₊+1)/(N₊+2), 1/(N₋+2))', () => {
    const s = fitPlatt(f, y);
    const L = naiveLoss(s.A, s.B);
    for (const [dA, dB] of [
      [1e-4, 0],
      [-1e-4, 0],
      [0, 1e-4],
      [0, -1e-4],
      [1e-4, 1e-4],
    ] as const) {
      expect(naiveLoss(s.A + dA, s.B + dB)).toBeGreaterThan(L);
    }
  });
  it('weights act as repetitions', () => {
    const a = fitPlatt([...f, ...f.slice(0, 3)], [...y, ...y.slice(0, 3)]);
    const b = fitPlatt(
      f,
      y,
      f.map((_, i) => (i < 3 ? 2 : 1)),
    );
    expect(Math.abs(a.A - b.A)).toBeLessThan(1e-9);
    expect(Math.abs(a.B - b.B)).toBeLessThan(1e-9);
  });
  it('degenerate input: constant score fits B only; one class; empty input throws', () => {
    const c = fitPlatt([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0]);
    expect(c.A).toBe(0);
    // Optimum of a constant score: P = mean target = (1·(2/3) + 3·(1/5))/4.
    expect(plattProbability(c, 0.5)).toBeCloseTo((2 / 3 + 3 / 5) / 4, 12);
    const one = fitPlatt([0.1, 0.9], [1, 1]);
    expect(Number.isFinite(one.A) && Number.isFinite(one.B)).toBe(true);
    expect(() => fitPlatt([], [])).toThrow(/positive weight/);
    expect(() => fitPlatt([0.1], [2])).toThrow(/0\/1/);
  });
  it('separable data still converge (targets are never 0/1)', () => {
    const s = fitPlatt([0, 0.1, 0.2, 0.8, 0.9, 1], [0, 0, 0, 1, 1, 1]);
    expect(s.gradientNorm).toBeLessThan(1e-12);
    expect(s.A).toBeLessThan(0);
  });
});

describe('one-vs-rest calibration', () => {
  it('R9.8: [0.2, 0.5, 0.5] normalises to [1/6, 5/12, 5/12]; zero sum → uniform; (1, 1+1e-5] → 1', () => {
    const q = normaliseOneVsRestInPlace(Float64Array.from([0.2, 0.5, 0.5, 0, 0, 0]), 3);
    expect(Math.abs(q[0]! - 1 / 6)).toBeLessThan(1e-15);
    expect(Math.abs(q[1]! - 5 / 12)).toBeLessThan(1e-15);
    expect(Math.abs(q[2]! - 5 / 12)).toBeLessThan(1e-15);
    expect(Array.from(q.subarray(3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
  it('fits on a later hold-out with the prefit model and improves an over-confident model', () => {
    const train = syntheticClassification(1500, 6, 21);
    const hold = syntheticClassification(3000, 6, 22);
    const test = syntheticClassification(3000, 6, 23);
    // Deep, fast-learning trees on few rows: over-confident probabilities.
    const model = trainGbdt(train.X, train.y, {
      params: { nEstimators: 60, maxDepth: 8, learningRate: 0.5, minChildWeight: 0 },
    });
    const cal = fitOneVsRestPlatt(model.predictProba(hold.X), hold.y, 3);
    expect(fitPrefitCalibration(model, hold.X, hold.y)).toEqual(cal);
    const before = model.predictProba(test.X);
    const after = applyOneVsRestPlatt(cal, before);
    for (let i = 0; i < test.y.length; i++)
      expect(Math.abs(after[i * 3]! + after[i * 3 + 1]! + after[i * 3 + 2]! - 1)).toBeLessThan(1e-12);
    const r = calibrationReport(before, after, test.y, 3);
    expect(r.logLossAfter).toBeLessThan(r.logLossBefore);
    expect(r.brierAfter).toBeLessThan(r.brierBefore);
    expect(r.reliabilityBefore.reduce((s, b) => s + b.count, 0)).toBe(test.y.length);
  });
});

describe('reliability table and Brier score', () => {
  it('hand-computed bins, NaN for empty bins', () => {
    const t = reliabilityTable([0.05, 0.15, 0.12, 1], [0, 1, 0, 1], 10);
    expect(t[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedFrequency: 0 });
    expect(t[1]!.count).toBe(2);
    expect(t[1]!.meanPredicted).toBeCloseTo(0.135, 15);
    expect(t[1]!.observedFrequency).toBe(0.5);
    expect(t[9]!.count).toBe(1);
    expect(Number.isNaN(t[5]!.meanPredicted)).toBe(true);
    expect(() => reliabilityTable([1.5], [1])).toThrow(/probability/);
  });
  it('multi-class Brier score', () => {
    expect(brierScoreMulticlass(Float64Array.from([0.7, 0.2, 0.1]), [0], 3)).toBeCloseTo(
      0.09 + 0.04 + 0.01,
      15,
    );
    expect(Number.isNaN(brierScoreMulticlass(new Float64Array(0), [], 3))).toBe(true);
  });
});
