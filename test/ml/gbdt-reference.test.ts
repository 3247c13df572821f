import { describe, expect, it } from 'vitest';
import { featureMatrixFromRows } from '../../src/ml/gbdt/matrix.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';

// methods.md §9.3 R9.3 / R9.4: exact float64 values (xgboost 1.7.4 float32 agrees to 3.5e-8).
const X = featureMatrixFromRows([
  [1, 5],
  [2, null],
  [3, 4],
  [4, 3],
  [5, null],
  [6, 1],
  [7, 2],
  [8, 6],
  [9, 0.5],
]);
const y = [0, 0, 1, 1, 1, 2, 2, 0, 2];
const base = {
  maxDepth: 2,
  learningRate: 0.3,
  regLambda: 1,
  gamma: 0,
  minChildWeight: 1,
  baseScore: 0.5,
} as const;
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);

describe('gbdt R9.3 (exact xgboost hist parity)', () => {
  const one = trainGbdt(X, y, { params: { ...base, nEstimators: 1 } });
  const three = trainGbdt(X, y, { params: { ...base, nEstimators: 3 } });

  it('round 1, class 0: splits on f1 < 5 with missing going right, with the stated leaves and loss_chg', () => {
    const t = one.trees[0]!;
    expect(t.classIndex).toBe(0);
    expect(t.feature[0]).toBe(1);
    expect(t.threshold[0]).toBe(5);
    expect(t.defaultLeft[0]).toBe(0);
    close(t.gain[0]!, 1.8620689655172413);
    close(t.gain[0]!, 25 / 29 + 1);
    // Left child: rows {2,3,5,6,8}, G = 5/3, H = 20/9, leaf −0.3·(5/3)/(29/9).
    const l = t.left[0]!;
    const r = t.right[0]!;
    close(t.cover[l]!, 20 / 9);
    close(t.cover[r]!, 16 / 9);
  });

  it('round-1 margins of row 0', () => {
    const F = one.predictMargins(X);
    close(F[0]!, 0.68);
    close(F[1]!, 0.6241379310344828);
    close(F[2]!, 0.3363636363636364);
  });

  it('margins and probabilities after 3 rounds (rows 0 and 5)', () => {
    const F = three.predictMargins(X);
    close(F[0]!, 0.9613605986602403);
    close(F[1]!, 0.811640857858524);
    close(F[2]!, 0.05247542110554937);
    close(F[15]!, 0.07088482682647132);
    close(F[16]!, 0.10463751870117602);
    close(F[17]!, 1.1400895073160198);
    const P = three.predictProba(X);
    close(P[0]!, 0.4417112434677913);
    close(P[1]!, 0.38029095563407633);
    close(P[2]!, 0.1779978008981323);
  });
});

describe('gbdt R9.4 (γ compared with the un-halved bracket)', () => {
  const stump = (gamma: number) =>
    trainGbdt(X, y, { params: { ...base, maxDepth: 1, nEstimators: 1, gamma } });
  it('keeps the class-0 split at γ = 1.8 and prunes it at γ = 1.87', () => {
    const keep = stump(1.8).trees[0]!;
    expect(keep.feature[0]).toBe(1);
    close(keep.gain[0]!, 1.8620689655172413);
    const pruned = stump(1.87).trees[0]!;
    expect(pruned.feature[0]).toBe(-1);
    expect(pruned.left.length).toBe(1);
  });
  it('depth-1 stump leaves are −0.3·G/(H+λ) of each side', () => {
    const t = stump(0).trees[0]!;
    close(t.value[t.left[0]!]!, -0.15517241379310345);
    close(t.value[t.right[0]!]!, 0.18);
  });
});
