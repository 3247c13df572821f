/**
 * Boosting loop for multi-class softmax histogram trees, methods.md §9.3.
 *
 * Each round computes every class's gradients from the same pre-round margins, then grows one tree per
 * class on its own seeded Bernoulli row sample and column sample (deriveSeed(seed, 'gbdt-rows' | 'gbdt-cols',
 * round, class)). Training margins are updated from the leaf row segments: the grower partitions the rows
 * dropped by subsampling alongside the sampled ones, so no row is traversed through the tree. An optional validation set is scored after each round with mlogloss; early
 * stopping keeps the rounds up to the best one (XGBoost's rule: stop after `earlyStoppingRounds` rounds
 * without a strict improvement).
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { deriveSeed, Rng } from '../../core/rng.ts';
import { multiclassLogLossKernel } from '../validation/metrics.ts';
import { type GrowParams, TreeGrower } from './grow.ts';
import { checkFeatureMatrix, type FeatureMatrix } from './matrix.ts';
import { GbdtModel } from './model.ts';
import { logPriorIntercept, softmaxGradients, softmaxRowsInPlace } from './objective.ts';
import { type GbdtParams, resolveGbdtParams } from './params.ts';
import { addForestMarginsKeyed, flattenForest } from './predict.ts';
import { binMatrix, sketchCuts, transposeToFloat32Columns } from './quantize.ts';
import { sampleRowsBernoulli } from './sample.ts';
import type { Tree } from './tree.ts';
import { forestRowKeys } from './wasm-predict.ts';

export interface GbdtEvalSet {
  readonly X: FeatureMatrix;
  readonly y: ArrayLike<number>;
  readonly weights?: Float64Array;
}

export interface TrainGbdtOptions {
  readonly params?: Partial<GbdtParams>;
  /** Sample weights ω (e.g. class-balancing weights, methods.md §9.2); they scale g and h. */
  readonly weights?: Float64Array;
  /** Validation set for the per-round mlogloss and early stopping. */
  readonly eval?: GbdtEvalSet;
  readonly logger?: Logger;
}

