/**
 * PostgreSQL bulk loader for feature events: binary COPY (pg-copy-streams). A batch that neither overlaps
 * stored rows (same features, same event-time window) nor repeats a key within itself is copied straight
 * into feature_events; otherwise it is copied into a temporary staging table and the idempotency rules of
 * features/feature-store.ts are applied in SQL. Yearly partitions are created on demand.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConflictError } from '../../core/errors.ts';
import { type EncodedFeatureBatch, isoMs, type LoadFeatureResult, when } from '../engine.ts';
import { keyOrder } from '../key-order.ts';
import { BinaryCopyWriter } from './binary-copy.ts';
import { PARTITION_LOCK } from './migrations.ts';

/** Re-exported where the COPY path and its tests have always found it. */
export { keyOrder };

/** Streams pre-encoded binary COPY chunks into `COPY <target> FROM STDIN`. */
export async function copyIn(client: PoolClient, target: string, chunks: readonly Buffer[]): Promise<void> {
  const sink = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(chunks), sink);
}

/** Binary COPY tuples of the batch's rows in the given order. */
export function encodeFeatureBatch(b: EncodedFeatureBatch, order: Uint32Array): Buffer[] {
  const w = new BinaryCopyWriter();
  for (let i = 0; i < b.length; i++) {
    const k = order[i]!;
    const json = b.json?.[k] ?? null;
    const text = json === null ? null : Buffer.from(json, 'utf8');
    w.tuple(7, 4 + 4 + 8 + 8 + 8 + (text ? text.length + 1 : 0) + 4);
    w.int4(b.entityId[k]!);
    w.int4(b.featureId[k]!);
    w.timestamp(b.eventTimeMs[k]!);
    w.timestamp(b.ingestTimeMs[k]!);
    w.float8OrNull(b.value[k]!);
    w.jsonbOrNull(text);
    w.int4(b.writeId);
  }
  return w.finish();
}

/** Creates the yearly partitions of feature_events that the batch's event times fall into. */
export async function ensurePartitions(client: PoolClient, b: EncodedFeatureBatch): Promise<void> {
  const years = new Set<number>();
  for (let k = 0; k < b.length; k++) years.add(new Date(b.eventTimeMs[k]!).getUTCFullYear());
  await client.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
  for (const y of years) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS feature_events_y${y} PARTITION OF feature_events
       FOR VALUES FROM ('${y}-01-01T00:00:00Z') TO ('${y + 1}-01-01T00:00:00Z')`,
    );
  }
}

async function conflict(client: PoolClient, r: Record<string, unknown>): Promise<ConflictError> {
  const names = await client.query(
    `SELECT (SELECT entity_key FROM entities WHERE entity_id = $1) AS entity_key,
            (SELECT feature_name FROM feature_defs WHERE feature_id = $2) AS feature_name,
            (SELECT feature_version FROM feature_defs WHERE feature_id = $2) AS feature_version`,
    [r.entity_id, r.feature_id],
  );
  const n = names.rows[0] as { entity_key: string; feature_name: string; feature_version: number };
  return new ConflictError(
    `feature '${n.feature_name}' v${n.feature_version} of entity '${n.entity_key}' (event ${when(r.event_time)}, ingest ${when(r.ingest_time)}) is already stored with a different value; a restatement needs a later ingest time`,
    { where: { ticker: n.entity_key, field: n.feature_name } },
  );
}

export async function loadFeatureEventsPostgres(
  client: PoolClient,
  b: EncodedFeatureBatch,
  partitioned: boolean,
): Promise<LoadFeatureResult> {
  if (b.length === 0) return { inserted: 0, skipped: 0 };
  if (partitioned) await ensurePartitions(client, b);
  const ids = new Set<number>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < b.length; k++) {
    ids.add(b.featureId[k]!);
    lo = Math.min(lo, b.eventTimeMs[k]!);
    hi = Math.max(hi, b.eventTimeMs[k]!);
  }
  const window = `feature_id IN (${[...ids].join(', ')}) AND event_time BETWEEN CAST($1 AS TIMESTAMPTZ) AND CAST($2 AS TIMESTAMPTZ)`;
  const overlap =
    (await client.query(`SELECT 1 FROM feature_events WHERE ${window} LIMIT 1`, [isoMs(lo), isoMs(hi)]))
      .rowCount! > 0;
  const { order, unique } = keyOrder(b);
  const chunks = encodeFeatureBatch(b, order);
  if (!overlap && unique) {
    await copyIn(
      client,
      'feature_events (entity_id, feature_id, event_time, ingest_time, value, value_json, write_id)',
      chunks,
    );
    return { inserted: b.length, skipped: 0 };
  }
  await client.query(`CREATE TEMP TABLE fe_stage (
    entity_id INTEGER, feature_id INTEGER, event_time TIMESTAMPTZ, ingest_time TIMESTAMPTZ,
    value DOUBLE PRECISION, value_json JSONB, write_id INTEGER) ON COMMIT DROP`);
  await copyIn(client, 'fe_stage', chunks);
  await client.query('CREATE INDEX ON fe_stage (entity_id, feature_id, event_time, ingest_time)');
  await client.query('ANALYZE fe_stage');
  const inBatch = await client.query(
    `SELECT entity_id, feature_id, event_time, ingest_time FROM fe_stage GROUP BY 1, 2, 3, 4
     HAVING count(DISTINCT (value, CAST(value_json AS TEXT))) > 1 LIMIT 1`,
  );
  if (inBatch.rowCount) throw await conflict(client, inBatch.rows[0]);
  const stored = await client.query(
    `SELECT s.entity_id, s.feature_id, s.event_time, s.ingest_time FROM fe_stage s
     JOIN feature_events e USING (entity_id, feature_id, event_time, ingest_time)
     WHERE s.value IS DISTINCT FROM e.value OR s.value_json IS DISTINCT FROM e.value_json LIMIT 1`,
  );
  if (stored.rowCount) throw await conflict(client, stored.rows[0]);
  // prev: the value known just before (or at) this row's ingest time for the same (entity, feature,
  // event), from stored rows or earlier staged rows. A row equal to it adds nothing.
  const res = await client.query(
    `INSERT INTO feature_events (entity_id, feature_id, event_time, ingest_time, value, value_json, write_id)
     SELECT s.entity_id, s.feature_id, s.event_time, s.ingest_time, s.value, s.value_json, s.write_id
     FROM (SELECT DISTINCT ON (entity_id, feature_id, event_time, ingest_time) * FROM fe_stage) s
     LEFT JOIN LATERAL (
       SELECT p.value, p.value_json, 1 AS found FROM (
         SELECT e.value, e.value_json, e.ingest_time FROM feature_events e
         WHERE e.entity_id = s.entity_id AND e.feature_id = s.feature_id AND e.event_time = s.event_time
           AND e.ingest_time <= s.ingest_time
         UNION ALL
         SELECT t.value, t.value_json, t.ingest_time FROM fe_stage t
         WHERE t.entity_id = s.entity_id AND t.feature_id = s.feature_id AND t.event_time = s.event_time
           AND t.ingest_time < s.ingest_time) p
       ORDER BY p.ingest_time DESC LIMIT 1) prev ON TRUE
     WHERE prev.found IS NULL OR prev.value IS DISTINCT FROM s.value OR prev.value_json IS DISTINCT FROM s.value_json`,
  );
  await client.query('DROP TABLE fe_stage');
  return { inserted: res.rowCount ?? 0, skipped: b.length - (res.rowCount ?? 0) };
}
