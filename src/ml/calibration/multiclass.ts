/**
 * One-vs-rest Platt calibration of a prefit multi-class model, methods.md §9.7.
 *
 * One sigmoid per class k on (f_k, 1{y = k}) with f_k the model's probability column (XGBClassifier has no
 * decision_function, so scikit-learn feeds predict_proba; a known weakness, kept for parity). Calibrated
 * q_k = sigmoid_k(f_k) normalised by Σ_k q_k; a zero sum gives the uniform 1/K; values in (1, 1 + 1e-5]
 * become 1. Fit it on a later, purged hold-out with the prefit model (never k-fold on time series: the
 * folds would train on the future; see validation/innerValidationSplit).
 */
import { InvalidInputError } from '../../core/errors.ts';
import { checkProbLabels } from '../validation/metrics.ts';
import { fitPlatt, type PlattScaler, plattProbability } from './platt.ts';

export interface OneVsRestCalibrator {
  readonly numClass: number;
  readonly scalers: readonly PlattScaler[];
}

/** Fits one Platt sigmoid per class on hold-out probabilities P (n × K) and labels y. */
export function fitOneVsRestPlatt(
  P: Float64Array,
  y: ArrayLike<number>,
  K: number,
  weights?: ArrayLike<number>,
): OneVsRestCalibrator {
  checkProbLabels(P, y, K, weights);
  const n = y.length;
  if (n === 0) throw new InvalidInputError('calibration needs a non-empty hold-out');
  const f = new Float64Array(n);
  const o = new Uint8Array(n);
  const scalers: PlattScaler[] = [];
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++) {
      f[i] = P[i * K + k]!;
      o[i] = y[i] === k ? 1 : 0;
    }
    scalers.push(fitPlatt(f, o, weights));
  }
  return { numClass: K, scalers };
}

/**
 * In place: normalises each row of q (n × K) by its sum (uniform 1/K if the sum is 0) and sets values in
 * (1, 1 + 1e-5] to 1. R9.8: [0.2, 0.5, 0.5] → [1/6, 5/12, 5/12].
 */
export function normaliseOneVsRestInPlace(q: Float64Array, K: number): Float64Array {
  const n = Math.floor(q.length / K);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += q[i * K + k]!;
    for (let k = 0; k < K; k++) {
      let v = s === 0 ? 1 / K : q[i * K + k]! / s;
      if (v > 1 && v <= 1 + 1e-5) v = 1;
      q[i * K + k] = v;
    }
  }
  return q;
}

/** A fitted classifier that can score a matrix (e.g. GbdtModel). */
export interface ProbabilisticClassifier<X> {
  readonly numClass: number;
  predictProba(X: X): Float64Array;
}

/**
 * Calibrates a prefit model on a hold-out that lies after its training data (and is purged from it, e.g.
 * `innerValidationSplit`): scores the hold-out with the frozen model and fits the one-vs-rest sigmoids.
 */
export function fitPrefitCalibration<X>(
  model: ProbabilisticClassifier<X>,
  holdoutX: X,
  holdoutY: ArrayLike<number>,
  weights?: ArrayLike<number>,
): OneVsRestCalibrator {
  return fitOneVsRestPlatt(model.predictProba(holdoutX), holdoutY, model.numClass, weights);
}

/** Calibrated probabilities (a new n × K array) from the model's probabilities P. */
export function applyOneVsRestPlatt(cal: OneVsRestCalibrator, P: Float64Array): Float64Array {
  const K = cal.numClass;
  if (P.length % K !== 0)
    throw new InvalidInputError(`probabilities have ${P.length} values, not a multiple of ${K} classes`);
  const q = new Float64Array(P.length);
  for (let j = 0; j < P.length; j++) q[j] = plattProbability(cal.scalers[j % K]!, P[j]!);
  return normaliseOneVsRestInPlace(q, K);
}
