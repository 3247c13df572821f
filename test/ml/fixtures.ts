/**
 * Synthetic three-class data with a known signal, shared by the ml tests and bench/ml.bench.ts.
 * x ~ N(0, 1) (a share of values missing); latent s = 0.6·x0 − 0.5·x1 + 0.4·x2·x3 + 0.4·sin(2·x4);
 * class = 2 if s + ε > 0.5, 0 if s + ε < −0.5, else 1, with ε ~ N(0, 1). The Bayes probabilities are
 * therefore known: P(0) = Φ(−0.5 − s), P(2) = 1 − Φ(0.5 − s), which gives the best achievable log loss.
 */
import { Rng } from '../../src/core/rng.ts';
import type { FeatureMatrix } from '../../src/ml/gbdt/matrix.ts';
import { normalCdf } from '../../src/ml/tuning/normal.ts';

export interface SyntheticClassification {
  readonly X: FeatureMatrix;
  readonly y: Int32Array;
  /** Bayes-optimal probabilities (n × 3). */
  readonly bayes: Float64Array;
}

export function syntheticClassification(
  n: number,
  p: number,
  seed: number,
  missingShare = 0.02,
): SyntheticClassification {
  const rng = new Rng(seed);
  const values = new Float64Array(n * p);
  const y = new Int32Array(n);
  const bayes = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) values[o + j] = rng.normal();
    const x = (j: number) => (j < p ? values[o + j]! : 0);
    const s = 0.6 * x(0) - 0.5 * x(1) + 0.4 * x(2) * x(3) + 0.4 * Math.sin(2 * x(4));
    const z = s + rng.normal();
    y[i] = z > 0.5 ? 2 : z < -0.5 ? 0 : 1;
    const pDown = normalCdf(-0.5 - s);
    const pUp = 1 - normalCdf(0.5 - s);
    bayes[i * 3] = pDown;
    bayes[i * 3 + 1] = 1 - pDown - pUp;
    bayes[i * 3 + 2] = pUp;
    for (let j = 0; j < p; j++) if (rng.uniform() < missingShare) values[o + j] = Number.NaN;
  }
  return { X: { rows: n, cols: p, values }, y, bayes };
}
