/** Types of the bitemporal feature store (methods.md §10, seed 004 with its defects fixed). */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** A registered feature: a (name, version) pair with its value type. */
export interface FeatureDef {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly valueType: 'double' | 'json';
  /** When true, ingest_time may precede event_time (e.g. scheduled dates known in advance). */
  readonly allowEarlyIngest: boolean;
  readonly description: string | null;
}

/** Names a feature; without a version, the option `version` or else the newest defined version is used. */
export type FeatureSpec = string | { readonly name: string; readonly version?: number };

/** One feature value to write. Instants are epoch ms UTC or ISO-8601 text with a zone (or a bare date = its close). */
export interface FeatureWrite {
  readonly entity: string;
  readonly feature: string;
  readonly version?: number;
  readonly eventTime: number | string;
  /** When it became known; defaults to eventTime + availabilityLagMs, else the write's clock. */
  readonly ingestTime?: number | string;
  /** A finite number for double features; any JSON value for json features. */
  readonly value: number | JsonValue;
}

/**
 * Columnar input for large writes of double features: row r is (entities[entityIndex[r]], eventTimeMs[r]),
 * and values[f][r] is feature f's value there. NaN means "no value produced" (panel convention) and is not
 * stored; ±Infinity is refused.
 */
export interface FeatureFrame {
  readonly entities: readonly string[];
  readonly entityIndex: Int32Array;
  readonly eventTimeMs: Float64Array;
  readonly ingestTimeMs?: Float64Array;
  readonly features: readonly FeatureSpec[];
  readonly values: readonly Float64Array[];
}

export interface WriteOptions {
  /** Job that produced the values, e.g. 'momentum_job'. */
  readonly producer: string;
  /** Code version of the producer (git SHA). */
  readonly producerVersion?: string;
  readonly runId?: string;
  /** Backfills: ingest_time = event_time + lag (ms) for rows without an explicit ingestTime. */
  readonly availabilityLagMs?: number;
  /** Feature version for rows that name none. */
  readonly version?: number;
  /** The write's clock (epoch ms) for rows with neither ingestTime nor lag; defaults to Date.now(). */
  readonly now?: number;
}

export interface WriteResult {
  readonly writeId: number;
  /** Rows stored. */
  readonly inserted: number;
  /** Rows already known with the same value (idempotent re-writes). */
  readonly skipped: number;
}

/** A visible feature value. */
export interface FeatureValue {
  readonly entity: string;
  readonly feature: string;
  readonly version: number;
  readonly eventTimeMs: number;
  readonly ingestTimeMs: number;
  readonly value: number | JsonValue;
}

export interface PitRequest {
  readonly entity: string;
  readonly asOf: number | string;
}

/** Columnar requests: request r is (entities[entityIndex[r]], asOfMs[r]). */
export interface PitRequestColumns {
  readonly entities: readonly string[];
  readonly entityIndex: Int32Array;
  readonly asOfMs: Float64Array;
}

/**
 * Exactly one cell per (request, feature): cell r·F + f. A cell with nothing visible has value NaN,
 * eventTimeMs and ingestTimeMs NaN (and json null): absence is explicit, never a silent 0.
 */
export interface PointInTimeResult {
  readonly requestCount: number;
  readonly features: readonly FeatureDef[];
  readonly value: Float64Array;
  readonly eventTimeMs: Float64Array;
  readonly ingestTimeMs: Float64Array;
  /** Parsed JSON values per cell when any feature is a json feature, else null. */
  readonly json: (JsonValue | null)[] | null;
}
