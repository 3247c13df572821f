import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freezeWhitelist } from '../../../src/ml/features/index.ts';
import { featureMatrixFromRows } from '../../../src/ml/gbdt/matrix.ts';
import { trainGbdt } from '../../../src/ml/gbdt/train.ts';
import {
  classPayoffs,
  kellyFractionDiscrete,
  MLSignalStrategy,
  PositionBook,
  suggestedPositionSize,
} from '../../../src/ml/strategy/index.ts';

/** Naive twin: maximise Σ q ln(1 + f μ) on a fine grid. */
function kellyGrid(q: number[], mu: number[], fMax: number): number {
  let best = 0;
  let bestG = 0;
  for (let k = 1; k < 20000; k++) {
    const f = (fMax * k) / 20000;
    const g = q.reduce((s, p, j) => s + p * Math.log(1 + f * mu[j]!), 0);
    if (g > bestG) {
      bestG = g;
      best = f;
    }
  }
  return best;
}

describe('Kelly fraction of a discrete bet', () => {
  it('two outcomes {+b, −1} give the classic p − (1 − p)/b', () => {
    expect(kellyFractionDiscrete([0.6, 0.4], [1, -1])).toBeCloseTo(0.2, 12);
    expect(kellyFractionDiscrete([0.55, 0.45], [2, -1])).toBeCloseTo(0.55 - 0.45 / 2, 12);
  });
  it('no edge gives 0, no losing outcome gives +∞, NaN propagates', () => {
    expect(kellyFractionDiscrete([0.5, 0.5], [1, -1])).toBe(0);
    expect(kellyFractionDiscrete([0.3, 0.7], [1, -1])).toBe(0);
    expect(kellyFractionDiscrete([0.5, 0.5], [0.02, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(kellyFractionDiscrete([0.5, Number.NaN], [1, -1])).toBeNaN();
  });
  it('three outcomes agree with a grid search of the log growth', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
        ),
        fc.tuple(
          fc.double({ min: -0.1, max: -0.005, noNaN: true }),
          fc.double({ min: -0.004, max: 0.004, noNaN: true }),
          fc.double({ min: 0.005, max: 0.1, noNaN: true }),
        ),
        (w, mu) => {
          const s = w[0] + w[1] + w[2];
          const q = [w[0] / s, w[1] / s, w[2] / s];
          const f = kellyFractionDiscrete(q, mu);
          const edge = q[0]! * mu[0] + q[1]! * mu[1] + q[2]! * mu[2];
          if (edge <= 0) {
            expect(f).toBe(0);
            return;
          }
          const fMax = -1 / mu[0];
          expect(Math.abs(f - kellyGrid(q, [...mu], fMax))).toBeLessThanOrEqual((2 * fMax) / 20000);
        },
      ),
      { numRuns: 30 },
    );
  });
  it('class payoffs and suggested size (fractional, capped, by direction)', () => {
    expect(Array.from(classPayoffs([-0.03, -0.01, 0.0, 0.02, 0.04, Number.NaN], [0, 0, 1, 2, 2, 2]))).toEqual(
      [-0.02, 0, 0.03],
    );
    const pay = Float64Array.of(-0.02, 0, 0.03);
    const q = [0.2, 0.2, 0.6];
    const full = kellyFractionDiscrete(q, pay);
    expect(full).toBeGreaterThan(1); // small h-day payoffs make full Kelly large: hence the fraction and the cap
    expect(suggestedPositionSize(q, pay, 1, 0.25, 10)).toBeCloseTo(0.25 * full, 14);
    expect(suggestedPositionSize(q, pay, 1, 0.25, 0.05)).toBe(0.05);
    expect(suggestedPositionSize(q, pay, -1, 0.25, 0.05)).toBe(0); // no edge on the short side
  });
});

