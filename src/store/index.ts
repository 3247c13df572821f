/** Public API of the store: engines, feature store, model registry, artifact store, monitoring tables. */
export { type ArtifactRef, ArtifactStore } from './artifacts.ts';
export { sha256Hex, writeFileAtomic } from './atomic-file.ts';
export { DuckDbEngine, openDuckDbEngine } from './duckdb/engine.ts';
export type { Dialect, SqlParam, SqlRow, SqlSession, StoreEngine } from './engine.ts';
export type { DefineFeatureOptions } from './features/catalog.ts';
export { exportTrainingSet, type TrainingSetExport, trainingSetFingerprint } from './features/export.ts';
export { FeatureStore, latestVersions, pitCell, type ReadOptions } from './features/feature-store.ts';
export type {
  FeatureDef,
  FeatureFrame,
  FeatureSpec,
  FeatureValue,
  FeatureWrite,
  JsonValue,
  PitRequest,
  PitRequestColumns,
  PointInTimeResult,
  WriteOptions,
  WriteResult,
} from './features/types.ts';
export { migrate } from './migrate.ts';
export {
  type AlertFilter,
  type AlertInput,
  type AlertRecord,
  type AlertSeverity,
  alertRecordOf,
  type DriftMetricsInput,
  type DriftMetricsRecord,
  MonitoringRepository,
  type RunRecord,
  type RunStatus,
} from './monitoring.ts';
export { DUCKDB_FILE, type OpenStoreOptions, openEngine, openStore, type Store } from './open-store.ts';
export { openPostgresEngine, type PostgresEngine, type PostgresOptions } from './postgres/engine.ts';
export { ModelRegistry, type RegisterOptions, type RegistryOptions } from './registry/registry.ts';
export { StageLog } from './registry/stages.ts';
export * from './registry/types.ts';
export { migrations, SCHEMA_VERSION } from './schema.ts';
