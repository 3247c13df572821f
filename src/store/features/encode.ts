/**
 * Validation and dictionary encoding of feature writes. Bad input is refused with the row, entity and
 * feature named: a non-finite double, a timestamp without a zone (core/calendar.ts parseInstant), an
 * unknown feature version, an ingest time before the event time for a feature that cannot know its value
 * in advance.
 */
import { parseInstant } from '../../core/calendar.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { FeatureDef, FeatureFrame, FeatureWrite, WriteOptions } from './types.ts';

/** Rows in their final form before entity ids are known. */
export interface PreparedBatch {
  readonly length: number;
  readonly entityKeys: readonly string[];
  readonly entityIndex: Int32Array;
  readonly featureId: Int32Array;
  readonly eventTimeMs: Float64Array;
  readonly ingestTimeMs: Float64Array;
  readonly value: Float64Array;
  readonly json: (string | null)[] | null;
}

export function toInstant(v: number | string, what: string, row: number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new InvalidInputError(`${what} must be a finite epoch-ms instant, got ${v}`, { where: { row } });
    return v;
  }
  try {
    return parseInstant(v);
  } catch (cause) {
    throw new InvalidInputError(`${what}: ${(cause as Error).message}`, { where: { row }, cause });
  }
}

function checkLag(options: WriteOptions): number | undefined {
  const lag = options.availabilityLagMs;
  if (lag !== undefined && !(Number.isFinite(lag) && lag >= 0)) {
    throw new InvalidInputError(`availability lag must be a finite number of milliseconds ≥ 0, got ${lag}`);
  }
  return lag;
}

function checkIngest(def: FeatureDef, eventMs: number, ingestMs: number, row: number, entity: string): void {
  if (ingestMs < eventMs && !def.allowEarlyIngest) {
    throw new InvalidInputError(
      `ingest time ${new Date(ingestMs).toISOString()} is before event time ${new Date(eventMs).toISOString()} for feature '${def.name}' v${def.version}, which cannot be known in advance`,
      { where: { row, ticker: entity, field: def.name } },
    );
  }
}

/** Validates row-form writes; `defs[k]` is the resolved definition of rows[k]. */
export function prepareRows(
  rows: readonly FeatureWrite[],
  defs: readonly FeatureDef[],
  options: WriteOptions,
): PreparedBatch {
  const n = rows.length;
  const lag = checkLag(options);
  const now = options.now ?? Date.now();
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const entityIndex = new Int32Array(n);
  const featureId = new Int32Array(n);
  const eventTimeMs = new Float64Array(n);
  const ingestTimeMs = new Float64Array(n);
  const value = new Float64Array(n);
  const anyJson = defs.some((d) => d.valueType === 'json');
  const json = anyJson ? new Array<string | null>(n).fill(null) : null;
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    const def = defs[k]!;
    if (typeof r.entity !== 'string' || r.entity.length === 0) {
      throw new InvalidInputError(`entity key must be a non-empty string`, {
        where: { row: k, field: def.name },
      });
    }
    const ev = toInstant(r.eventTime, 'event time', k);
    const ing =
      r.ingestTime !== undefined
        ? toInstant(r.ingestTime, 'ingest time', k)
        : lag !== undefined
          ? ev + lag
          : now;
    checkIngest(def, ev, ing, k, r.entity);
    if (def.valueType === 'double') {
      if (typeof r.value !== 'number' || !Number.isFinite(r.value)) {
        throw new InvalidInputError(
          `feature '${def.name}' holds doubles; got ${JSON.stringify(r.value) ?? String(r.value)}`,
          {
            where: { row: k, ticker: r.entity, field: def.name },
          },
        );
      }
      value[k] = r.value;
    } else {
      const text = JSON.stringify(r.value);
      if (text === undefined) {
        throw new InvalidInputError(`feature '${def.name}' holds JSON; the value is not serialisable`, {
          where: { row: k, ticker: r.entity, field: def.name },
        });
      }
      value[k] = Number.NaN;
      json![k] = text;
    }
    let e = keyIndex.get(r.entity);
    if (e === undefined) {
      e = keys.length;
      keys.push(r.entity);
      keyIndex.set(r.entity, e);
    }
    entityIndex[k] = e;
    featureId[k] = def.id;
    eventTimeMs[k] = ev;
    ingestTimeMs[k] = ing;
  }
  return { length: n, entityKeys: keys, entityIndex, featureId, eventTimeMs, ingestTimeMs, value, json };
}

