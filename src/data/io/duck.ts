/**
 * A short-lived in-memory DuckDB session for reading and writing universe files (architecture.md §3: the
 * exchange format is read with DuckDB). Native handles are closed in `finally` (style.md habit 7), and
 * DuckDB's own errors are turned into typed errors that name the file.
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { InvalidInputError } from '../../core/errors.ts';

/** Runs `fn` on a fresh in-memory DuckDB connection and closes it afterwards, whatever happens. */
export async function withDuckDB<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A SQL string literal: single quotes doubled. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A SQL identifier: double quotes doubled, so any header text is usable as a column name. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** All rows of a query as plain JS objects (BIGINT → bigint). For small metadata queries only. */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Record<string, DuckDBValue>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjects();
}

/** The first row of a query, or undefined. */
export async function queryFirst(
  conn: DuckDBConnection,
  sql: string,
): Promise<Record<string, DuckDBValue> | undefined> {
  return (await queryRows(conn, sql))[0];
}

/** One column of a query as strings (NULL → ''). */
export async function queryStrings(conn: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await conn.runAndReadAll(sql);
  const out: string[] = [];
  const cols = reader.getColumns();
  const col = cols[0] ?? [];
  for (const v of col) out.push(v === null ? '' : String(v));
  return out;
}

/** Runs SQL that touches `file`; a DuckDB failure becomes an InvalidInputError naming the file. */
export async function runOnFile(
  conn: DuckDBConnection,
  sql: string,
  file: string,
  what: string,
): Promise<void> {
  try {
    await conn.run(sql);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new InvalidInputError(`cannot ${what}: ${detail}`, { where: { file }, cause });
  }
}

/** Column names of a table, in order. */
export async function tableColumns(conn: DuckDBConnection, table: string): Promise<string[]> {
  const rows = await queryRows(
    conn,
    `SELECT column_name FROM duckdb_columns() WHERE table_name = ${sqlString(table)} ORDER BY column_index`,
  );
  return rows.map((r) => String(r.column_name));
}

/** Number as JS number from a DuckDB integer result (BIGINT arrives as bigint). */
export function toNumber(v: DuckDBValue | undefined): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return Number.NaN;
}
