/** PostgreSQL's side of the SQL that differs between engines. */
import type { Dialect } from '../engine.ts';

export const postgresDialect: Dialect = {
  name: 'postgres',
  jsonType: 'JSONB',
  msOf: (expr) => `CAST(extract(epoch FROM ${expr}) * 1000 AS DOUBLE PRECISION)`,
  jsonText: (expr) => `CAST(${expr} AS TEXT)`,
  toJson: (expr) => `CAST(${expr} AS JSONB)`,
  keyLockSql: 'SELECT pg_advisory_xact_lock(hashtext($1))',
};

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