/** A strategy around a tiny fitted booster; only its thresholding is under test (probabilities given). */
function strategy(threshold = 0.55, minHold = 3) {
  const X = featureMatrixFromRows([[0], [1], [2], [3], [4], [5]], ['f']);
  const model = trainGbdt(X, [0, 0, 1, 1, 2, 2], { params: { nEstimators: 2, maxDepth: 1 } });
  return new MLSignalStrategy(
    {
      model,
      calibrator: null,
      whitelist: freezeWhitelist(['f']),
      payoffs: Float64Array.of(-0.02, 0, 0.03),
      modelName: 'm',
      modelVersion: 7,
    },
    { confidenceThreshold: threshold, minHoldDays: minHold, kellyFraction: 0.5, maxPositionSize: 0.1 },
  );
}

describe('MLSignalStrategy thresholding on hand-made probabilities', () => {
  const P = Float64Array.of(0.1, 0.2, 0.7, 0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.15, 0.55, 0.45, 0.1, 0.45);
  const tickers = ['UPX', 'DNX', 'FLX', 'EDGE', 'TIE'];
  it('UP → LONG, DOWN → SHORT, FLAT and non-exceeding confidence → no signal', () => {
    const s = strategy().signalsFromProbabilities('2024-01-05', tickers, P);
    expect(s.map((x) => [x.ticker, x.direction])).toEqual([
      ['UPX', 'LONG'],
      ['DNX', 'SHORT'],
    ]);
    expect(s[0]!.strength).toBe(0.7);
    expect(s[0]!.metadata).toMatchObject({
      predictionClass: 2,
      confidence: 0.7,
      modelName: 'm',
      modelVersion: 7,
    });
    // 0.55 is not > 0.55; a lower threshold admits EDGE (UP) and the DOWN/UP tie resolves to the first class.
    const lax = strategy(0.4).signalsFromProbabilities('2024-01-05', tickers, P);
    expect(lax.map((x) => [x.ticker, x.direction])).toEqual([
      ['UPX', 'LONG'],
      ['DNX', 'SHORT'],
      ['EDGE', 'LONG'],
      ['TIE', 'SHORT'],
    ]);
    const long = s[0]!;
    expect(long.suggestedSize).toBeCloseTo(
      Math.min(0.1, 0.5 * kellyFractionDiscrete([0.1, 0.2, 0.7], [-0.02, 0, 0.03])),
      14,
    );
  });
  it('refuses columns that are not the frozen whitelist', () => {
    expect(() => strategy().predictProba(featureMatrixFromRows([[1]], ['fwd_ret']))).toThrow(
      /forward-looking/,
    );
    expect(() => strategy().predictProba(featureMatrixFromRows([[1, 2]], ['f', 'g']))).toThrow(
      /not on the frozen/,
    );
  });
  it('position book keeps a position for min_hold_days and caps gross exposure', () => {
    const book = new PositionBook(['A', 'B'], 3, 0.15);
    const sig = (ticker: string, direction: 'LONG' | 'SHORT', size: number) => ({
      ticker,
      date: 'd',
      direction,
      strength: 0.6,
      suggestedSize: size,
      strategyName: 's',
      metadata: {
        predictionClass: 2,
        confidence: 0.6,
        probabilities: [0.2, 0.2, 0.6] as const,
        modelName: 'm',
        modelVersion: 1,
      },
    });
    expect(Array.from(book.update(10, [sig('A', 'LONG', 0.1)]))).toEqual([0.1, 0]);
    expect(Array.from(book.update(11, [sig('A', 'SHORT', 0.1)]))).toEqual([0.1, 0]); // locked until bar 13
    expect(Array.from(book.update(12, []))).toEqual([0.1, 0]);
    const w = book.update(13, [sig('A', 'SHORT', 0.1), sig('B', 'LONG', 0.1)]);
    expect(Array.from(w).map((x) => +x.toFixed(12))).toEqual([-0.075, 0.075]); // gross 0.2 scaled to 0.15
    expect(Array.from(book.update(14, [])).map((x) => +x.toFixed(12))).toEqual([-0.075, 0.075]); // both locked
  });
});
