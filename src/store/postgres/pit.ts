/**
 * Point-in-time join on PostgreSQL (methods.md §10): the requests are copied (binary COPY) into a
 * temporary table, and each (request, feature) cell takes the first row of a LATERAL index scan on
 * feature_events' primary key (entity, feature, event_time, ingest_time) read backwards, filtered by
 * event_time ≤ as_of and ingest_time ≤ as_of. The answer streams back through binary COPY TO.
 */
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { EncodedPitQuery, PitColumns } from '../engine.ts';
import { BinaryCopyReader, BinaryCopyWriter } from './binary-copy.ts';
import { copyIn } from './bulk.ts';

export async function pointInTimePostgres(client: PoolClient, q: EncodedPitQuery): Promise<PitColumns> {
  const F = q.featureId.length;
  const cells = q.entityId.length * F;
  const out: PitColumns = {
    value: new Float64Array(cells).fill(Number.NaN),
    eventTimeMs: new Float64Array(cells).fill(Number.NaN),
    ingestTimeMs: new Float64Array(cells).fill(Number.NaN),
    json: q.wantJson ? new Array<string | null>(cells).fill(null) : null,
  };
  if (cells === 0) return out;
  await client.query('BEGIN');
  try {
    await client.query(
      'CREATE TEMP TABLE pit_req (req INTEGER, entity_id INTEGER, as_of TIMESTAMPTZ) ON COMMIT DROP',
    );
    const w = new BinaryCopyWriter();
    for (let r = 0; r < q.entityId.length; r++) {
      if (q.entityId[r]! < 0) continue;
      w.tuple(3, 16);
      w.int4(r);
      w.int4(q.entityId[r]!);
      w.timestamp(q.asOfMs[r]!);
    }
    await copyIn(client, 'pit_req', w.finish());
    await client.query('ANALYZE pit_req');
    const features = Array.from(q.featureId, (id, f) => `(${f}, ${id})`).join(', ');
    const sql = `SELECT r.req, f.feat, v.value, ${q.wantJson ? 'CAST(v.value_json AS TEXT)' : 'NULL::TEXT'},
        CAST(extract(epoch FROM v.event_time) * 1000 AS DOUBLE PRECISION),
        CAST(extract(epoch FROM v.ingest_time) * 1000 AS DOUBLE PRECISION)
      FROM pit_req r CROSS JOIN (VALUES ${features}) f(feat, feature_id)
      CROSS JOIN LATERAL (
        SELECT e.value, e.value_json, e.event_time, e.ingest_time FROM feature_events e
        WHERE e.entity_id = r.entity_id AND e.feature_id = f.feature_id
          AND e.event_time <= r.as_of AND e.ingest_time <= r.as_of
        ORDER BY e.event_time DESC, e.ingest_time DESC LIMIT 1) v`;
    const reader = new BinaryCopyReader((fields) => {
      const cell = fields[0]!.readInt32BE(0) * F + fields[1]!.readInt32BE(0);
      out.value[cell] = fields[2] ? fields[2].readDoubleBE(0) : Number.NaN;
      if (out.json && fields[3]) out.json[cell] = fields[3].toString('utf8');
      out.eventTimeMs[cell] = fields[4]!.readDoubleBE(0);
      out.ingestTimeMs[cell] = fields[5]!.readDoubleBE(0);
    });
    const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) reader.push(chunk as Buffer);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
