/**
 * Point-in-time join on DuckDB without a sort (decision 054). The loader appends every batch in key order
 * (entity, feature, event, ingest), so feature_events is a sequence of sorted runs; one streaming scan
 * cuts it into segments (one series, (event, ingest) non-decreasing) and folds each into the answer with
 * store/pit-merge.ts. Correctness never depends on the physical order — any order is cut into valid
 * segments — only the speed does: when the segments get so short that the merge would do far more work
 * than the rows scanned (a table written before decision 054, or an unusual write pattern), the scan
 * gives up and returns null so the caller can use the ASOF join of duckdb/pit.ts instead.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { type EncodedPitQuery, isoMs, type PitColumns } from '../engine.ts';
import {
  type BestCells,
  createBestCells,
  foldSegment,
  indexRequests,
  type RequestIndex,
} from '../pit-merge.ts';
import { CHUNK_ROWS, columnBytes, columnValidity, isValid } from './chunks.ts';

/** Merge work allowed per row scanned (plus a fixed allowance) before falling back to the ASOF join. */
const WORK_PER_ROW = 8;
const WORK_ALLOWANCE = 1 << 22;

function int32s(bytes: Uint8Array): Int32Array {
  return bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2)
    : new Int32Array(bytes.slice().buffer);
}

function float64s(bytes: Uint8Array): Float64Array {
  return bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 3)
    : new Float64Array(bytes.slice().buffer);
}

/** One series' rows of the current segment, growing as needed. */
class SegmentBuffer {
  event = new Float64Array(1024);
  ingest = new Float64Array(1024);
  value = new Float64Array(1024);
  length = 0;
  push(ev: number, ing: number, v: number): void {
    if (this.length === this.event.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.event = grow(this.event);
      this.ingest = grow(this.ingest);
      this.value = grow(this.value);
    }
    this.event[this.length] = ev;
    this.ingest[this.length] = ing;
    this.value[this.length++] = v;
  }
}

