/**
 * The one shape every store engine follows (style.md habit 7, architecture.md §6). `duckdb/` and `postgres/`
 * each hold engine.ts (connection, transactions, `open…Engine`), dialect.ts (the SQL that differs),
 * bulk.ts (the fast load path), migrations.ts (engine-only schema steps) and pit.ts (the point-in-time
 * join). Everything above this file speaks only to `StoreEngine`.
 */

/** A bound SQL parameter. Timestamps travel as ISO-8601 text with a zone and are cast in SQL. */
export type SqlParam = string | number | boolean | null;

/** A result row: column name → JS value (numbers, strings, booleans, null). */
export type SqlRow = Record<string, string | number | boolean | null>;

/** Something that runs SQL: the engine itself (auto-commit) or an open transaction. */
export interface SqlSession {
  /** Runs a statement with `$1…$n` placeholders and returns its rows (BIGINTs arrive as numbers). */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

/** The SQL the two engines write differently. */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  /** Column type for JSON documents. */
  readonly jsonType: string;
  /** SQL expression: epoch milliseconds (DOUBLE) of a TIMESTAMPTZ expression. */
  msOf(expr: string): string;
  /** SQL expression: a JSON column as text. */
  jsonText(expr: string): string;
  /** SQL expression: a text parameter cast to the JSON column type. */
  toJson(expr: string): string;
  /**
   * A statement taking a transaction-scoped lock on the text key `$1`, or null where the engine already
   * admits a single writer (DuckDB).
   */
  readonly keyLockSql: string | null;
}

/**
 * A validated, dictionary-encoded batch of feature events ready for the bulk loader. Row `k` has
 * entity `entityId[k]`, feature `featureId[k]`, instants in epoch ms, and either a finite `value[k]`
 * (double features, `json[k] === null`) or a JSON text (`value[k]` NaN, stored as NULL).
 */
export interface EncodedFeatureBatch {
  readonly length: number;
  readonly entityId: Int32Array;
  readonly featureId: Int32Array;
  readonly eventTimeMs: Float64Array;
  readonly ingestTimeMs: Float64Array;
  readonly value: Float64Array;
  /** JSON texts, or null when the batch has only double features. */
  readonly json: readonly (string | null)[] | null;
  readonly writeId: number;
}

/** How a batch write went: rows stored vs rows recognised as already known (idempotent re-writes). */
export interface LoadFeatureResult {
  readonly inserted: number;
  readonly skipped: number;
}

/** A point-in-time query after encoding: requests × features, dense. */
export interface EncodedPitQuery {
  /** Entity id per request, -1 when the entity is unknown to the store (its rows are all missing). */
  readonly entityId: Int32Array;
  readonly asOfMs: Float64Array;
  readonly featureId: Int32Array;
  /** True when any requested feature holds JSON values. */
  readonly wantJson: boolean;
}

/**
 * Dense point-in-time answer: cell `r * F + f` for request r and feature f. Missing cells have NaN value,
 * NaN event and ingest times and null JSON.
 */
export interface PitColumns {
  readonly value: Float64Array;
  readonly eventTimeMs: Float64Array;
  readonly ingestTimeMs: Float64Array;
  readonly json: (string | null)[] | null;
}

export interface StoreEngine extends SqlSession {
  readonly dialect: Dialect;
  /** The DuckDB file or the PostgreSQL URL with its password removed. */
  readonly location: string;
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Stores a batch idempotently inside the open transaction `tx` (see features/feature-store.ts for the
   * rules): a row whose value equals the value already known for its (entity, feature, event time) at its
   * ingest time is skipped; a different value under an identical key is a ConflictError.
   */
  loadFeatureEvents(tx: SqlSession, batch: EncodedFeatureBatch): Promise<LoadFeatureResult>;
  /** Answers a point-in-time query (methods.md §10) through a temporary table and a join. */
  pointInTime(query: EncodedPitQuery): Promise<PitColumns>;
  /**
   * A token that changes whenever committed data may have changed, so a reader can keep what it read while
   * the token stays the same (the server's feature cache). Reading it costs far less than a query of the
   * data: DuckDB counts the writes of this engine (a DuckDB file admits one writing process, so no other
   * write exists); PostgreSQL returns the transaction snapshot, which changes with every commit anywhere in
   * the cluster, this process's or another's. Optional: engines without it are never cached.
   */
  dataVersion?(): Promise<string>;
  /** Closes native handles; idempotent. */
  close(): Promise<void>;
}

/** Splits epoch ms into the (lo, hi) 32-bit words of epoch microseconds, little-endian int64. */
export function writeMicros(out: Int32Array, index: number, ms: number): void {
  const us = ms * 1000;
  const hi = Math.floor(us / 4294967296);
  out[2 * index] = us - hi * 4294967296;
  out[2 * index + 1] = hi;
}

/** ISO-8601 UTC text of an instant in epoch ms (the form timestamps take as SQL parameters). */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** A stored instant (Date from a driver, or text) as ISO-8601 text for messages. */
export function when(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}
