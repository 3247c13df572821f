/**
 * Feature importance of a registered model, from its `weights` artifact (the GBDT JSON, src/ml/gbdt/json.ts):
 * XGBoost's weight (splits), gain (mean loss reduction per split) and cover (mean hessian per split), plus
 * totals. Every artifact load goes through the registry, which re-hashes the bytes (IntegrityError if they
 * were tampered with). Importance shares are total gain / Σ total gain, NaN when no split was made.
 */
import { NotFoundError } from '../../core/errors.ts';
import { loadGbdt } from '../../ml/gbdt/json.ts';
import type { ModelRegistry } from '../../store/registry/registry.ts';
import type { ModelInfo } from '../../store/registry/types.ts';

export interface ImportanceRow {
  readonly feature: string;
  readonly weight: number;
  readonly gain: number;
  readonly totalGain: number;
  readonly cover: number;
  readonly totalCover: number;
  /** totalGain / Σ totalGain over features; NaN when the model made no split. */
  readonly gainShare: number;
}

export async function modelFeatureImportance(
  registry: ModelRegistry,
  model: ModelInfo,
): Promise<ImportanceRow[]> {
  const artifacts = await registry.listArtifacts(model.modelId);
  if (!artifacts.some((a) => a.artifactType === 'weights'))
    throw new NotFoundError(
      `model '${model.name}' v${model.version} has no 'weights' artifact to read importance from`,
    );
  const text = (await registry.loadModelArtifact(model.modelId, 'weights')).toString('utf8');
  let gbdt: ReturnType<typeof loadGbdt>;
  try {
    gbdt = loadGbdt(text);
  } catch (cause) {
    // The checksum was verified above; a different file format only means there is no split importance.
    throw new NotFoundError(
      `the 'weights' artifact of model '${model.name}' v${model.version} is not an alphalab GBDT model, so it has no split importance`,
      { cause },
    );
  }
  const rows = gbdt.featureImportance();
  let total = 0;
  for (const r of rows) total += r.totalGain;
  return rows.map((r) => ({
    feature: r.name,
    weight: r.weight,
    gain: r.gain,
    totalGain: r.totalGain,
    cover: r.cover,
    totalCover: r.totalCover,
    gainShare: total > 0 ? r.totalGain / total : Number.NaN,
  }));
}
