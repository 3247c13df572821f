/**
 * The model bundle as registry artifacts, and loading the active one. Artifact types: `weights` (GBDT JSON),
 * `calibrator` (one-vs-rest Platt), `feature_whitelist`, `payoffs` (per-class mean forward return). Every load
 * goes through the registry, which re-hashes the bytes against the recorded SHA-256 (IntegrityError on
 * mismatch), so a tampered model can never be served.
 */
import { InvalidInputError, NotFoundError } from '../../core/errors.ts';
import type { ModelRegistry } from '../../store/registry/registry.ts';
import type { ModelInfo } from '../../store/registry/types.ts';
import type { OneVsRestCalibrator } from '../calibration/multiclass.ts';
import { parseWhitelist } from '../features/whitelist.ts';
import { loadGbdt } from '../gbdt/json.ts';
import type { MLModelBundle } from './strategy.ts';

export const ARTIFACT_TYPES = {
  weights: 'weights',
  calibrator: 'calibrator',
  whitelist: 'feature_whitelist',
  payoffs: 'payoffs',
  reliability: 'reliability',
} as const;

export function calibratorToJson(cal: OneVsRestCalibrator): string {
  return JSON.stringify({
    format: 'alphalab.ovr_platt',
    version: 1,
    numClass: cal.numClass,
    scalers: cal.scalers.map((s) => ({
      A: s.A,
      B: s.B,
      iterations: s.iterations,
      gradientNorm: s.gradientNorm,
    })),
  });
}

export function calibratorFromJson(text: string): OneVsRestCalibrator {
  const d = JSON.parse(text) as {
    format?: string;
    version?: number;
    numClass?: number;
    scalers?: { A: number; B: number; iterations: number; gradientNorm: number }[];
  };
  if (
    d.format !== 'alphalab.ovr_platt' ||
    d.version !== 1 ||
    !Array.isArray(d.scalers) ||
    d.scalers.length !== d.numClass
  ) {
    throw new InvalidInputError(
      'not an alphalab one-vs-rest Platt calibrator (format alphalab.ovr_platt, version 1)',
    );
  }
  for (const s of d.scalers)
    if (!Number.isFinite(s.A) || !Number.isFinite(s.B))
      throw new InvalidInputError('calibrator coefficients must be finite');
  return { numClass: d.numClass!, scalers: d.scalers };
}

export function payoffsToJson(payoffs: Float64Array, horizon: number): string {
  return JSON.stringify({
    format: 'alphalab.class_payoffs',
    version: 1,
    horizon,
    classes: ['DOWN', 'FLAT', 'UP'],
    payoffs: Array.from(payoffs, (v) => (Number.isNaN(v) ? null : v)),
  });
}

export function payoffsFromJson(text: string): Float64Array {
  const d = JSON.parse(text) as { format?: string; payoffs?: (number | null)[] };
  if (d.format !== 'alphalab.class_payoffs' || !Array.isArray(d.payoffs) || d.payoffs.length !== 3)
    throw new InvalidInputError('not an alphalab class-payoff table');
  return Float64Array.from(d.payoffs, (v) => (v === null ? Number.NaN : v));
}

/** Loads a registered model version's bundle, verifying every artifact's checksum. */
export async function loadModelBundle(registry: ModelRegistry, model: ModelInfo): Promise<MLModelBundle> {
  const text = async (type: string) =>
    (await registry.loadModelArtifact(model.modelId, type)).toString('utf8');
  const types = new Set((await registry.listArtifacts(model.modelId)).map((a) => a.artifactType));
  return {
    model: loadGbdt(await text(ARTIFACT_TYPES.weights)),
    calibrator: types.has(ARTIFACT_TYPES.calibrator)
      ? calibratorFromJson(await text(ARTIFACT_TYPES.calibrator))
      : null,
    whitelist: parseWhitelist(await text(ARTIFACT_TYPES.whitelist)),
    payoffs: payoffsFromJson(await text(ARTIFACT_TYPES.payoffs)),
    modelName: model.name,
    modelVersion: model.version,
  };
}

/** The active version of `name` (NotFoundError if none is active) and its verified bundle. */
export async function loadActiveModelBundle(registry: ModelRegistry, name: string): Promise<MLModelBundle> {
  const active = await registry.getActive(name);
  if (!active)
    throw new NotFoundError(`no active version of model '${name}'; train one with 'alphalab train'`);
  return loadModelBundle(registry, active);
}
