/**
 * Bitemporal point-in-time feature store (methods.md §10; seed 004 with its defects fixed).
 *
 * feature_events is keyed by (entity, feature, version, event_time, ingest_time): a restatement is a new
 * row, history is never overwritten. Every batch is one transaction and records its producer, producer
 * version and run id (feature_writes, referenced by every row). Writes are idempotent: a row whose value
 * equals what the store already knew for its (entity, feature, event time) at its ingest time is skipped,
 * so re-writing the same rows changes nothing; a different value under an identical key is a ConflictError.
 *
 * PIT rule: the value visible at as_of is the record with event_time ≤ as_of and ingest_time ≤ as_of that
 * has the largest event_time, ties to the largest ingest_time.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { EncodedFeatureBatch, StoreEngine } from '../engine.ts';
import { type DefineFeatureOptions, FeatureCatalog } from './catalog.ts';
import { type PreparedBatch, prepareFrame, prepareRows, toInstant } from './encode.ts';
import type {
  FeatureDef,
  FeatureFrame,
  FeatureSpec,
  FeatureValue,
  FeatureWrite,
  JsonValue,
  PitRequest,
  PitRequestColumns,
  PointInTimeResult,
  WriteOptions,
  WriteResult,
} from './types.ts';

/** getLatest's first look-back window (see getLatest). */
const LATEST_WINDOW_MS = 7 * 86_400_000;

export interface ReadOptions {
  /** Point in time (epoch ms or ISO text with a zone); defaults to now. */
  readonly asOf?: number | string;
  /** Feature version for specs that name none; defaults to each feature's newest version. */
  readonly version?: number;
}

function checkProducer(options: WriteOptions): void {
  if (typeof options.producer !== 'string' || options.producer.length === 0) {
    throw new InvalidInputError('every feature write names its producer (e.g. momentum_job)');
  }
}

export class FeatureStore {
  readonly catalog: FeatureCatalog;

  constructor(private readonly engine: StoreEngine) {
    this.catalog = new FeatureCatalog(engine);
  }

  /** Registers a feature (name, version, value type); writes to undefined features are refused. */
  defineFeature(name: string, options: DefineFeatureOptions = {}): Promise<FeatureDef> {
    return this.catalog.define(name, options);
  }

  listFeatures(): Promise<FeatureDef[]> {
    return this.catalog.list();
  }

