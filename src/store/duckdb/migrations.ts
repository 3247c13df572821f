/**
 * DuckDB's own schema steps. feature_events has no PRIMARY KEY here: DuckDB enforces keys with an ART
 * index that makes bulk appends of tens of millions of rows slow and memory-hungry, so the bulk loader
 * enforces the key (entity, feature, event_time, ingest_time) itself (docs/decisions/051-store-keys-and-idempotency.md).
 */
import type { SqlSession } from '../engine.ts';
import type { EngineMigrationHooks } from '../migrate.ts';

export const duckdbMigrationHooks: EngineMigrationHooks = {
  steps(version) {
    if (version !== 1) return [];
    return [
      `CREATE TABLE feature_events (
        entity_id INTEGER NOT NULL,
        feature_id INTEGER NOT NULL,
        event_time TIMESTAMPTZ NOT NULL,
        ingest_time TIMESTAMPTZ NOT NULL,
        value DOUBLE,
        value_json VARCHAR,
        write_id INTEGER NOT NULL
      )`,
      // Features with at least two rows for one (entity, event_time); see duckdb/pit.ts.
      'CREATE TABLE feature_restatements (feature_id INTEGER PRIMARY KEY)',
    ];
  },
  async lock(_tx: SqlSession) {},
};
