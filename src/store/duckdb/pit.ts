/**
 * Point-in-time join on DuckDB (methods.md §10). Double features go through the sort-free merge of
 * duckdb/pit-scan.ts (decision 054); this file keeps the ASOF formulation for JSON features and for
 * tables too fragmented to merge. The visible record at as_of is the largest
 * (event_time, ingest_time) among records with event_time ≤ as_of and ingest_time ≤ as_of. DuckDB's ASOF
 * JOIN takes one inequality, so each record gets the 128-bit key k = event_µs·2⁶⁴ + ingest_µs, whose order
 * is the lexicographic (event, ingest) order, and the join asks for the largest k below a bound
 * (initially (as_of, as_of) inclusive). That candidate satisfies event ≤ as_of; if also ingest ≤ as_of it
 * is the answer (it is the maximum of a superset of the visible set). Otherwise the bound drops to the
 * candidate's key and the join repeats for those cells only; late arrivals are rare, so one or two rounds
 * settle nearly every cell, and after MAX_ROUNDS an exact grouped join settles the rest.
 *
 * Features that were never restated (no two rows share (entity, event_time); the loader records the
 * others in feature_restatements) have unique event times per series, so for them the join runs on
 * event_time itself: sorting 8-byte timestamps instead of 16-byte keys costs about 40 % less CPU.
 */
import { type DuckDBConnection, DuckDBDataChunk, INTEGER, TIMESTAMPTZ } from '@duckdb/node-api';
import { type EncodedPitQuery, type PitColumns, writeMicros } from '../engine.ts';
import { CHUNK_ROWS, copyColumn, readDoubles, readInts, readVarchars } from './chunks.ts';
import { pointInTimeByMerge } from './pit-scan.ts';

const MAX_ROUNDS = 4;
const KEY = (e: string, i: string) =>
  `(CAST(epoch_us(${e}) AS HUGEINT) * 18446744073709551616 + epoch_us(${i}))`;

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0]![0]);
}

