/**
 * Training-set export (seed 004 step 2: "export Parquet, immutable snapshot"): a point-in-time query
 * written to a Parquet file (atomically, through a temp file and rename) with a SHA-256 content
 * fingerprint recorded in training_sets. The fingerprint hashes the data, not the file bytes — entity
 * keys, as-of instants, each feature's name, version, values and event times in a canonical binary
 * layout — so it identifies the training data whatever Parquet writer produced the file; the file's own
 * SHA-256 is recorded beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { tempPathBeside } from '../atomic-file.ts';
import { CHUNK_ROWS, copyColumn, copyValidity, setVarchars } from '../duckdb/chunks.ts';
import { type StoreEngine, writeMicros } from '../engine.ts';
import { toInstant } from './encode.ts';
import type { FeatureStore } from './feature-store.ts';
import type { FeatureSpec, PitRequest, PitRequestColumns, PointInTimeResult } from './types.ts';

export interface TrainingSetExport {
  readonly path: string;
  /** SHA-256 of the canonical content (see module comment). */
  readonly fingerprint: string;
  /** SHA-256 of the Parquet file's bytes. */
  readonly fileSha256: string;
  readonly sizeBytes: number;
  readonly rowCount: number;
}

interface Columns {
  readonly entities: string[];
  readonly asOfMs: Float64Array;
}

function requestColumns(requests: readonly PitRequest[] | PitRequestColumns): Columns {
  if ('asOfMs' in requests) {
    return {
      entities: Array.from(requests.entityIndex, (e) => requests.entities[e]!),
      asOfMs: requests.asOfMs,
    };
  }
  return {
    entities: requests.map((r) => r.entity),
    asOfMs: Float64Array.from(requests, (r, k) => toInstant(r.asOf, 'as_of', k)),
  };
}

/** Column f of a dense result (cells r·F + f), NaN canonicalised so the fingerprint is stable. */
function column(src: Float64Array, F: number, f: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = src[r * F + f]!;
    out[r] = Number.isNaN(v) ? Number.NaN : v;
  }
  return out;
}

