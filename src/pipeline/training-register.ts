/**
 * The registry step of the training pipeline (seed 004): the model version with its training run (parameters,
 * dataset range, data fingerprint, code version), metrics per dataset type and the bundle's artifacts (GBDT
 * JSON, calibrator, frozen feature whitelist, class payoffs, reliability tables); and the promotion rule.
 */
import type { OneVsRestCalibrator } from '../ml/calibration/multiclass.ts';
import type { FeatureWhitelist } from '../ml/features/whitelist.ts';
import { saveGbdt } from '../ml/gbdt/json.ts';
import type { GbdtModel } from '../ml/gbdt/model.ts';
import { ARTIFACT_TYPES, calibratorToJson, payoffsToJson } from '../ml/strategy/bundle.ts';
import type { JsonValue } from '../store/features/types.ts';
import type { Store } from '../store/open-store.ts';
import type { DatasetType, ModelInfo } from '../store/registry/types.ts';

export interface TrainedModelRecord {
  readonly name: string;
  readonly description: string;
  readonly params: JsonValue;
  /** First and last labelled decision dates (ISO); stored as the 21:00 UTC close. */
  readonly datasetStart: string;
  readonly datasetEnd: string;
  readonly fingerprint: string;
  readonly codeVersion: string;
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly model: GbdtModel;
  readonly calibrator: OneVsRestCalibrator;
  readonly whitelist: FeatureWhitelist;
  readonly payoffs: Float64Array;
  readonly horizon: number;
  readonly reliability: unknown;
}

const closeIso = (date: string) => new Date(Date.parse(`${date}T21:00:00Z`)).toISOString();
const finiteJson = (x: unknown) =>
  JSON.stringify(x, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));

/** Registers a new version with its training run, metrics and artifacts; returns the version. */
export async function registerTrainedModel(store: Store, r: TrainedModelRecord): Promise<ModelInfo> {
  const reg = store.registry;
  const m = await reg.register(r.name, {
    strategyType: 'ml_signal',
    description: r.description,
    createdBy: 'alphalab train',
  });
  const trainingRun = await reg.startTrainingRun(m.modelId, {
    params: r.params,
    datasetStart: closeIso(r.datasetStart),
    datasetEnd: closeIso(r.datasetEnd),
    dataFingerprint: r.fingerprint,
    codeVersion: r.codeVersion,
  });
  for (const [type, values] of Object.entries(r.metrics))
    await reg.logMetrics(m.modelId, values, type as DatasetType);
  const artifacts: [string, string, string][] = [
    ['model.json', saveGbdt(r.model), ARTIFACT_TYPES.weights],
    ['calibrator.json', calibratorToJson(r.calibrator), ARTIFACT_TYPES.calibrator],
    ['feature_whitelist.json', JSON.stringify(r.whitelist), ARTIFACT_TYPES.whitelist],
    ['payoffs.json', payoffsToJson(r.payoffs, r.horizon), ARTIFACT_TYPES.payoffs],
    ['reliability.json', finiteJson(r.reliability), ARTIFACT_TYPES.reliability],
  ];
  for (const [name, data, type] of artifacts) await reg.logArtifact(m.modelId, { name, data }, type);
  await reg.finishTrainingRun(trainingRun, 'completed', { modelId: m.modelId });
  return m;
}

/** Promote when there is no active model, or the new one beats it by `margin` on the chosen metric. */
export async function decidePromotion(
  store: Store,
  name: string,
  candidate: ModelInfo,
  by: { readonly metric: string; readonly dataset: DatasetType; readonly higherIsBetter: boolean },
  margin: number,
): Promise<{ promote: boolean; reason: string }> {
  const latest = async (m: ModelInfo) =>
    (await store.registry.getMetrics(m.modelId))
      .filter((r) => r.metricName === by.metric && r.datasetType === by.dataset)
      .at(-1)?.value ?? Number.NaN;
  const active = await store.registry.getActive(name);
  const mine = await latest(candidate);
  if (!active)
    return {
      promote: Number.isFinite(mine),
      reason: `no active ${name}; ${by.metric}_${by.dataset} = ${mine}`,
    };
  const theirs = await latest(active);
  if (!Number.isFinite(mine))
    return { promote: false, reason: `${by.metric}_${by.dataset} of the candidate is undefined` };
  if (!Number.isFinite(theirs))
    return { promote: true, reason: `active v${active.version} has no ${by.metric}_${by.dataset}` };
  const gain = by.higherIsBetter ? mine - theirs : theirs - mine;
  const promote = gain > margin;
  return {
    promote,
    reason: `${by.metric}_${by.dataset}: v${candidate.version} ${mine.toPrecision(6)} vs active v${active.version} ${theirs.toPrecision(6)} (improvement ${gain.toPrecision(4)}, margin ${margin})`,
  };
}