async function loadRequests(conn: DuckDBConnection, q: EncodedPitQuery): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE pit_req (req INTEGER, entity_id INTEGER, as_of TIMESTAMPTZ)');
  const appender = await conn.createAppender('pit_req', 'main', 'temp');
  try {
    const chunk = DuckDBDataChunk.create([INTEGER, INTEGER, TIMESTAMPTZ], CHUNK_ROWS);
    const req = new Int32Array(CHUNK_ROWS);
    const ent = new Int32Array(CHUNK_ROWS);
    const asOf = new Int32Array(2 * CHUNK_ROWS);
    let rows = 0;
    const flush = () => {
      chunk.rowCount = rows;
      copyColumn(chunk, 0, req, 0, rows * 4);
      copyColumn(chunk, 1, ent, 0, rows * 4);
      copyColumn(chunk, 2, asOf, 0, rows * 8);
      appender.appendDataChunk(chunk);
      chunk.reset();
      rows = 0;
    };
    for (let r = 0; r < q.entityId.length; r++) {
      if (q.entityId[r]! < 0) continue; // unknown entity: every cell stays missing
      req[rows] = r;
      ent[rows] = q.entityId[r]!;
      writeMicros(asOf, rows, q.asOfMs[r]!);
      if (++rows === CHUNK_ROWS) flush();
    }
    if (rows > 0) flush();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

async function settle(
  conn: DuckDBConnection,
  featureValues: string,
  featureIds: string,
  keyed: boolean,
  wantJson: boolean,
): Promise<void> {
  const bound = keyed ? `${KEY('r.as_of', 'r.as_of')} + 1` : `r.as_of + INTERVAL 1 MICROSECOND`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE pit_q AS
     SELECT r.req, f.feat, r.entity_id, f.feature_id, r.as_of, ${bound} AS bound
     FROM pit_req r CROSS JOIN (VALUES ${featureValues}) f(feat, feature_id)`,
  );
  // The sort payload is kept narrow: the plain path joins on event_time itself, and value_json only
  // travels when a JSON feature was asked for.
  const json = wantJson ? ', value_json' : '';
  const events = keyed
    ? `SELECT entity_id, feature_id, ${KEY('event_time', 'ingest_time')} AS k, event_time, ingest_time, value${json}
       FROM feature_events WHERE feature_id IN (${featureIds})`
    : `SELECT entity_id, feature_id, event_time AS k, ingest_time, value${json}
       FROM feature_events WHERE feature_id IN (${featureIds})`;
  const eventTime = keyed ? 'e.event_time' : 'e.k AS event_time';
  const valueJson = wantJson ? 'e.value_json' : 'CAST(NULL AS VARCHAR) AS value_json';
  const settled =
    'SELECT req, feat, value, value_json, CAST(epoch_ms(event_time) AS DOUBLE), CAST(epoch_ms(ingest_time) AS DOUBLE)';
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE pit_c AS
       SELECT q.req, q.feat, q.entity_id, q.feature_id, q.as_of, e.k, ${eventTime}, e.ingest_time, e.value, ${valueJson}
       FROM pit_q q ASOF JOIN (${events}) e
         ON q.entity_id = e.entity_id AND q.feature_id = e.feature_id AND q.bound > e.k`,
    );
    await conn.run(`INSERT INTO pit_ans ${settled} FROM pit_c WHERE ingest_time <= as_of`);
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE pit_q AS SELECT req, feat, entity_id, feature_id, as_of, k AS bound
       FROM pit_c WHERE ingest_time > as_of`,
    );
    if ((await count(conn, 'SELECT count(*) FROM pit_q')) === 0) return;
  }
  // Whatever is left after MAX_ROUNDS (long runs of late arrivals) is settled exactly.
  await conn.run(
    `INSERT INTO pit_ans
     SELECT req, feat, b.value, b.value_json, CAST(epoch_ms(b.event_time) AS DOUBLE), CAST(epoch_ms(b.ingest_time) AS DOUBLE)
     FROM (SELECT q.req, q.feat,
                  max(struct_pack(event_time := e.event_time, ingest_time := e.ingest_time, value := e.value, value_json := e.value_json)) AS b
           FROM pit_q q JOIN feature_events e
             ON e.entity_id = q.entity_id AND e.feature_id = q.feature_id
            AND e.event_time <= q.as_of AND e.ingest_time <= q.as_of
           GROUP BY q.req, q.feat)`,
  );
}

/**
 * The engine's point-in-time join: the sort-free merge over the key-ordered runs (duckdb/pit-scan.ts) for
 * double features, the ASOF join below for JSON features or when the table is too fragmented to merge.
 */
export async function pointInTimeDuckDb(conn: DuckDBConnection, q: EncodedPitQuery): Promise<PitColumns> {
  if (!q.wantJson && q.entityId.length * q.featureId.length > 0) {
    const merged = await pointInTimeByMerge(conn, q);
    if (merged) return merged;
  }
  return pointInTimeAsof(conn, q);
}

/** The ASOF-join formulation (decision 052); sorts the requested features' events on every call. */
export async function pointInTimeAsof(conn: DuckDBConnection, q: EncodedPitQuery): Promise<PitColumns> {
  const F = q.featureId.length;
  const cells = q.entityId.length * F;
  const out: PitColumns = {
    value: new Float64Array(cells).fill(Number.NaN),
    eventTimeMs: new Float64Array(cells).fill(Number.NaN),
    ingestTimeMs: new Float64Array(cells).fill(Number.NaN),
    json: q.wantJson ? new Array<string | null>(cells).fill(null) : null,
  };
  if (cells === 0) return out;
  const restated = new Set(
    (
      await conn.runAndReadAll(
        `SELECT feature_id FROM feature_restatements WHERE feature_id IN (${Array.from(q.featureId).join(', ')})`,
      )
    )
      .getRows()
      .map((r) => Number(r[0])),
  );
  try {
    await loadRequests(conn, q);
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE pit_ans (req INTEGER, feat INTEGER, value DOUBLE, value_json VARCHAR, et DOUBLE, it DOUBLE)',
    );
    for (const keyed of [false, true]) {
      const feats = Array.from(q.featureId, (id, f) => ({ id, f })).filter(
        (x) => restated.has(x.id) === keyed,
      );
      if (feats.length === 0) continue;
      const values = feats.map((x) => `(${x.f}, ${x.id})`).join(', ');
      await settle(conn, values, feats.map((x) => x.id).join(', '), keyed, q.wantJson);
    }
    const result = await conn.run('SELECT req, feat, value, value_json, et, it FROM pit_ans');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const req = readInts(chunk, 0);
      const feat = readInts(chunk, 1);
      const value = readDoubles(chunk, 2);
      const json = out.json ? readVarchars(chunk, 3) : null;
      const et = readDoubles(chunk, 4);
      const it = readDoubles(chunk, 5);
      for (let k = 0; k < chunk.rowCount; k++) {
        const cell = req[k]! * F + feat[k]!;
        out.value[cell] = value[k]!;
        out.eventTimeMs[cell] = et[k]!;
        out.ingestTimeMs[cell] = it[k]!;
        if (out.json && json) out.json[cell] = json[k] ?? null;
      }
    }
    return out;
  } finally {
    await conn
      .run(
        'DROP TABLE IF EXISTS pit_req; DROP TABLE IF EXISTS pit_q; DROP TABLE IF EXISTS pit_c; DROP TABLE IF EXISTS pit_ans',
      )
      .catch(() => undefined);
  }
}