  /** Writes rows in one transaction. */
  async writeFeatures(rows: readonly FeatureWrite[], options: WriteOptions): Promise<WriteResult> {
    checkProducer(options);
    const defs: FeatureDef[] = [];
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      defs.push(
        await this.catalog.resolve(
          r.version === undefined ? r.feature : { name: r.feature, version: r.version },
          options.version,
        ),
      );
    }
    return this.commit(prepareRows(rows, defs, options), options);
  }

  /** Writes a columnar frame of double features in one transaction (the fast path for large backfills). */
  async writeFeatureFrame(frame: FeatureFrame, options: WriteOptions): Promise<WriteResult> {
    checkProducer(options);
    const defs = await this.catalog.resolveAll(frame.features, options.version);
    return this.commit(prepareFrame(frame, defs, options), options);
  }

  private async commit(p: PreparedBatch, options: WriteOptions): Promise<WriteResult> {
    let publish = () => {};
    const result = await this.engine.transaction(async (tx) => {
      const [w] = await tx.query<{ write_id: number }>(
        `INSERT INTO feature_writes (producer, producer_version, run_id, loaded_at)
         VALUES ($1, $2, $3, CAST($4 AS TIMESTAMPTZ)) RETURNING write_id`,
        [options.producer, options.producerVersion ?? null, options.runId ?? null, new Date().toISOString()],
      );
      const writeId = Number(w!.write_id);
      const { ids, commit } = await this.catalog.ensureEntities(tx, p.entityKeys);
      publish = commit;
      const entityId = new Int32Array(p.length);
      for (let k = 0; k < p.length; k++) entityId[k] = ids[p.entityIndex[k]!]!;
      const batch: EncodedFeatureBatch = {
        length: p.length,
        entityId,
        featureId: p.featureId,
        eventTimeMs: p.eventTimeMs,
        ingestTimeMs: p.ingestTimeMs,
        value: p.value,
        json: p.json,
        writeId,
      };
      const r = await this.engine.loadFeatureEvents(tx, batch);
      await tx.query('UPDATE feature_writes SET rows_inserted = $1, rows_skipped = $2 WHERE write_id = $3', [
        r.inserted,
        r.skipped,
        writeId,
      ]);
      return { writeId, inserted: r.inserted, skipped: r.skipped };
    });
    publish();
    return result;
  }

  /**
   * The latest visible value of each feature for one entity at `asOf` (default now). Features without a
   * visible value are absent from the map. With `features` omitted, every defined feature (newest version,
   * or `version`) is considered.
   */
  async getLatest(
    entity: string,
    features?: readonly FeatureSpec[],
    options: ReadOptions = {},
  ): Promise<Map<string, FeatureValue>> {
    const defs = features
      ? await this.catalog.resolveAll(features, options.version)
      : latestVersions(await this.catalog.list(), options.version);
    const out = new Map<string, FeatureValue>();
    if (defs.length === 0) return out;
    const asOf = options.asOf === undefined ? Date.now() : toInstant(options.asOf, 'as_of', 0);
    const [entityId] = await this.catalog.lookupEntities([entity]);
    if (entityId! < 0) return out;
    // First look back a week only: event_time zone maps prune almost every row group, and a value found
    // there is the answer (anything outside has a smaller event_time). Features with nothing visible in
    // the week (sparse ones: fundamentals, filings) are then looked up without the bound.
    const ids = defs.map((x) => x.id);
    const rows = await this.latestRows(entityId!, ids, asOf, asOf - LATEST_WINDOW_MS);
    const found = new Set(rows.map((r) => Number(r.feature_id)));
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length) rows.push(...(await this.latestRows(entityId!, rest, asOf, null)));
    for (const r of rows) {
      const def = defs.find((x) => x.id === Number(r.feature_id))!;
      out.set(def.name, {
        entity,
        feature: def.name,
        version: def.version,
        eventTimeMs: Number(r.et),
        ingestTimeMs: Number(r.it),
        value:
          def.valueType === 'json'
            ? (JSON.parse(String(r.value_json)) as JsonValue)
            : r.value === null
              ? Number.NaN // a NULL double is "no value", as in getPointInTime — never 0
              : Number(r.value),
      });
    }
    return out;
  }

  private latestRows(entityId: number, featureIds: readonly number[], asOf: number, from: number | null) {
    const d = this.engine.dialect;
    const params: (number | string)[] = [entityId, new Date(asOf).toISOString()];
    if (from !== null) params.push(new Date(from).toISOString());
    return this.engine.query<{
      feature_id: number;
      value: number | null;
      value_json: string | null;
      et: number;
      it: number;
    }>(
      `SELECT feature_id, value, ${d.jsonText('value_json')} AS value_json, ${d.msOf('event_time')} AS et, ${d.msOf('ingest_time')} AS it
       FROM (SELECT feature_id, value, value_json, event_time, ingest_time,
                    row_number() OVER (PARTITION BY feature_id ORDER BY event_time DESC, ingest_time DESC) AS rn
             FROM feature_events
             WHERE entity_id = $1 AND feature_id IN (${featureIds.join(', ')})
               AND event_time <= CAST($2 AS TIMESTAMPTZ) AND ingest_time <= CAST($2 AS TIMESTAMPTZ)
               ${from === null ? '' : 'AND event_time > CAST($3 AS TIMESTAMPTZ)'}) t
       WHERE rn = 1`,
      params,
    );
  }

  /**
   * Point-in-time values for many (entity, as_of) requests: exactly one cell per (request, feature), in
   * request order then feature order. Requests travel to the database through the bulk path into a
   * temporary table and are answered with one join (ASOF on DuckDB, LATERAL on PostgreSQL).
   */
  async getPointInTime(
    requests: readonly PitRequest[] | PitRequestColumns,
    features: readonly FeatureSpec[],
    options: { readonly version?: number } = {},
  ): Promise<PointInTimeResult> {
    const defs = await this.catalog.resolveAll(features, options.version);
    let keys: readonly string[];
    let entityIndex: Int32Array;
    let asOfMs: Float64Array;
    if ('asOfMs' in requests) {
      keys = requests.entities;
      entityIndex = requests.entityIndex;
      asOfMs = requests.asOfMs;
      if (entityIndex.length !== asOfMs.length) {
        throw new InvalidInputError(
          `requests have ${entityIndex.length} entities but ${asOfMs.length} as-of times`,
        );
      }
      for (let r = 0; r < asOfMs.length; r++) {
        if (!Number.isFinite(asOfMs[r]!))
          throw new InvalidInputError(`as_of must be finite, got ${asOfMs[r]}`, { where: { row: r } });
        const e = entityIndex[r]!;
        if (!(e >= 0 && e < keys.length))
          throw new InvalidInputError(`entity index ${e} is out of range`, { where: { row: r } });
      }
    } else {
      const index = new Map<string, number>();
      const list: string[] = [];
      entityIndex = new Int32Array(requests.length);
      asOfMs = new Float64Array(requests.length);
      requests.forEach((q, r) => {
        let e = index.get(q.entity);
        if (e === undefined) {
          e = list.length;
          list.push(q.entity);
          index.set(q.entity, e);
        }
        entityIndex[r] = e;
        asOfMs[r] = toInstant(q.asOf, 'as_of', r);
      });
      keys = list;
    }
    const ids = await this.catalog.lookupEntities(keys);
    const entityId = Int32Array.from(entityIndex, (e) => ids[e]!);
    const wantJson = defs.some((d) => d.valueType === 'json');
    const cols = await this.engine.pointInTime({
      entityId,
      asOfMs,
      featureId: Int32Array.from(defs, (d) => d.id),
      wantJson,
    });
    return {
      requestCount: entityId.length,
      features: defs,
      value: cols.value,
      eventTimeMs: cols.eventTimeMs,
      ingestTimeMs: cols.ingestTimeMs,
      json: cols.json ? cols.json.map((t) => (t === null ? null : (JSON.parse(t) as JsonValue))) : null,
    };
  }
}

/** Per feature name, the definition of `version`, or the newest when undefined (getLatest without features). */
export function latestVersions(defs: readonly FeatureDef[], version: number | undefined): FeatureDef[] {
  const byName = new Map<string, FeatureDef>();
  for (const d of defs) {
    if (version !== undefined) {
      if (d.version === version) byName.set(d.name, d);
    } else if ((byName.get(d.name)?.version ?? 0) < d.version) byName.set(d.name, d);
  }
  return [...byName.values()];
}

/** The cell of a point-in-time result as a FeatureValue, or null when nothing was visible. */
export function pitCell(
  result: PointInTimeResult,
  entity: string,
  request: number,
  feature: number,
): FeatureValue | null {
  const F = result.features.length;
  const c = request * F + feature;
  const def = result.features[feature]!;
  const et = result.eventTimeMs[c]!;
  if (Number.isNaN(et)) return null;
  return {
    entity,
    feature: def.name,
    version: def.version,
    eventTimeMs: et,
    ingestTimeMs: result.ingestTimeMs[c]!,
    value: def.valueType === 'json' ? (result.json?.[c] ?? null) : result.value[c]!,
  };
}
