/**
 * PostgreSQL's own schema steps. feature_events is range-partitioned by event_time (declarative
 * partitioning, one partition per calendar year, created on demand by the bulk loader) with the bitemporal
 * key as its primary key; when the TimescaleDB extension is available it becomes a hypertable with
 * compression segmented by (entity, feature) and ordered by event_time DESC, as seed 004 describes
 * (docs/decisions/053-store-postgres-layout.md). Concurrent migrators serialise on an advisory lock.
 */
import type { SqlSession } from '../engine.ts';
import type { EngineMigrationHooks } from '../migrate.ts';

/** Advisory-lock keys (arbitrary constants, one per purpose). */
export const MIGRATION_LOCK = 7_201_001;
export const PARTITION_LOCK = 7_201_002;

const EVENT_COLUMNS = `
  entity_id INTEGER NOT NULL,
  feature_id INTEGER NOT NULL,
  event_time TIMESTAMPTZ NOT NULL,
  ingest_time TIMESTAMPTZ NOT NULL,
  value DOUBLE PRECISION,
  value_json JSONB,
  write_id INTEGER NOT NULL,
  PRIMARY KEY (entity_id, feature_id, event_time, ingest_time)`;

export function postgresMigrationHooks(timescale: boolean): EngineMigrationHooks {
  return {
    steps(version) {
      if (version !== 1) return [];
      if (timescale) {
        return [
          'CREATE EXTENSION IF NOT EXISTS timescaledb',
          `CREATE TABLE feature_events (${EVENT_COLUMNS})`,
          `SELECT create_hypertable('feature_events', 'event_time', if_not_exists => TRUE)`,
          `ALTER TABLE feature_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'entity_id, feature_id', timescaledb.compress_orderby = 'event_time DESC, ingest_time DESC')`,
          `SELECT add_compression_policy('feature_events', INTERVAL '7 days')`,
        ];
      }
      return [`CREATE TABLE feature_events (${EVENT_COLUMNS}) PARTITION BY RANGE (event_time)`];
    },
    async lock(tx: SqlSession) {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    },
  };
}
