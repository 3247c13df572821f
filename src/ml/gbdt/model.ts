/**
 * A fitted, immutable multi-class booster (style.md habit 5): margins F_k = b_k + Σ class-k trees, probabilities
 * softmax(F) (methods.md §9.3 items 1 and 10). Trees are stored round-major: tree r·K + k is round r, class k.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { checkFeatureMatrix, type FeatureMatrix } from './matrix.ts';
import { softmaxRowsInPlace } from './objective.ts';
import type { GbdtParams } from './params.ts';
import { addForestMargins, type FlatForest, flattenForest } from './predict.ts';
import type { Tree } from './tree.ts';

export interface GbdtTrainingInfo {
  /** Rounds trained before early stopping (or nEstimators). */
  readonly roundsTrained: number;
  /**
   * Index of the best round on the validation set (the last round without one). With early stopping the
   * model keeps rounds 0 … bestIteration; without it, every trained round.
   */
  readonly bestIteration: number;
  /** Validation mlogloss at bestIteration; NaN without a validation set. */
  readonly bestScore: number;
  /** Validation mlogloss after every trained round (empty without a validation set). */
  readonly evalLogLoss: readonly number[];
  readonly trainRows: number;
}

/** Importance of one feature over all splits (XGBoost's weight, gain, cover and their totals). */
export interface FeatureImportance {
  readonly feature: number;
  readonly name: string;
  /** Number of splits on the feature. */
  readonly weight: number;
  readonly totalGain: number;
  /** Mean loss_chg per split (XGBoost importance_type "gain"); NaN if never used. */
  readonly gain: number;
  readonly totalCover: number;
  /** Mean hessian sum of the split nodes (XGBoost "cover"); NaN if never used. */
  readonly cover: number;
}

export class GbdtModel {
  readonly numClass: number;
  readonly numFeature: number;
  readonly featureNames: readonly string[] | undefined;
  readonly baseMargin: Float64Array;
  readonly trees: readonly Tree[];
  readonly params: GbdtParams;
  readonly info: GbdtTrainingInfo;
  private flat: FlatForest | undefined;

  constructor(args: {
    numFeature: number;
    featureNames: readonly string[] | undefined;
    baseMargin: Float64Array;
    trees: readonly Tree[];
    params: GbdtParams;
    info: GbdtTrainingInfo;
  }) {
    this.numClass = args.params.numClass;
    this.numFeature = args.numFeature;
    this.featureNames = args.featureNames;
    this.baseMargin = args.baseMargin;
    this.trees = args.trees;
    this.params = args.params;
    this.info = args.info;
  }

  /** Number of boosting rounds held. */
  get rounds(): number {
    return this.trees.length / this.numClass;
  }

  private forest(): FlatForest {
    this.flat ??= flattenForest(this.trees, this.numClass);
    return this.flat;
  }

  /**
   * Margins (n × K, row-major) using the first `rounds` rounds (all by default). NaN features follow the
   * default directions; ±Infinity is refused.
   */
  predictMargins(X: FeatureMatrix, rounds = this.rounds): Float64Array {
    checkFeatureMatrix(X);
    if (X.cols !== this.numFeature) {
      throw new InvalidInputError(
        `the model was trained on ${this.numFeature} features, the matrix has ${X.cols}`,
      );
    }
    if (!(Number.isInteger(rounds) && rounds >= 0 && rounds <= this.rounds)) {
      throw new InvalidInputError(`rounds = ${rounds} must be an integer in [0, ${this.rounds}]`);
    }
    const K = this.numClass;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) out.set(this.baseMargin, i * K);
    const X32 = Float32Array.from(X.values);
    addForestMargins(this.forest(), X32, X.rows, X.cols, out, 0, rounds * K);
    return out;
  }

  /** Class probabilities softmax(F) (n × K, row-major). */
  predictProba(X: FeatureMatrix, rounds = this.rounds): Float64Array {
    const F = this.predictMargins(X, rounds);
    softmaxRowsInPlace(F, X.rows, this.numClass);
    return F;
  }

  /** argmax class per row (the first on ties). */
  predictClass(X: FeatureMatrix): Int32Array {
    const P = this.predictProba(X);
    const K = this.numClass;
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let b = 0;
      for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + b]!) b = k;
      out[i] = b;
    }
    return out;
  }

  /** Per-feature importance over all trees, in feature order. */
  featureImportance(): FeatureImportance[] {
    const p = this.numFeature;
    const weight = new Float64Array(p);
    const gain = new Float64Array(p);
    const cover = new Float64Array(p);
    for (const t of this.trees) {
      for (let j = 0; j < t.feature.length; j++) {
        const f = t.feature[j]!;
        if (f < 0) continue;
        weight[f]!++;
        gain[f]! += t.gain[j]!;
        cover[f]! += t.cover[j]!;
      }
    }
    return Array.from({ length: p }, (_, f) => ({
      feature: f,
      name: this.featureNames?.[f] ?? `f${f}`,
      weight: weight[f]!,
      totalGain: gain[f]!,
      gain: weight[f]! > 0 ? gain[f]! / weight[f]! : Number.NaN,
      totalCover: cover[f]!,
      cover: weight[f]! > 0 ? cover[f]! / weight[f]! : Number.NaN,
    }));
  }
}