/** Trains a booster on X (n × p) and integer labels y ∈ [0, numClass). */
export function trainGbdt(X: FeatureMatrix, y: ArrayLike<number>, options: TrainGbdtOptions = {}): GbdtModel {
  const params = resolveGbdtParams(options.params);
  const K = params.numClass;
  checkFeatureMatrix(X, 'training matrix');
  const n = X.rows;
  const p = X.cols;
  if (n === 0) throw new InvalidInputError('the training set has no rows');
  const labels = checkLabels(y, n, K, 'training');
  const w = options.weights;
  if (w) checkWeights(w, n, 'training');
  const ev = options.eval;
  let evLabels: Int32Array | undefined;
  if (ev) {
    checkFeatureMatrix(ev.X, 'validation matrix');
    if (ev.X.cols !== p)
      throw new InvalidInputError(`the validation matrix has ${ev.X.cols} features, training has ${p}`);
    evLabels = checkLabels(ev.y, ev.X.rows, K, 'validation');
    if (ev.weights) checkWeights(ev.weights, ev.X.rows, 'validation');
  }
  if (params.earlyStoppingRounds > 0 && !ev) {
    throw new InvalidInputError('early stopping needs a validation set (options.eval)');
  }

  const columns = transposeToFloat32Columns(X);
  const binned = binMatrix(X, sketchCuts(X, params.maxBin, w, columns), columns);
  const grower = new TreeGrower(binned);
  const baseMargin =
    params.initialMargin === 'log_prior'
      ? logPriorIntercept(labels, w, K)
      : new Float64Array(K).fill(params.baseScore);
  const F = new Float64Array(n * K);
  for (let i = 0; i < n; i++) F.set(baseMargin, i * K);
  const P = new Float64Array(n * K);
  const gh = new Float64Array(2 * n * K);
  const rows = new Int32Array(n);
  const treeOutput = new Float64Array(n);
  const nSel = Math.max(1, Math.floor(params.colsampleBytree * p));
  const allFeatures = Int32Array.from({ length: p }, (_, f) => f);
  const gp: GrowParams = {
    maxDepth: params.maxDepth,
    gamma: params.gamma,
    eta: params.learningRate,
    lambda: params.regLambda,
    alpha: params.regAlpha,
    minChildWeight: params.minChildWeight,
  };

  const evN = ev ? ev.X.rows : 0;
  const evX32 = ev ? Float32Array.from(ev.X.values) : new Float32Array(0);
  // The validation rows are scored every round: their comparison keys are computed once.
  const evKeys = forestRowKeys(evX32);
  const evF = new Float64Array(evN * K);
  for (let i = 0; i < evN; i++) evF.set(baseMargin, i * K);
  const evP = new Float64Array(evN * K);
  const evalLogLoss: number[] = [];
  let bestIteration = -1;
  let bestScore = Number.POSITIVE_INFINITY;

  const trees: Tree[] = [];
  let round = 0;
  for (; round < params.nEstimators; round++) {
    softmaxGradients(F, labels, w, n, K, P, gh);
    for (let k = 0; k < K; k++) {
      let m = n;
      if (params.subsample < 1) {
        m = sampleRowsBernoulli(deriveSeed(params.seed, 'gbdt-rows', round, k), n, params.subsample, rows);
      } else {
        for (let i = 0; i < n; i++) rows[i] = i;
      }
      const features =
        nSel === p
          ? allFeatures
          : new Rng(deriveSeed(params.seed, 'gbdt-cols', round, k)).sampleIndices(p, nSel);
      const grown = grower.grow(gh.subarray(2 * n * k, 2 * n * (k + 1)), rows, m, features, k, gp, n - m);
      const value = grown.tree.value;
      for (let j = 0; j < grown.leafNodes.length; j++) {
        const v = value[grown.leafNodes[j]!]!;
        scatterLeafValue(treeOutput, rows, grown.segStart[j]!, grown.segEnd[j]!, v);
        scatterLeafValue(treeOutput, rows, grown.dropStart[j]!, grown.dropEnd[j]!, v);
      }
      for (let i = 0, o = k; i < n; i++, o += K) F[o] = F[o]! + treeOutput[i]!;
      trees.push(grown.tree);
    }
    if (ev && evLabels) {
      addForestMarginsKeyed(flattenForest(trees.slice(round * K), K), evX32, evKeys, evN, p, evF, 0, K);
      evP.set(evF);
      softmaxRowsInPlace(evP, evN, K);
      const loss = multiclassLogLossKernel(evP, evLabels, evN, K, ev.weights);
      evalLogLoss.push(loss);
      if (loss < bestScore) {
        bestScore = loss;
        bestIteration = round;
      } else if (params.earlyStoppingRounds > 0 && round - bestIteration >= params.earlyStoppingRounds) {
        round++;
        break;
      }
      options.logger?.debug({ round, evalLogLoss: loss }, 'gbdt round');
    }
  }
  const roundsTrained = round;
  const keep = params.earlyStoppingRounds > 0 && bestIteration >= 0 ? bestIteration + 1 : roundsTrained;
  return new GbdtModel({
    numFeature: p,
    featureNames: X.names,
    baseMargin,
    trees: trees.slice(0, keep * K),
    params,
    info: {
      roundsTrained,
      bestIteration: ev && bestIteration >= 0 ? bestIteration : roundsTrained - 1,
      bestScore: ev && bestIteration >= 0 ? bestScore : Number.NaN,
      evalLogLoss,
      trainRows: n,
    },
  });
}

/**
 * out[rows[s]] = v for s in [a, b): one leaf's value for each of its training rows. The trainer scatters every
 * leaf into a dense n-vector (n float64, small enough to stay in cache) and then adds it to the class's margins
 * in row order, instead of adding into the n × K margins at scattered rows (a cache miss per row); each margin
 * still receives exactly one addition of its leaf value per tree.
 */
function scatterLeafValue(out: Float64Array, rows: Int32Array, a: number, b: number, v: number) {
  for (let s = a; s < b; s++) out[rows[s]!] = v;
}

function checkLabels(y: ArrayLike<number>, n: number, K: number, what: string): Int32Array {
  if (y.length !== n)
    throw new InvalidInputError(`${what} labels have length ${y.length}, the matrix has ${n} rows`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < K)) {
      throw new InvalidInputError(`${what} label ${c} is not a class in [0, ${K})`, { where: { row: i } });
    }
    out[i] = c;
  }
  return out;
}

function checkWeights(w: Float64Array, n: number, what: string): void {
  if (w.length !== n)
    throw new InvalidInputError(`${what} weights have length ${w.length}, the matrix has ${n} rows`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!(v >= 0 && Number.isFinite(v)))
      throw new InvalidInputError(`${what} weight ${v} is not finite and ≥ 0`, { where: { row: i } });
    total += v;
  }
  if (!(total > 0)) throw new InvalidInputError(`${what} weights sum to 0`);
}
