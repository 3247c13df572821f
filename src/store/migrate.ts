/**
 * Applies the versioned migrations of schema.ts, each in its own transaction, recording them in
 * `schema_migrations`. A database written by a newer alphalab is refused rather than silently misread.
 */
import { ConflictError } from '../core/errors.ts';
import type { SqlSession, StoreEngine } from './engine.ts';
import { migrations, SCHEMA_VERSION } from './schema.ts';

export interface EngineMigrationHooks {
  /** The engine's own statements for a migration version (e.g. how feature_events is laid out). */
  steps(version: number): readonly string[];
  /** Serialises concurrent migrators (PostgreSQL advisory lock); DuckDB has a single writer already. */
  lock(tx: SqlSession): Promise<void>;
}

async function appliedVersions(s: SqlSession): Promise<Set<number>> {
  const rows = await s.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => Number(r.version)));
}

/** Brings the schema up to SCHEMA_VERSION; returns the versions it applied. */
export async function migrate(engine: StoreEngine, hooks: EngineMigrationHooks): Promise<number[]> {
  await engine.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
  );
  const applied: number[] = [];
  for (const m of migrations) {
    await engine.transaction(async (tx) => {
      await hooks.lock(tx);
      const done = await appliedVersions(tx);
      const newest = Math.max(0, ...done);
      if (newest > SCHEMA_VERSION) {
        throw new ConflictError(
          `the store ${engine.location} has schema version ${newest}, newer than this alphalab understands (${SCHEMA_VERSION}); upgrade alphalab`,
        );
      }
      if (done.has(m.version)) return;
      for (const sql of m.statements(engine.dialect, hooks.steps(m.version))) await tx.exec(sql);
      await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ))',
        [m.version, m.name, new Date().toISOString()],
      );
      applied.push(m.version);
    });
  }
  return applied;
}
