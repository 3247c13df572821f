/**
 * DuckDB bulk loader for feature events: whole columns are copied into data chunks and handed to an
 * appender (no per-value calls). A batch that neither overlaps stored rows (same features, same event-time
 * window) nor repeats a key inside itself is appended straight into feature_events; anything else goes
 * through a staging table where the idempotency rules of features/feature-store.ts are applied in SQL.
 * Either way the rows enter in key order (entity, feature, event, ingest), one sorted run per batch, which
 * is what lets duckdb/pit-scan.ts answer point-in-time queries without sorting (decision 054).
 */
import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  INTEGER,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { ConflictError } from '../../core/errors.ts';
import { type EncodedFeatureBatch, isoMs, type LoadFeatureResult, when, writeMicros } from '../engine.ts';
import { keyOrder } from '../key-order.ts';
import { CHUNK_ROWS, copyColumn, copyValidity, setVarchars } from './chunks.ts';

const EVENT_COLUMNS = [INTEGER, INTEGER, TIMESTAMPTZ, TIMESTAMPTZ, DOUBLE, VARCHAR, INTEGER];
/** Rows enter feature_events in key order, one sorted run per batch (decision 054). */
const KEY_ORDER = 'entity_id, feature_id, event_time, ingest_time';
const STAGE_DDL = `CREATE OR REPLACE TEMP TABLE fe_stage (
  entity_id INTEGER, feature_id INTEGER, event_time TIMESTAMPTZ, ingest_time TIMESTAMPTZ,
  value DOUBLE, value_json VARCHAR, write_id INTEGER)`;

/**
 * Appends the batch to `table` (catalog 'temp' for the staging table) through data chunks, rows in the
 * order given (the key order, so each batch lands as one series-contiguous, time-sorted run; decision 054).
 */
