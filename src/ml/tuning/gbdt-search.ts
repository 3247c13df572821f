/**
 * Hyper-parameter search for the booster (seed 003 search space, methods.md §9.4 and §9.6): every trial fits
 * on the inner fit part of a training window and is scored by multi-class log loss on its purged validation
 * tail (optionally with the class weights of §9.2); the final model is refit by the caller on the full window.
 */

import type { FeatureMatrix } from '../gbdt/matrix.ts';
import type { GbdtModel } from '../gbdt/model.ts';
import type { GbdtParams } from '../gbdt/params.ts';
import { trainGbdt } from '../gbdt/train.ts';
import type { ParamSpec, ParamValues, TpeOptions, TpeResult } from './tpe.ts';
import { tpeMinimize } from './tpe.ts';

/** Seed 003: n_estimators 100–500, max_depth 3–10, learning_rate 0.01–0.2 (log), subsample 0.6–1,
 * colsample_bytree 0.6–1, min_child_weight 1–10 (integer). */
export const SEED003_SEARCH_SPACE: readonly ParamSpec[] = Object.freeze([
  { name: 'n_estimators', type: 'int', low: 100, high: 500 },
  { name: 'max_depth', type: 'int', low: 3, high: 10 },
  { name: 'learning_rate', type: 'float', low: 0.01, high: 0.2, log: true },
  { name: 'subsample', type: 'float', low: 0.6, high: 1 },
  { name: 'colsample_bytree', type: 'float', low: 0.6, high: 1 },
  { name: 'min_child_weight', type: 'int', low: 1, high: 10 },
]);

/** Maps snake_case search values onto booster parameters (unknown names are ignored). */
export function gbdtParamsFromSearch(values: ParamValues): Partial<GbdtParams> {
  const out: Record<string, number> = {};
  const map: Record<string, keyof GbdtParams> = {
    n_estimators: 'nEstimators',
    max_depth: 'maxDepth',
    learning_rate: 'learningRate',
    subsample: 'subsample',
    colsample_bytree: 'colsampleBytree',
    min_child_weight: 'minChildWeight',
    reg_lambda: 'regLambda',
    gamma: 'gamma',
  };
  for (const [k, v] of Object.entries(values)) if (map[k]) out[map[k]] = v;
  return out as Partial<GbdtParams>;
}

export interface GbdtSearchData {
  readonly X: FeatureMatrix;
  readonly y: ArrayLike<number>;
  readonly weights?: Float64Array;
}

export interface TuneGbdtOptions extends TpeOptions {
  readonly trials: number;
  readonly space?: readonly ParamSpec[];
  /** Fixed booster parameters (numClass, λ, γ, seed …) under the searched ones. */
  readonly base?: Partial<GbdtParams>;
  /** Called after each trial (progress reporting belongs to the caller). */
  readonly onTrial?: (trial: { number: number; params: ParamValues; value: number }) => void;
}

export interface TuneGbdtResult extends TpeResult {
  /** Booster parameters of the best trial (base merged with the searched values). */
  readonly bestParams: Partial<GbdtParams>;
  /**
   * The best trial's fitted model. A trial fits on `fit` with exactly `bestParams` (no early stopping, the
   * validation set is only scored), so this is the model a refit would produce, bit for bit — callers need
   * not train it again.
   */
  readonly bestModel: GbdtModel;
}

/** TPE over the booster's parameters; objective = validation mlogloss of a model fitted on `fit`. */
export async function tuneGbdt(
  fit: GbdtSearchData,
  validation: GbdtSearchData,
  options: TuneGbdtOptions,
): Promise<TuneGbdtResult> {
  const space = options.space ?? SEED003_SEARCH_SPACE;
  // The model of the best trial so far (lowest value, earliest on ties — the sampler's `best` rule).
  let kept: { number: number; value: number; model: GbdtModel } | undefined;
  const res = await tpeMinimize(
    (values, number) => {
      const model: GbdtModel = trainGbdt(fit.X, fit.y, {
        params: { ...options.base, ...gbdtParamsFromSearch(values), earlyStoppingRounds: 0 },
        ...(fit.weights ? { weights: fit.weights } : {}),
        eval: {
          X: validation.X,
          y: validation.y,
          ...(validation.weights ? { weights: validation.weights } : {}),
        },
      });
      const evals = model.info.evalLogLoss;
      const value = evals[evals.length - 1]!;
      if (kept === undefined || value < kept.value) kept = { number, value, model };
      options.onTrial?.({ number, params: values, value });
      return value;
    },
    space,
    options.trials,
    options,
  );
  const bestParams = { ...options.base, ...gbdtParamsFromSearch(res.best.params) };
  const bestModel =
    kept && kept.number === res.best.number
      ? kept.model
      : trainGbdt(fit.X, fit.y, {
          params: { ...bestParams, earlyStoppingRounds: 0 },
          ...(fit.weights ? { weights: fit.weights } : {}),
        });
  return { ...res, bestParams, bestModel };
}
