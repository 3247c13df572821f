/**
 * The store factory used by ml/, monitor/, pipeline/, server/ and the CLI: one engine (DuckDB in the
 * workspace by default, PostgreSQL when a URL is given or ALPHALAB_DB_URL is set) plus the feature store,
 * the model registry, the artifact store and the monitoring repository on top of it.
 */
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../core/errors.ts';
import { ArtifactStore } from './artifacts.ts';
import { openDuckDbEngine } from './duckdb/engine.ts';
import type { StoreEngine } from './engine.ts';
import { exportTrainingSet, type TrainingSetExport } from './features/export.ts';
import { FeatureStore } from './features/feature-store.ts';
import type { FeatureSpec, PitRequest, PitRequestColumns } from './features/types.ts';
import { MonitoringRepository } from './monitoring.ts';
import { openPostgresEngine } from './postgres/engine.ts';
import { ModelRegistry } from './registry/registry.ts';

export interface OpenStoreOptions {
  /** Workspace folder (DuckDB file and artifact store); default `.alphalab`. */
  readonly workspace?: string;
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL, `duckdb:<file>` or `:memory:` for DuckDB; defaults
   * to ALPHALAB_DB_URL, else `<workspace>/alphalab.duckdb`.
   */
  readonly dbUrl?: string;
  /** PostgreSQL schema for every table (created if missing). */
  readonly pgSchema?: string;
  /** Clock for the registry's stage history (tests). */
  readonly clock?: () => number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface Store {
  readonly engine: StoreEngine;
  readonly features: FeatureStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  readonly monitoring: MonitoringRepository;
  readonly workspace: string;
  /** Point-in-time training set → Parquet + fingerprint recorded in training_sets. */
  exportTrainingSet(
    requests: readonly PitRequest[] | PitRequestColumns,
    features: readonly FeatureSpec[],
    options: { readonly path: string; readonly version?: number; readonly runId?: string },
  ): Promise<TrainingSetExport>;
  close(): Promise<void>;
}

export const DUCKDB_FILE = 'alphalab.duckdb';

/** Opens the engine that `dbUrl` names (see OpenStoreOptions.dbUrl). */
export async function openEngine(options: OpenStoreOptions = {}): Promise<StoreEngine> {
  const workspace = resolve(options.workspace ?? '.alphalab');
  const url = options.dbUrl ?? (options.env ?? process.env).ALPHALAB_DB_URL;
  if (url === undefined || url === '') return openDuckDbEngine(join(workspace, DUCKDB_FILE));
  if (/^postgres(ql)?:\/\//.test(url))
    return openPostgresEngine(url, options.pgSchema ? { schema: options.pgSchema } : {});
  if (url === ':memory:') return openDuckDbEngine(':memory:');
  if (url.startsWith('duckdb:')) return openDuckDbEngine(resolve(url.slice('duckdb:'.length)));
  throw new InvalidInputError(`database URL '${url}' is neither postgres://… nor duckdb:<file> nor :memory:`);
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const workspace = resolve(options.workspace ?? '.alphalab');
  const engine = await openEngine(options);
  const artifacts = new ArtifactStore(join(workspace, 'artifacts'));
  const features = new FeatureStore(engine);
  return {
    engine,
    features,
    registry: new ModelRegistry(engine, artifacts, options.clock ? { clock: options.clock } : {}),
    artifacts,
    monitoring: new MonitoringRepository(engine),
    workspace,
    exportTrainingSet: (requests, specs, opts) => exportTrainingSet(engine, features, requests, specs, opts),
    close: () => engine.close(),
  };
}