export async function appendFeatureBatch(
  conn: DuckDBConnection,
  b: EncodedFeatureBatch,
  order: Uint32Array,
  table: string,
  catalog?: string,
): Promise<void> {
  const appender = await conn.createAppender(table, 'main', catalog ?? null);
  try {
    const chunk = DuckDBDataChunk.create(EVENT_COLUMNS, CHUNK_ROWS);
    const ent = new Int32Array(CHUNK_ROWS);
    const feat = new Int32Array(CHUNK_ROWS);
    const ev = new Int32Array(2 * CHUNK_ROWS);
    const ing = new Int32Array(2 * CHUNK_ROWS);
    const val = new Float64Array(CHUNK_ROWS);
    const json = b.json ? new Array<string | null>(CHUNK_ROWS) : null;
    const writeIds = new Int32Array(CHUNK_ROWS).fill(b.writeId);
    const valueMask = new Uint32Array(CHUNK_ROWS / 32);
    const nullMask = new Uint32Array(CHUNK_ROWS / 32);
    for (let start = 0; start < b.length; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, b.length - start);
      chunk.rowCount = rows;
      valueMask.fill(0xffffffff);
      for (let k = 0; k < rows; k++) {
        const i = order[start + k]!;
        ent[k] = b.entityId[i]!;
        feat[k] = b.featureId[i]!;
        writeMicros(ev, k, b.eventTimeMs[i]!);
        writeMicros(ing, k, b.ingestTimeMs[i]!);
        const v = b.value[i]!;
        val[k] = v;
        if (Number.isNaN(v)) valueMask[k >>> 5]! &= ~(1 << (k & 31));
        if (json) json[k] = b.json![i] ?? null;
      }
      copyColumn(chunk, 0, ent, 0, rows * 4);
      copyColumn(chunk, 1, feat, 0, rows * 4);
      copyColumn(chunk, 2, ev, 0, rows * 8);
      copyColumn(chunk, 3, ing, 0, rows * 8);
      copyColumn(chunk, 4, val, 0, rows * 8);
      copyValidity(chunk, 4, valueMask);
      if (json) setVarchars(chunk, 5, json, 0, rows);
      else copyValidity(chunk, 5, nullMask);
      copyColumn(chunk, 6, writeIds, 0, rows * 4);
      appender.appendDataChunk(chunk);
      chunk.reset();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

async function recordRestated(conn: DuckDBConnection, ids: Iterable<number>): Promise<void> {
  const list = [...ids];
  if (list.length === 0) return;
  await conn.run(
    `INSERT INTO feature_restatements VALUES ${list.map((id) => `(${id})`).join(', ')} ON CONFLICT DO NOTHING`,
  );
}

function featureList(b: EncodedFeatureBatch): string {
  const ids = new Set<number>();
  for (let k = 0; k < b.length; k++) ids.add(b.featureId[k]!);
  return [...ids].join(', ');
}

function eventRange(b: EncodedFeatureBatch): [string, string] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < b.length; k++) {
    const t = b.eventTimeMs[k]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [isoMs(lo), isoMs(hi)];
}

async function scalar(conn: DuckDBConnection, sql: string, params: string[] = []): Promise<number> {
  const r = await conn.runAndReadAll(sql, params);
  return Number(r.getRows()[0]![0]);
}

async function conflictError(
  conn: DuckDBConnection,
  sql: string,
  params: string[] = [],
): Promise<ConflictError> {
  const named = `SELECT en.entity_key, fd.feature_name, fd.feature_version, c.event_time, c.ingest_time
    FROM (${sql}) c JOIN entities en ON en.entity_id = c.entity_id JOIN feature_defs fd ON fd.feature_id = c.feature_id`;
  const r = (await conn.runAndReadAll(named, params)).getRowObjectsJS()[0]!;
  return new ConflictError(
    `feature '${r.feature_name}' v${r.feature_version} of entity '${r.entity_key}' (event ${when(r.event_time)}, ingest ${when(r.ingest_time)}) is already stored with a different value; a restatement needs a later ingest time`,
    { where: { ticker: String(r.entity_key), field: String(r.feature_name) } },
  );
}

export async function loadFeatureEventsDuckDb(
  conn: DuckDBConnection,
  b: EncodedFeatureBatch,
): Promise<LoadFeatureResult> {
  if (b.length === 0) return { inserted: 0, skipped: 0 };
  const features = featureList(b);
  const [lo, hi] = eventRange(b);
  const existing = `SELECT entity_id, feature_id, event_time, ingest_time, value, value_json FROM feature_events
    WHERE feature_id IN (${features}) AND event_time BETWEEN CAST($1 AS TIMESTAMPTZ) AND CAST($2 AS TIMESTAMPTZ)`;
  const overlap = (await scalar(conn, `SELECT count(*) FROM (${existing} LIMIT 1)`, [lo, hi])) > 0;
  const { order, unique, restated } = keyOrder(b);
  if (!overlap && unique) {
    await appendFeatureBatch(conn, b, order, 'feature_events');
    await recordRestated(conn, restated);
    return { inserted: b.length, skipped: 0 };
  }
  await conn.run(STAGE_DDL);
  try {
    await appendFeatureBatch(conn, b, order, 'fe_stage', 'temp');
    if (!unique) {
      const dupKeys = `SELECT entity_id, feature_id, event_time, ingest_time FROM fe_stage GROUP BY ALL
        HAVING count(DISTINCT (coalesce(CAST(value AS VARCHAR), ''), coalesce(value_json, ''))) > 1`;
      if ((await scalar(conn, `SELECT count(*) FROM (${dupKeys})`)) > 0)
        throw await conflictError(conn, `${dupKeys} LIMIT 1`);
      await conn.run('CREATE OR REPLACE TEMP TABLE fe_stage AS SELECT DISTINCT * FROM fe_stage');
    }
    const staged = await scalar(conn, 'SELECT count(*) FROM fe_stage');
    // After the insert, any (entity, feature, event_time) of this batch's window with two rows is a restatement.
    const markRestated = () =>
      conn.run(
        `INSERT INTO feature_restatements
         SELECT DISTINCT feature_id FROM (${existing}) GROUP BY entity_id, feature_id, event_time HAVING count(*) > 1
         ON CONFLICT DO NOTHING`,
        [lo, hi],
      );
    if (!overlap) {
      await conn.run(`INSERT INTO feature_events SELECT * FROM fe_stage ORDER BY ${KEY_ORDER}`);
      await markRestated();
      return { inserted: staged, skipped: b.length - staged };
    }
    // x: the stored row with the same key; p: the row (stored or staged) just before in ingest time for the
    // same (entity, feature, event). A staged row is known when x or p already says the same value.
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE fe_match AS
       WITH x AS (${existing}),
       keyed AS (
         SELECT s.*, x.ingest_time IS NOT NULL AS exact,
                (s.value IS NOT DISTINCT FROM x.value AND s.value_json IS NOT DISTINCT FROM x.value_json) AS same_exact
         FROM fe_stage s LEFT JOIN x USING (entity_id, feature_id, event_time, ingest_time)),
       p AS (SELECT * FROM x UNION ALL SELECT entity_id, feature_id, event_time, ingest_time, value, value_json FROM fe_stage)
       SELECT k.entity_id, k.feature_id, k.event_time, k.ingest_time, k.value, k.value_json, k.write_id, k.exact, k.same_exact,
              (p.ingest_time IS NOT NULL AND k.value IS NOT DISTINCT FROM p.value AND k.value_json IS NOT DISTINCT FROM p.value_json) AS same_prev
       FROM keyed k ASOF LEFT JOIN p
         ON k.entity_id = p.entity_id AND k.feature_id = p.feature_id AND k.event_time = p.event_time AND k.ingest_time > p.ingest_time`,
      [lo, hi],
    );
    try {
      const conflicts = 'SELECT * FROM fe_match WHERE exact AND NOT same_exact';
      if ((await scalar(conn, `SELECT count(*) FROM (${conflicts})`)) > 0)
        throw await conflictError(conn, `${conflicts} LIMIT 1`);
      const fresh = 'FROM fe_match WHERE NOT exact AND NOT same_prev';
      const inserted = await scalar(conn, `SELECT count(*) ${fresh}`);
      await conn.run(
        `INSERT INTO feature_events SELECT entity_id, feature_id, event_time, ingest_time, value, value_json, write_id ${fresh} ORDER BY ${KEY_ORDER}`,
      );
      await markRestated();
      return { inserted, skipped: b.length - inserted };
    } finally {
      await conn.run('DROP TABLE IF EXISTS fe_match').catch(() => undefined);
    }
  } finally {
    await conn.run('DROP TABLE IF EXISTS fe_stage').catch(() => undefined);
  }
}