/** The canonical content hash of a training set. */
export function trainingSetFingerprint(cols: Columns, pit: PointInTimeResult): string {
  const h = createHash('sha256');
  const n = cols.entities.length;
  const F = pit.features.length;
  h.update(
    JSON.stringify({
      format: 'alphalab.training_set.v1',
      rows: n,
      features: pit.features.map((d) => [d.name, d.version, d.valueType]),
    }),
  );
  h.update('\n');
  h.update(cols.entities.join('\n'));
  h.update('\n');
  h.update(new Uint8Array(Float64Array.from(cols.asOfMs).buffer));
  for (let f = 0; f < F; f++) {
    if (pit.features[f]!.valueType === 'json') {
      for (let r = 0; r < n; r++) h.update(`${JSON.stringify(pit.json?.[r * F + f] ?? null)}\n`);
    } else h.update(new Uint8Array(column(pit.value, F, f, n).buffer));
    h.update(new Uint8Array(column(pit.eventTimeMs, F, f, n).buffer));
  }
  return h.digest('hex');
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function writeParquet(path: string, cols: Columns, pit: PointInTimeResult): Promise<void> {
  const n = cols.entities.length;
  const F = pit.features.length;
  const names: string[] = ['entity', 'as_of'];
  const types: DuckDBType[] = [VARCHAR, TIMESTAMPTZ];
  for (const d of pit.features) {
    names.push(`${d.name}_v${d.version}`, `${d.name}_v${d.version}__event_time`);
    types.push(d.valueType === 'json' ? VARCHAR : DOUBLE, TIMESTAMPTZ);
  }
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    try {
      await conn.run(
        `CREATE TABLE ts (${names.map((c, k) => `${quote(c)} ${types[k]!.toString()}`).join(', ')})`,
      );
      const appender = await conn.createAppender('ts');
      try {
        const chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
        const micros = new Int32Array(2 * CHUNK_ROWS);
        const doubles = new Float64Array(CHUNK_ROWS);
        const mask = new Uint32Array(CHUNK_ROWS / 32);
        const putTimes = (
          col: number,
          src: Float64Array,
          stride: number,
          offset: number,
          start: number,
          rows: number,
        ) => {
          mask.fill(0xffffffff);
          for (let k = 0; k < rows; k++) {
            const v = src[(start + k) * stride + offset]!;
            if (!Number.isNaN(v)) writeMicros(micros, k, v);
            else mask[k >>> 5]! &= ~(1 << (k & 31));
          }
          copyColumn(chunk, col, micros, 0, rows * 8);
          copyValidity(chunk, col, mask);
        };
        for (let start = 0; start < n; start += CHUNK_ROWS) {
          const rows = Math.min(CHUNK_ROWS, n - start);
          chunk.rowCount = rows;
          setVarchars(chunk, 0, cols.entities, start, rows);
          putTimes(1, cols.asOfMs, 1, 0, start, rows);
          for (let f = 0; f < F; f++) {
            const def = pit.features[f]!;
            if (def.valueType === 'json') {
              const texts = Array.from({ length: rows }, (_, k) => {
                const v = pit.json?.[(start + k) * F + f] ?? null;
                return v === null ? null : JSON.stringify(v);
              });
              setVarchars(chunk, 2 + 2 * f, texts, 0, rows);
            } else {
              mask.fill(0xffffffff);
              for (let k = 0; k < rows; k++) {
                const v = pit.value[(start + k) * F + f]!;
                doubles[k] = v;
                if (Number.isNaN(v)) mask[k >>> 5]! &= ~(1 << (k & 31));
              }
              copyColumn(chunk, 2 + 2 * f, doubles, 0, rows * 8);
              copyValidity(chunk, 2 + 2 * f, mask);
            }
            putTimes(3 + 2 * f, pit.eventTimeMs, F, f, start, rows);
          }
          appender.appendDataChunk(chunk);
          chunk.reset();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await conn.run(`COPY ts TO '${path.replace(/'/g, "''")}' (FORMAT PARQUET)`);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * Builds a training set with a point-in-time query, writes it to `path` as Parquet (columns entity,
 * as_of, then `<feature>_v<version>` and `<feature>_v<version>__event_time` per feature; missing cells
 * are NULL) and records its fingerprint. Re-exporting identical content leaves the first record in place.
 */
export async function exportTrainingSet(
  engine: StoreEngine,
  features: FeatureStore,
  requests: readonly PitRequest[] | PitRequestColumns,
  specs: readonly FeatureSpec[],
  options: { readonly path: string; readonly version?: number; readonly runId?: string },
): Promise<TrainingSetExport> {
  const path = resolve(options.path);
  const pit = await features.getPointInTime(
    requests,
    specs,
    options.version === undefined ? {} : { version: options.version },
  );
  const cols = requestColumns(requests);
  const fingerprint = trainingSetFingerprint(cols, pit);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${tempPathBeside(path)}.parquet`;
  try {
    await writeParquet(tmp, cols, pit);
    await rename(tmp, path);
  } finally {
    if (existsSync(tmp)) await rm(tmp, { force: true });
  }
  const bytes = await readFile(path);
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');
  const sizeBytes = (await stat(path)).size;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of cols.asOfMs) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  await engine.query(
    `INSERT INTO training_sets (fingerprint, path, file_sha256, size_bytes, row_count, features, as_of_start, as_of_end, created_at, run_id)
     VALUES ($1, $2, $3, $4, $5, ${engine.dialect.toJson('$6')}, CAST($7 AS TIMESTAMPTZ), CAST($8 AS TIMESTAMPTZ), CAST($9 AS TIMESTAMPTZ), $10)
     ON CONFLICT (fingerprint) DO NOTHING`,
    [
      fingerprint,
      path,
      fileSha256,
      sizeBytes,
      cols.entities.length,
      JSON.stringify(pit.features.map((d) => ({ name: d.name, version: d.version }))),
      Number.isFinite(lo) ? new Date(lo).toISOString() : null,
      Number.isFinite(hi) ? new Date(hi).toISOString() : null,
      new Date().toISOString(),
      options.runId ?? null,
    ],
  );
  return { path, fingerprint, fileSha256, sizeBytes, rowCount: cols.entities.length };
}
