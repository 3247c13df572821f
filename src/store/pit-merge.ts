/**
 * Point-in-time answers by merging time-sorted runs of events with time-sorted requests (methods.md §10;
 * decision 054). The visible record at as_of is the largest (event_time, ingest_time) among records with
 * event_time ≤ as_of and ingest_time ≤ as_of. That maximum decomposes over any partition of the records,
 * so the events may arrive as any number of segments — maximal stretches of one (entity, feature) series
 * sorted by (event, ingest) — and each segment is folded into the best-so-far cells independently. Within
 * a segment the records with event ≤ as_of form a prefix; the answer is the last record of that prefix
 * whose ingest ≤ as_of (a short backward walk past late arrivals). Requests of one entity are visited in
 * as_of order, so the prefix end only moves forward: O(segment length + requests of the entity).
 *
 * Base kernels: no allocation, no validation. Times are epoch microseconds as doubles (exact below 2^53).
 */

/** Requests grouped by entity and sorted by as_of within each entity. */
export interface RequestIndex {
  /** Request indices ordered by (entity id, as_of); requests with entity id < 0 are left out. */
  readonly order: Int32Array;
  /** as_of in epoch µs, aligned with `order`. */
  readonly asOfUs: Float64Array;
  /** `start[e]..start[e + 1]` is entity id e's range in `order`; length maxEntityId + 2. */
  readonly start: Int32Array;
}

/** Best-so-far record per cell `request * slots + slot`; `event` is −∞ while nothing is visible. */
export interface BestCells {
  readonly slots: number;
  readonly event: Float64Array;
  readonly ingest: Float64Array;
  readonly value: Float64Array;
}

/** Groups requests by entity id (counting sort) after sorting them by as_of (stable within an entity). */
export function indexRequests(entityId: Int32Array, asOfMs: Float64Array): RequestIndex {
  let maxId = -1;
  let n = 0;
  for (let r = 0; r < entityId.length; r++) {
    const e = entityId[r]!;
    if (e >= 0) {
      n++;
      if (e > maxId) maxId = e;
    }
  }
  const byTime = new Int32Array(n);
  for (let r = 0, k = 0; r < entityId.length; r++) if (entityId[r]! >= 0) byTime[k++] = r;
  byTime.sort((a, b) => asOfMs[a]! - asOfMs[b]! || a - b);
  const start = new Int32Array(maxId + 2);
  for (let k = 0; k < n; k++) start[entityId[byTime[k]!]! + 1]!++;
  for (let e = 1; e < start.length; e++) start[e]! += start[e - 1]!;
  const next = start.slice(0, maxId + 1);
  const order = new Int32Array(n);
  const asOfUs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = byTime[k]!;
    const at = next[entityId[r]!]!++;
    order[at] = r;
    asOfUs[at] = asOfMs[r]! * 1000;
  }
  return { order, asOfUs, start };
}

export function createBestCells(requests: number, slots: number): BestCells {
  return {
    slots,
    event: new Float64Array(requests * slots).fill(Number.NEGATIVE_INFINITY),
    ingest: new Float64Array(requests * slots).fill(Number.NEGATIVE_INFINITY),
    value: new Float64Array(requests * slots).fill(Number.NaN),
  };
}

/**
 * Folds segment rows `from..to` (one series, sorted by (event, ingest)) into the cells of feature `slot`
 * for the requests at positions `lo..hi` of `req` (one entity, ascending as_of).
 */
export function foldSegment(
  event: Float64Array,
  ingest: Float64Array,
  value: Float64Array,
  from: number,
  to: number,
  req: RequestIndex,
  lo: number,
  hi: number,
  slot: number,
  best: BestCells,
): void {
  let p = from;
  for (let k = lo; k < hi; k++) {
    const asOf = req.asOfUs[k]!;
    while (p < to && event[p]! <= asOf) p++;
    let j = p - 1;
    while (j >= from && ingest[j]! > asOf) j--;
    if (j < from) continue;
    const cell = req.order[k]! * best.slots + slot;
    const ev = event[j]!;
    const be = best.event[cell]!;
    if (ev > be || (ev === be && ingest[j]! > best.ingest[cell]!)) {
      best.event[cell] = ev;
      best.ingest[cell] = ingest[j]!;
      best.value[cell] = value[j]!;
    }
  }
}