/**
 * Validates a frame and lays it out row-major (row, then features by ascending id) so that a frame sorted
 * by (event time, entity) yields strictly increasing keys and takes the loader's direct-append path.
 */
export function prepareFrame(
  frame: FeatureFrame,
  defs: readonly FeatureDef[],
  options: WriteOptions,
): PreparedBatch {
  const n = frame.eventTimeMs.length;
  const F = defs.length;
  if (frame.entityIndex.length !== n) {
    throw new InvalidInputError(`frame has ${n} event times but ${frame.entityIndex.length} entity indices`);
  }
  if (frame.ingestTimeMs && frame.ingestTimeMs.length !== n) {
    throw new InvalidInputError(`frame has ${n} event times but ${frame.ingestTimeMs.length} ingest times`);
  }
  if (frame.values.length !== F)
    throw new InvalidInputError(`frame names ${F} features but has ${frame.values.length} value columns`);
  const order = defs.map((_, f) => f).sort((a, b) => defs[a]!.id - defs[b]!.id);
  for (let f = 0; f < F; f++) {
    const def = defs[f]!;
    if (def.valueType !== 'double')
      throw new InvalidInputError(`frames carry doubles; feature '${def.name}' holds JSON`);
    if (frame.values[f]!.length !== n) {
      throw new InvalidInputError(
        `value column of '${def.name}' has ${frame.values[f]!.length} rows, expected ${n}`,
      );
    }
  }
  const lag = checkLag(options);
  const now = options.now ?? Date.now();
  let count = 0;
  for (let f = 0; f < F; f++) {
    const col = frame.values[f]!;
    for (let r = 0; r < n; r++) {
      const v = col[r]!;
      if (!Number.isNaN(v)) {
        if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
          throw new InvalidInputError(`feature '${defs[f]!.name}' holds finite doubles; got ${v}`, {
            where: { row: r, ticker: frame.entities[frame.entityIndex[r]!], field: defs[f]!.name },
          });
        }
        count++;
      }
    }
  }
  const entityIndex = new Int32Array(count);
  const featureId = new Int32Array(count);
  const eventTimeMs = new Float64Array(count);
  const ingestTimeMs = new Float64Array(count);
  const value = new Float64Array(count);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const e = frame.entityIndex[r]!;
    if (!(e >= 0 && e < frame.entities.length))
      throw new InvalidInputError(`entity index ${e} is out of range`, { where: { row: r } });
    const ev = frame.eventTimeMs[r]!;
    if (!Number.isFinite(ev))
      throw new InvalidInputError(`event time must be finite, got ${ev}`, { where: { row: r } });
    const ing = frame.ingestTimeMs ? frame.ingestTimeMs[r]! : lag !== undefined ? ev + lag : now;
    if (!Number.isFinite(ing))
      throw new InvalidInputError(`ingest time must be finite, got ${ing}`, { where: { row: r } });
    for (let j = 0; j < F; j++) {
      const f = order[j]!;
      const v = frame.values[f]![r]!;
      if (Number.isNaN(v)) continue;
      checkIngest(defs[f]!, ev, ing, r, frame.entities[e]!);
      entityIndex[k] = e;
      featureId[k] = defs[f]!.id;
      eventTimeMs[k] = ev;
      ingestTimeMs[k] = ing;
      value[k] = v;
      k++;
    }
  }
  return {
    length: count,
    entityKeys: frame.entities,
    entityIndex,
    featureId,
    eventTimeMs,
    ingestTimeMs,
    value,
    json: null,
  };
}
