/**
 * The booster's JSON format, versioned. Numbers are written with JavaScript's shortest round-trip
 * representation, so save → load reproduces every threshold, leaf and margin bit for bit; −Infinity
 * thresholds (a backward split at the first bin) and NaN scores are written as null.
 *
 * { "format": "alphalab.gbdt", "version": 1, "num_class", "num_feature", "feature_names", "base_margin",
 *   "params": {…}, "info": {…}, "trees": [{ "class", "left", "right", "feature", "threshold",
 *   "default_left", "value", "gain", "cover" }] }
 */
import { IntegrityError } from '../../core/errors.ts';
import { GbdtModel } from './model.ts';
import { type GbdtParams, resolveGbdtParams } from './params.ts';
import type { Tree } from './tree.ts';

export const GBDT_FORMAT = 'alphalab.gbdt';
export const GBDT_FORMAT_VERSION = 1;

export interface GbdtTreeJson {
  readonly class: number;
  readonly left: number[];
  readonly right: number[];
  readonly feature: number[];
  readonly threshold: (number | null)[];
  readonly default_left: number[];
  readonly value: number[];
  readonly gain: number[];
  readonly cover: number[];
}

export interface GbdtModelJson {
  readonly format: typeof GBDT_FORMAT;
  readonly version: number;
  readonly num_class: number;
  readonly num_feature: number;
  readonly feature_names: string[] | null;
  readonly base_margin: number[];
  readonly params: GbdtParams;
  readonly info: {
    readonly rounds_trained: number;
    readonly best_iteration: number;
    readonly best_score: number | null;
    readonly eval_logloss: (number | null)[];
    readonly train_rows: number;
  };
  readonly trees: GbdtTreeJson[];
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export function gbdtToJson(model: GbdtModel): GbdtModelJson {
  return {
    format: GBDT_FORMAT,
    version: GBDT_FORMAT_VERSION,
    num_class: model.numClass,
    num_feature: model.numFeature,
    feature_names: model.featureNames ? [...model.featureNames] : null,
    base_margin: Array.from(model.baseMargin),
    params: { ...model.params },
    info: {
      rounds_trained: model.info.roundsTrained,
      best_iteration: model.info.bestIteration,
      best_score: finiteOrNull(model.info.bestScore),
      eval_logloss: model.info.evalLogLoss.map(finiteOrNull),
      train_rows: model.info.trainRows,
    },
    trees: model.trees.map((t) => ({
      class: t.classIndex,
      left: Array.from(t.left),
      right: Array.from(t.right),
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold, finiteOrNull),
      default_left: Array.from(t.defaultLeft),
      value: Array.from(t.value),
      gain: Array.from(t.gain),
      cover: Array.from(t.cover),
    })),
  };
}

/** JSON text of the model (`JSON.parse(saveGbdt(m))` is a GbdtModelJson). */
export function saveGbdt(model: GbdtModel): string {
  return JSON.stringify(gbdtToJson(model));
}

/** Parses and checks a saved model; damaged or foreign files throw IntegrityError saying what is wrong. */
export function loadGbdt(text: string | GbdtModelJson): GbdtModel {
  let j: GbdtModelJson;
  try {
    j = typeof text === 'string' ? (JSON.parse(text) as GbdtModelJson) : text;
  } catch (cause) {
    throw new IntegrityError('the model file is not valid JSON', { cause });
  }
  const fail = (what: string): never => {
    throw new IntegrityError(`invalid gbdt model: ${what}`);
  };
  if (j === null || typeof j !== 'object') fail('not an object');
  if (j.format !== GBDT_FORMAT) fail(`format is '${String(j.format)}', expected '${GBDT_FORMAT}'`);
  if (j.version !== GBDT_FORMAT_VERSION)
    fail(`version ${String(j.version)} is not supported (expected ${GBDT_FORMAT_VERSION})`);
  const K = j.num_class;
  const p = j.num_feature;
  if (!(Number.isInteger(K) && K >= 2)) fail(`num_class = ${K}`);
  if (!(Number.isInteger(p) && p >= 0)) fail(`num_feature = ${p}`);
  if (!Array.isArray(j.base_margin) || j.base_margin.length !== K)
    fail('base_margin must have num_class entries');
  if (j.feature_names !== null && (!Array.isArray(j.feature_names) || j.feature_names.length !== p)) {
    fail('feature_names must be null or have num_feature entries');
  }
  if (!Array.isArray(j.trees) || j.trees.length % K !== 0)
    fail('the number of trees must be a multiple of num_class');
  let params: GbdtParams;
  try {
    params = resolveGbdtParams(j.params);
  } catch (cause) {
    throw new IntegrityError('invalid gbdt model: bad params', { cause });
  }
  if (params.numClass !== K) fail('params.numClass differs from num_class');
  const trees = j.trees.map((t, ti) => treeFromJson(t, ti, K, p, fail));
  const info = j.info;
  return new GbdtModel({
    numFeature: p,
    featureNames: j.feature_names ?? undefined,
    baseMargin: Float64Array.from(j.base_margin),
    trees,
    params,
    info: {
      roundsTrained: info.rounds_trained,
      bestIteration: info.best_iteration,
      bestScore: info.best_score ?? Number.NaN,
      evalLogLoss: info.eval_logloss.map((x) => x ?? Number.NaN),
      trainRows: info.train_rows,
    },
  });
}

function treeFromJson(t: GbdtTreeJson, ti: number, K: number, p: number, fail: (w: string) => never): Tree {
  const m = t.left?.length ?? 0;
  if (m === 0) fail(`tree ${ti} has no nodes`);
  for (const key of ['right', 'feature', 'threshold', 'default_left', 'value', 'gain', 'cover'] as const) {
    if (!Array.isArray(t[key]) || t[key].length !== m) fail(`tree ${ti}: '${key}' must have ${m} entries`);
  }
  if (t.class !== ti % K) fail(`tree ${ti} has class ${t.class}, expected ${ti % K} (round-major order)`);
  for (let k = 0; k < m; k++) {
    const f = t.feature[k]!;
    if (f === -1) {
      if (t.left[k] !== -1 || t.right[k] !== -1) fail(`tree ${ti} node ${k}: a leaf with children`);
      if (!Number.isFinite(t.value[k])) fail(`tree ${ti} node ${k}: leaf value is not finite`);
    } else {
      if (!(Number.isInteger(f) && f >= 0 && f < p)) fail(`tree ${ti} node ${k}: feature ${f} out of range`);
      // Children come after their parent, which also rules out cycles.
      for (const c of [t.left[k]!, t.right[k]!])
        if (!(Number.isInteger(c) && c > k && c < m)) fail(`tree ${ti} node ${k}: bad child ${c}`);
    }
  }
  return {
    classIndex: t.class,
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold, (x) => x ?? Number.NEGATIVE_INFINITY),
    defaultLeft: Uint8Array.from(t.default_left),
    value: Float64Array.from(t.value),
    gain: Float64Array.from(t.gain),
    cover: Float64Array.from(t.cover),
  };
}
