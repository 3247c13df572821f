/**
 * Booster parameters (methods.md §9.3 item 9). Defaults are XGBoost's (η 0.3, λ 1, γ 0, min_child_weight 1,
 * max_depth 6, max_bin 256, subsample 1); `gbdtParamsFromConfig` maps seed 003's `ml.xgb_params`
 * (n_estimators 300, depth 6, η 0.05, subsample 0.8, colsample 0.8, min_child_weight 5).
 */
import type { AlphalabConfig } from '../../core/config.ts';
import { InvalidInputError } from '../../core/errors.ts';

export interface GbdtParams {
  readonly numClass: number;
  /** Boosting rounds (one tree per class per round). */
  readonly nEstimators: number;
  readonly maxDepth: number;
  /** η, the shrinkage applied to every leaf. */
  readonly learningRate: number;
  /** Per-tree Bernoulli row-sampling probability (§9.3 item 7). */
  readonly subsample: number;
  /** Share c of features per tree: max(1, ⌊c·p⌋) without replacement (§9.3 item 8). */
  readonly colsampleBytree: number;
  readonly minChildWeight: number;
  /** λ, L2 penalty on leaf weights. */
  readonly regLambda: number;
  /** α, L1 penalty (soft-thresholds G). */
  readonly regAlpha: number;
  /** γ = min_split_loss, compared with the un-halved loss_chg (Appendix A item 1). */
  readonly gamma: number;
  readonly maxBin: number;
  /** Stop when validation mlogloss has not improved for this many rounds; 0 disables early stopping. */
  readonly earlyStoppingRounds: number;
  /** 'base_score' (XGBoost < 3.1: `baseScore` for every class) or 'log_prior' (≥ 3.1 centred log-priors). */
  readonly initialMargin: 'base_score' | 'log_prior';
  readonly baseScore: number;
  /** Seed of the row and column samplers (core/rng deriveSeed per round and class). */
  readonly seed: number;
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = Object.freeze({
  numClass: 3,
  nEstimators: 100,
  maxDepth: 6,
  learningRate: 0.3,
  subsample: 1,
  colsampleBytree: 1,
  minChildWeight: 1,
  regLambda: 1,
  regAlpha: 0,
  gamma: 0,
  maxBin: 256,
  earlyStoppingRounds: 0,
  initialMargin: 'base_score',
  baseScore: 0.5,
  seed: 0,
});

/** Seed 003's booster from the resolved config (`ml.xgb_params`), with the given seed. */
export function gbdtParamsFromConfig(config: AlphalabConfig, seed = 0): GbdtParams {
  const x = config.ml.xgb_params;
  return resolveGbdtParams({
    numClass: x.num_class,
    nEstimators: x.n_estimators,
    maxDepth: x.max_depth,
    learningRate: x.learning_rate,
    subsample: x.subsample,
    colsampleBytree: x.colsample_bytree,
    minChildWeight: x.min_child_weight,
    regLambda: x.reg_lambda,
    gamma: x.gamma,
    maxBin: x.max_bin,
    earlyStoppingRounds: x.early_stopping_rounds,
    seed,
  });
}

/** Defaults filled in, every value checked; throws InvalidInputError naming the bad parameter. */
export function resolveGbdtParams(partial: Partial<GbdtParams> = {}): GbdtParams {
  const p: GbdtParams = { ...DEFAULT_GBDT_PARAMS, ...partial };
  const bad = (name: string, v: unknown, need: string) =>
    new InvalidInputError(`gbdt parameter ${name} = ${String(v)}: ${need}`);
  const int = (name: keyof GbdtParams, lo: number, hi = Number.POSITIVE_INFINITY) => {
    const v = p[name] as number;
    if (!(Number.isInteger(v) && v >= lo && v <= hi))
      throw bad(name, v, `must be an integer in [${lo}, ${hi}]`);
  };
  int('numClass', 2);
  int('nEstimators', 1);
  int('maxDepth', 1, 30);
  int('maxBin', 2, 256);
  int('earlyStoppingRounds', 0);
  if (!Number.isSafeInteger(p.seed)) throw bad('seed', p.seed, 'must be a safe integer');
  if (!(p.learningRate > 0 && Number.isFinite(p.learningRate)))
    throw bad('learningRate', p.learningRate, 'must be > 0');
  if (!(p.subsample > 0 && p.subsample <= 1)) throw bad('subsample', p.subsample, 'must be in (0, 1]');
  if (!(p.colsampleBytree > 0 && p.colsampleBytree <= 1))
    throw bad('colsampleBytree', p.colsampleBytree, 'must be in (0, 1]');
  for (const name of ['minChildWeight', 'regLambda', 'regAlpha', 'gamma'] as const) {
    if (!(p[name] >= 0 && Number.isFinite(p[name]))) throw bad(name, p[name], 'must be finite and ≥ 0');
  }
  if (p.initialMargin !== 'base_score' && p.initialMargin !== 'log_prior') {
    throw bad('initialMargin', p.initialMargin, "must be 'base_score' or 'log_prior'");
  }
  if (!Number.isFinite(p.baseScore)) throw bad('baseScore', p.baseScore, 'must be finite');
  return Object.freeze(p);
}
