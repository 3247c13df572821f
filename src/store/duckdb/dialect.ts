/** DuckDB's side of the SQL that differs between engines. */
import type { Dialect } from '../engine.ts';

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  // DuckDB's JSON type lives in an extension that may need a download; text keeps the store offline.
  jsonType: 'VARCHAR',
  msOf: (expr) => `CAST(epoch_ms(${expr}) AS DOUBLE)`,
  jsonText: (expr) => expr,
  toJson: (expr) => `CAST(${expr} AS VARCHAR)`,
  // One writing process per file, and the engine serialises its own transactions.
  keyLockSql: null,
};
