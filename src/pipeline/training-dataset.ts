/**
 * Training data through the feature store (architecture.md §4, §6; seed 004 steps 1–2): computed features
 * are written with producer metadata and event_time = the bar's close, ingest_time = event_time + the
 * availability lag (a backfill, methods.md §10); the training set is then assembled by a point-in-time query
 * (`event_time ≤ τ AND ingest_time ≤ τ` with τ = close + lag), exported to Parquet with its SHA-256
 * fingerprint recorded in the store, and read back from that snapshot. The model therefore trains on exactly
 * the fingerprinted data, never on a direct join of panels.
 */
import { join } from 'node:path';
import { closeTime } from '../core/calendar.ts';
import { IntegrityError, InvalidInputError } from '../core/errors.ts';
import { sqlString, withDuckDB } from '../data/io/duck.ts';
import { readDoubles } from '../data/io/vectors.ts';
import type { FeatureSet } from '../ml/features/feature-set.ts';
import type { FeatureWhitelist } from '../ml/features/whitelist.ts';
import type { FeatureMatrix } from '../ml/gbdt/matrix.ts';
import type { FeatureStore } from '../store/features/feature-store.ts';
import type { Store } from '../store/open-store.ts';

/** Version of the feature definitions written by this code; bump it when a calculator's formula changes. */
export const FEATURE_VERSION = 1;
export const FEATURE_PRODUCER = 'alphalab.ml.features';

export interface FeatureWriteOptions {
  readonly producerVersion: string;
  readonly runId: string;
  /** ingest_time − event_time of the backfill, ms (features are computed after the close). */
  readonly availabilityLagMs: number;
}

/** Defines every feature of the whitelist (version FEATURE_VERSION) in the store; idempotent. */
export async function defineFeatureColumns(
  features: FeatureStore,
  whitelist: FeatureWhitelist,
): Promise<void> {
  for (const name of whitelist.names) {
    await features.defineFeature(name, { version: FEATURE_VERSION, description: `alphalab feature ${name}` });
  }
}

/**
 * Writes the features of the given date indices (all tickers) to the store, sorted by (event time, entity)
 * for the bulk path; NaN cells are "not produced" and not stored. Returns the store's write result.
 */
export async function writeFeatureRows(
  features: FeatureStore,
  fs: FeatureSet,
  whitelist: FeatureWhitelist,
  dateIndices: readonly number[],
  options: FeatureWriteOptions,
): Promise<{ inserted: number; skipped: number }> {
  const N = fs.tickers.length;
  const rows = dateIndices.length * N;
  const entityIndex = new Int32Array(rows);
  const eventTimeMs = new Float64Array(rows);
  const pos = new Map(fs.names.map((n, j) => [n, j] as const));
  const values = whitelist.names.map(() => new Float64Array(rows));
  dateIndices.forEach((t, r) => {
    const et = closeTime(fs.dates[t]!);
    for (let i = 0; i < N; i++) {
      entityIndex[r * N + i] = i;
      eventTimeMs[r * N + i] = et;
    }
  });
  whitelist.names.forEach((name, f) => {
    const col = fs.columns[pos.get(name)!]!;
    const out = values[f]!;
    dateIndices.forEach((t, r) => out.set(col.subarray(t * N, t * N + N), r * N));
  });
  const res = await features.writeFeatureFrame(
    {
      entities: fs.tickers,
      entityIndex,
      eventTimeMs,
      features: whitelist.names.map((name) => ({ name, version: FEATURE_VERSION })),
      values,
    },
    {
      producer: FEATURE_PRODUCER,
      producerVersion: options.producerVersion,
      runId: options.runId,
      availabilityLagMs: options.availabilityLagMs,
    },
  );
  return { inserted: res.inserted, skipped: res.skipped };
}

export interface PitTrainingSet {
  readonly X: FeatureMatrix;
  readonly fingerprint: string;
  readonly path: string;
  readonly fileSha256: string;
}

/**
 * The point-in-time training set for (ticker, date index) rows: exported to `<dir>/training_set.parquet`
 * with its fingerprint, then read back in the whitelist's column order. The snapshot's as-of column is
 * checked against the requests (IntegrityError if the file does not hold the rows asked for).
 */
export async function pointInTimeTrainingSet(
  store: Store,
  fs: FeatureSet,
  whitelist: FeatureWhitelist,
  rowDate: Int32Array,
  rowTicker: Int32Array,
  options: { readonly dir: string; readonly availabilityLagMs: number; readonly runId: string },
): Promise<PitTrainingSet> {
  const n = rowDate.length;
  if (n === 0) throw new InvalidInputError('the training set has no rows (too little labelled history)');
  const asOfMs = Float64Array.from(rowDate, (t) => closeTime(fs.dates[t]!) + options.availabilityLagMs);
  const exported = await store.exportTrainingSet(
    { entities: fs.tickers, entityIndex: rowTicker, asOfMs },
    whitelist.names.map((name) => ({ name, version: FEATURE_VERSION })),
    { path: join(options.dir, 'training_set.parquet'), runId: options.runId },
  );
  const p = whitelist.names.length;
  const values = new Float64Array(n * p);
  await withDuckDB(async (conn) => {
    const cols = whitelist.names.map(
      (name) => `coalesce("${name.replace(/"/g, '""')}_v${FEATURE_VERSION}", 'NaN'::DOUBLE)`,
    );
    const res = await conn.run(
      `SELECT CAST(epoch_ms(as_of) AS DOUBLE) AS as_of_ms, ${cols.join(', ')} FROM read_parquet(${sqlString(exported.path)})`,
    );
    let r0 = 0;
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const m = chunk.rowCount;
      const asOf = readDoubles(chunk.getColumnVector(0));
      for (let k = 0; k < m; k++) {
        if (asOf[k] !== asOfMs[r0 + k])
          throw new IntegrityError(
            `training snapshot row ${r0 + k} has as_of ${asOf[k]}, expected ${asOfMs[r0 + k]}`,
            { where: { file: exported.path, row: r0 + k } },
          );
      }
      for (let f = 0; f < p; f++) {
        const v = readDoubles(chunk.getColumnVector(f + 1));
        for (let k = 0; k < m; k++) values[(r0 + k) * p + f] = v[k]!;
      }
      r0 += m;
    }
    if (r0 !== n)
      throw new IntegrityError(`training snapshot has ${r0} rows, expected ${n}`, {
        where: { file: exported.path },
      });
  });
  return {
    X: { rows: n, cols: p, values, names: whitelist.names },
    fingerprint: exported.fingerprint,
    path: exported.path,
    fileSha256: exported.fileSha256,
  };
}
