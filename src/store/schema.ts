/**
 * The store schema as versioned migrations (architecture.md §6). Each migration is a list of statements
 * built from the dialect: the SQL both engines accept is written once here, and the few tables whose
 * physical layout differs (feature_events: partitioned on PostgreSQL, unindexed columnar on DuckDB) come
 * from the engine's own migrations.ts through `engineSteps`.
 */
import type { Dialect } from './engine.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements in order; `engineSteps` are the engine's statements for this version. */
  statements(d: Dialect, engineSteps: readonly string[]): string[];
}

const DATASET_TYPES = `'train', 'val', 'test', 'backtest', 'live'`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'feature store, model registry, monitoring tables',
    statements: (d, engineSteps) => [
      `CREATE SEQUENCE IF NOT EXISTS entity_seq START 1`,
      `CREATE SEQUENCE IF NOT EXISTS feature_seq START 1`,
      `CREATE SEQUENCE IF NOT EXISTS write_seq START 1`,
      `CREATE SEQUENCE IF NOT EXISTS metric_seq START 1`,
      `CREATE SEQUENCE IF NOT EXISTS stage_seq START 1`,
      `CREATE SEQUENCE IF NOT EXISTS alert_seq START 1`,
      `CREATE TABLE entities (
        entity_id INTEGER PRIMARY KEY DEFAULT nextval('entity_seq'),
        entity_key TEXT NOT NULL UNIQUE
      )`,
      `CREATE TABLE feature_defs (
        feature_id INTEGER PRIMARY KEY DEFAULT nextval('feature_seq'),
        feature_name TEXT NOT NULL,
        feature_version INTEGER NOT NULL CHECK (feature_version >= 1),
        value_type TEXT NOT NULL CHECK (value_type IN ('double', 'json')),
        allow_early_ingest BOOLEAN NOT NULL DEFAULT FALSE,
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        UNIQUE (feature_name, feature_version)
      )`,
      `CREATE TABLE feature_writes (
        write_id INTEGER PRIMARY KEY DEFAULT nextval('write_seq'),
        producer TEXT NOT NULL,
        producer_version TEXT,
        run_id TEXT,
        loaded_at TIMESTAMPTZ NOT NULL,
        rows_inserted BIGINT,
        rows_skipped BIGINT
      )`,
      ...engineSteps,
      `CREATE VIEW feature_events_v AS
        SELECT en.entity_key, fd.feature_name, fd.feature_version, fe.event_time, fe.ingest_time,
               fe.value, fe.value_json, fw.producer, fw.producer_version, fw.run_id, fw.loaded_at
        FROM feature_events fe
        JOIN entities en ON en.entity_id = fe.entity_id
        JOIN feature_defs fd ON fd.feature_id = fe.feature_id
        JOIN feature_writes fw ON fw.write_id = fe.write_id`,
      `CREATE TABLE training_sets (
        fingerprint TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        row_count BIGINT NOT NULL,
        features ${d.jsonType} NOT NULL,
        as_of_start TIMESTAMPTZ,
        as_of_end TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL,
        run_id TEXT
      )`,
      `CREATE TABLE models (
        model_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        strategy_type TEXT,
        description TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        created_by TEXT,
        UNIQUE (name, version)
      )`,
      `CREATE TABLE model_metrics (
        metric_id BIGINT PRIMARY KEY DEFAULT nextval('metric_seq'),
        model_id TEXT NOT NULL REFERENCES models (model_id),
        metric_name TEXT NOT NULL,
        value DOUBLE PRECISION,
        dataset_type TEXT NOT NULL CHECK (dataset_type IN (${DATASET_TYPES})),
        evaluated_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE INDEX model_metrics_by_model ON model_metrics (model_id)`,
      `CREATE TABLE model_artifacts (
        artifact_id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL REFERENCES models (model_id),
        artifact_type TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE model_training_runs (
        run_id TEXT PRIMARY KEY,
        model_id TEXT REFERENCES models (model_id),
        params ${d.jsonType},
        dataset_start TIMESTAMPTZ,
        dataset_end TIMESTAMPTZ,
        data_fingerprint TEXT,
        code_version TEXT,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        error TEXT
      )`,
      `CREATE TABLE model_stages (
        seq BIGINT PRIMARY KEY DEFAULT nextval('stage_seq'),
        model_name TEXT NOT NULL,
        version INTEGER,
        action TEXT NOT NULL CHECK (action IN ('promote', 'rollback', 'deactivate')),
        changed_at TIMESTAMPTZ NOT NULL,
        changed_by TEXT NOT NULL,
        reason TEXT
      )`,
      `CREATE INDEX model_stages_by_name ON model_stages (model_name, seq)`,
      `CREATE TABLE drift_metrics (
        date DATE NOT NULL,
        strategy_id TEXT NOT NULL,
        ic DOUBLE PRECISION,
        ic_5d_avg DOUBLE PRECISION,
        psi DOUBLE PRECISION,
        sharpe_5d DOUBLE PRECISION,
        sharpe_20d DOUBLE PRECISION,
        accuracy DOUBLE PRECISION,
        ic_alert BOOLEAN NOT NULL DEFAULT FALSE,
        psi_alert BOOLEAN NOT NULL DEFAULT FALSE,
        sharpe_alert BOOLEAN NOT NULL DEFAULT FALSE,
        details ${d.jsonType},
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (date, strategy_id)
      )`,
      `CREATE TABLE alerts (
        alert_id BIGINT PRIMARY KEY DEFAULT nextval('alert_seq'),
        raised_at TIMESTAMPTZ NOT NULL,
        date DATE,
        strategy_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'severe', 'critical')),
        metric TEXT,
        value DOUBLE PRECISION,
        threshold DOUBLE PRECISION,
        message TEXT NOT NULL
      )`,
      `CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        git_sha TEXT,
        config ${d.jsonType},
        output_dir TEXT,
        error TEXT
      )`,
    ],
  },
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