/** The answer, or null when the table is too fragmented for the merge to pay off. */
export async function pointInTimeByMerge(
  conn: DuckDBConnection,
  q: EncodedPitQuery,
  limits: { readonly workPerRow: number; readonly allowance: number } = {
    workPerRow: WORK_PER_ROW,
    allowance: WORK_ALLOWANCE,
  },
): Promise<PitColumns | null> {
  const F = q.featureId.length;
  const R = q.entityId.length;
  const unique = [...new Set(q.featureId)];
  const slotOf = new Map(unique.map((id, s) => [id, s]));
  // Feature ids come from a sequence, so a dense table beats a Map lookup per scanned row.
  const slotById = new Int32Array(Math.max(...unique) + 1).fill(-1);
  unique.forEach((id, s) => {
    slotById[id] = s;
  });
  const req: RequestIndex = indexRequests(q.entityId, q.asOfMs);
  const best: BestCells = createBestCells(R, unique.length);
  if (req.order.length > 0) {
    let minEntity = 2147483647;
    let maxAsOf = Number.NEGATIVE_INFINITY;
    for (let e = 0; e < req.start.length - 1; e++) {
      if (req.start[e + 1]! > req.start[e]!) {
        minEntity = e;
        break;
      }
    }
    for (let r = 0; r < R; r++) if (q.entityId[r]! >= 0) maxAsOf = Math.max(maxAsOf, q.asOfMs[r]!);
    // Zone-map prefilters only (a millisecond of slack for sub-ms instants); the merge applies the rule.
    const result = await conn.stream(
      `SELECT entity_id, feature_id, event_time, ingest_time, value FROM feature_events
       WHERE feature_id IN (${unique.join(', ')})
         AND entity_id BETWEEN ${minEntity} AND ${req.start.length - 2}
         AND event_time <= CAST('${isoMs(Math.floor(maxAsOf) + 1)}' AS TIMESTAMPTZ)`,
    );
    const seg = new SegmentBuffer();
    let segEntity = -1;
    let segSlot = -1;
    let rows = 0;
    let work = 0;
    const fold = (
      event: Float64Array,
      ingest: Float64Array,
      value: Float64Array,
      from: number,
      to: number,
      entity: number,
      slot: number,
    ) => {
      const lo = entity + 1 < req.start.length ? req.start[entity]! : 0;
      const hi = entity + 1 < req.start.length ? req.start[entity + 1]! : 0;
      if (hi > lo) {
        foldSegment(event, ingest, value, from, to, req, lo, hi, slot, best);
        work += to - from + (hi - lo);
      }
    };
    const flush = () => {
      if (seg.length > 0) fold(seg.event, seg.ingest, seg.value, 0, seg.length, segEntity, segSlot);
      seg.length = 0;
    };
    const ev = new Float64Array(CHUNK_ROWS);
    const ing = new Float64Array(CHUNK_ROWS);
    const val = new Float64Array(CHUNK_ROWS);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      const ent = int32s(columnBytes(chunk, 0, 4));
      const feat = int32s(columnBytes(chunk, 1, 4));
      const evRaw = int32s(columnBytes(chunk, 2, 8));
      const ingRaw = int32s(columnBytes(chunk, 3, 8));
      // TIMESTAMPTZ is int64 µs: low word unsigned plus high word · 2^32.
      for (let k = 0; k < n; k++) {
        ev[k] = (evRaw[2 * k]! >>> 0) + evRaw[2 * k + 1]! * 4294967296;
        ing[k] = (ingRaw[2 * k]! >>> 0) + ingRaw[2 * k + 1]! * 4294967296;
      }
      val.set(float64s(columnBytes(chunk, 4, 8)).subarray(0, n));
      const valMask = columnValidity(chunk, 4);
      if (valMask) for (let k = 0; k < n; k++) if (!isValid(valMask, k)) val[k] = Number.NaN;
      // Cut the chunk into segments; a segment that starts at its first row may continue the buffered
      // one, a segment that ends at its last row may continue into the next chunk: both go through the buffer.
      for (let k = 0; k < n; ) {
        const entity = ent[k]!;
        const fid = feat[k]!;
        let j = k + 1;
        while (
          j < n &&
          ent[j] === entity &&
          feat[j] === fid &&
          (ev[j]! > ev[j - 1]! || (ev[j] === ev[j - 1] && ing[j]! >= ing[j - 1]!))
        )
          j++;
        const slot = slotById[fid]!;
        if (k === 0 && seg.length > 0) {
          const last = seg.length - 1;
          const continues =
            entity === segEntity &&
            slot === segSlot &&
            (ev[0]! > seg.event[last]! || (ev[0] === seg.event[last] && ing[0]! >= seg.ingest[last]!));
          if (!continues) flush();
        }
        if (j === n || seg.length > 0) {
          segEntity = entity;
          segSlot = slot;
          for (let m = k; m < j; m++) seg.push(ev[m]!, ing[m]!, val[m]!);
          if (j < n) flush();
        } else fold(ev, ing, val, k, j, entity, slot);
        k = j;
      }
      rows += n;
      if (work > limits.workPerRow * rows + limits.allowance) return null;
    }
    flush();
  }
  const cells = R * F;
  const out: PitColumns = {
    value: new Float64Array(cells).fill(Number.NaN),
    eventTimeMs: new Float64Array(cells).fill(Number.NaN),
    ingestTimeMs: new Float64Array(cells).fill(Number.NaN),
    json: null,
  };
  const U = unique.length;
  const slots = Int32Array.from(q.featureId, (id) => slotOf.get(id)!);
  for (let r = 0; r < R; r++) {
    for (let f = 0; f < F; f++) {
      const b = r * U + slots[f]!;
      const et = best.event[b]!;
      if (et === Number.NEGATIVE_INFINITY) continue;
      const c = r * F + f;
      out.value[c] = best.value[b]!;
      // epoch_ms of a timestamp truncates µs toward zero; the ASOF path reports the same.
      out.eventTimeMs[c] = Math.trunc(et / 1000);
      out.ingestTimeMs[c] = Math.trunc(best.ingest[b]! / 1000);
    }
  }
  return out;
}
