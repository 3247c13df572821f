/**
 * Classification metrics on probability matrices P (n × K, row-major) and integer labels in [0, K).
 * Weighted where a weight vector is given. Empty input (n = 0 or zero total weight) gives NaN (methods.md §0).
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Probability floor of the log loss (scikit-learn 1.2 `log_loss` eps; XGBoost uses 1e-16). */
export const LOG_LOSS_EPS = 1e-15;

/**
 * Multi-class log loss (XGBoost `mlogloss`): −Σ ω_i ln max(P[i, y_i], 1e-15) / Σ ω_i. Base kernel.
 * Example: P = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], y = [0, 2] → (−ln 0.7 − ln 0.8)/2 = 0.2899092476264711.
 */
export function multiclassLogLossKernel(
  P: Float64Array,
  y: ArrayLike<number>,
  n: number,
  K: number,
  w?: ArrayLike<number>,
): number {
  let s = 0;
  let W = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1;
    const p = P[i * K + y[i]!]!;
    s -= wi * Math.log(Math.max(p, LOG_LOSS_EPS));
    W += wi;
  }
  return W > 0 ? s / W : Number.NaN;
}

/** Checked multi-class log loss; throws InvalidInputError on shape or label errors. */
export function multiclassLogLoss(
  P: Float64Array,
  y: ArrayLike<number>,
  K: number,
  weights?: ArrayLike<number>,
): number {
  checkProbLabels(P, y, K, weights);
  return multiclassLogLossKernel(P, y, y.length, K, weights);
}

/** Index of the largest probability in row i (the first one on ties, as numpy argmax). */
export function argmaxRow(P: Float64Array, i: number, K: number): number {
  let best = 0;
  let v = P[i * K]!;
  for (let k = 1; k < K; k++) {
    if (P[i * K + k]! > v) {
      v = P[i * K + k]!;
      best = k;
    }
  }
  return best;
}

/** Predicted classes argmax_k P[i, k] for every row. */
export function predictedClasses(P: Float64Array, K: number): Int32Array {
  const n = Math.floor(P.length / K);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(P, i, K);
  return out;
}

/** (Weighted) share of rows whose argmax class equals the label; NaN when empty. */
export function accuracy(
  P: Float64Array,
  y: ArrayLike<number>,
  K: number,
  weights?: ArrayLike<number>,
): number {
  checkProbLabels(P, y, K, weights);
  let s = 0;
  let W = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = weights ? weights[i]! : 1;
    if (argmaxRow(P, i, K) === y[i]) s += wi;
    W += wi;
  }
  return W > 0 ? s / W : Number.NaN;
}

/** K × K counts, row = true class, column = predicted class (scikit-learn's orientation). */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, K: number): Int32Array {
  if (yTrue.length !== yPred.length) {
    throw new InvalidInputError(
      `confusion matrix needs equal lengths, got ${yTrue.length} and ${yPred.length}`,
    );
  }
  const out = new Int32Array(K * K);
  for (let i = 0; i < yTrue.length; i++) {
    const a = yTrue[i]!;
    const b = yPred[i]!;
    if (!(Number.isInteger(a) && a >= 0 && a < K))
      throw new InvalidInputError(`label ${a} is not a class in [0, ${K})`, { where: { row: i } });
    if (!(Number.isInteger(b) && b >= 0 && b < K))
      throw new InvalidInputError(`prediction ${b} is not a class in [0, ${K})`, { where: { row: i } });
    out[a * K + b]!++;
  }
  return out;
}

/** Throws unless P is n × K with n = y.length, labels are classes and weights are finite and ≥ 0. */
export function checkProbLabels(
  P: Float64Array,
  y: ArrayLike<number>,
  K: number,
  weights?: ArrayLike<number>,
): void {
  if (!(Number.isInteger(K) && K >= 2))
    throw new InvalidInputError(`number of classes must be an integer ≥ 2, got ${K}`);
  if (P.length !== y.length * K) {
    throw new InvalidInputError(
      `probabilities have ${P.length} values, expected ${y.length} rows × ${K} classes`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < K))
      throw new InvalidInputError(`label ${c} is not a class in [0, ${K})`, { where: { row: i } });
  }
  if (weights) {
    if (weights.length !== y.length)
      throw new InvalidInputError(`${weights.length} weights for ${y.length} rows`);
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0 && Number.isFinite(w)))
        throw new InvalidInputError(`weight ${w} is not finite and ≥ 0`, { where: { row: i } });
    }
  }
}
