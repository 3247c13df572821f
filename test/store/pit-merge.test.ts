/**
 * The sort-free point-in-time merge (src/store/pit-merge.ts, src/store/duckdb/pit-scan.ts; decision 054)
 * against the brute-force rule of methods.md §10 and the ASOF join, on tables whose physical row order is
 * arbitrary: correctness must never depend on the loader's key order, only speed may.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbMigrationHooks } from '../../src/store/duckdb/migrations.ts';
import { pointInTimeAsof } from '../../src/store/duckdb/pit.ts';
import { pointInTimeByMerge } from '../../src/store/duckdb/pit-scan.ts';
import type { EncodedPitQuery, PitColumns } from '../../src/store/engine.ts';
import { createBestCells, foldSegment, indexRequests } from '../../src/store/pit-merge.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

interface Ev {
  entity: number;
  feature: number;
  event: number;
  ingest: number;
  value: number;
}

/** methods.md §10 verbatim: max (event, ingest) among event ≤ asOf and ingest ≤ asOf. */
function naive(events: readonly Ev[], entity: number, feature: number, asOf: number): Ev | null {
  let best: Ev | null = null;
  for (const e of events) {
    if (e.entity !== entity || e.feature !== feature || e.event > asOf || e.ingest > asOf) continue;
    if (!best || e.event > best.event || (e.event === best.event && e.ingest > best.ingest)) best = e;
  }
  return best;
}

function expectNaive(out: PitColumns, events: readonly Ev[], q: EncodedPitQuery): void {
  const F = q.featureId.length;
  for (let r = 0; r < q.entityId.length; r++) {
    for (let f = 0; f < F; f++) {
      const want = naive(events, q.entityId[r]!, q.featureId[f]!, q.asOfMs[r]!);
      const c = r * F + f;
      expect([out.value[c], out.eventTimeMs[c], out.ingestTimeMs[c]]).toEqual(
        want ? [want.value, want.event, want.ingest] : [Number.NaN, Number.NaN, Number.NaN],
      );
    }
  }
}

const eventArb = fc.record({
  entity: fc.integer({ min: 1, max: 3 }),
  feature: fc.integer({ min: 1, max: 2 }),
  event: fc.integer({ min: 0, max: 20 }).map((d) => T0 + d * 24 * H),
  lagH: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 24, max: 600 })),
  value: fc.integer({ min: -99, max: 99 }),
});
const uniqueEvents = fc
  .uniqueArray(eventArb, { selector: (e) => `${e.entity}|${e.feature}|${e.event}|${e.lagH}`, maxLength: 60 })
  .map((xs) => xs.map((x) => ({ ...x, ingest: x.event + x.lagH * H })));
const requestArb = fc.array(
  fc.record({
    entity: fc.integer({ min: -1, max: 4 }),
    hour: fc.integer({ min: -24, max: 24 * 45 }),
  }),
  { maxLength: 25 },
);

function query(reqs: { entity: number; hour: number }[], features: number[]): EncodedPitQuery {
  return {
    entityId: Int32Array.from(reqs, (r) => r.entity),
    asOfMs: Float64Array.from(reqs, (r) => T0 + r.hour * H),
    featureId: Int32Array.from(features),
    wantJson: false,
  };
}

describe('foldSegment over any cut of the events into sorted series segments', () => {
  it('equals the brute-force rule', () => {
    fc.assert(
      fc.property(
        uniqueEvents,
        requestArb,
        fc.array(fc.boolean(), { maxLength: 60 }),
        (events, reqs, cuts) => {
          const q = query(reqs, [1, 2]);
          const req = indexRequests(q.entityId, q.asOfMs);
          const best = createBestCells(reqs.length, 2);
          const sorted = [...events].sort(
            (a, b) =>
              a.entity - b.entity || a.feature - b.feature || a.event - b.event || a.ingest - b.ingest,
          );
          const ev = Float64Array.from(sorted, (e) => e.event * 1000);
          const ing = Float64Array.from(sorted, (e) => e.ingest * 1000);
          const val = Float64Array.from(sorted, (e) => e.value);
          // Segments: series boundaries plus arbitrary extra cuts inside a series.
          let from = 0;
          for (let k = 1; k <= sorted.length; k++) {
            const cut =
              k === sorted.length ||
              sorted[k]!.entity !== sorted[k - 1]!.entity ||
              sorted[k]!.feature !== sorted[k - 1]!.feature ||
              cuts[k] === true;
            if (!cut) continue;
            const e = sorted[from]!.entity;
            if (e + 1 < req.start.length)
              foldSegment(
                ev,
                ing,
                val,
                from,
                k,
                req,
                req.start[e]!,
                req.start[e + 1]!,
                sorted[from]!.feature - 1,
                best,
              );
            from = k;
          }
          for (let r = 0; r < reqs.length; r++) {
            for (let f = 0; f < 2; f++) {
              const want = naive(events, q.entityId[r]!, f + 1, q.asOfMs[r]!);
              const c = r * 2 + f;
              expect(
                want ? [best.value[c], best.event[c]! / 1000, best.ingest[c]! / 1000] : best.event[c],
              ).toEqual(want ? [want.value, want.event, want.ingest] : Number.NEGATIVE_INFINITY);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('indexRequests groups by entity, ascending as_of, and leaves out unknown entities', () => {
    const req = indexRequests(Int32Array.from([2, -1, 0, 2, 2]), Float64Array.from([5, 1, 9, 3, 5]));
    expect(Array.from(req.order)).toEqual([2, 3, 0, 4]);
    expect(Array.from(req.asOfUs)).toEqual([9000, 3000, 5000, 5000]);
    expect(Array.from(req.start)).toEqual([0, 1, 1, 4]);
    const none = indexRequests(new Int32Array(0), new Float64Array(0));
    expect(none.order.length).toBe(0);
  });
});

let shared: Promise<DuckDBConnection> | null = null;

/** Runs `fn` on a fresh feature_events table holding `rows` in exactly this physical order. */
async function withEvents<T>(rows: readonly Ev[], fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  shared ??= DuckDBInstance.create(':memory:').then((i) => i.connect());
  const conn = await shared;
  await conn.run('DROP TABLE IF EXISTS feature_events; DROP TABLE IF EXISTS feature_restatements');
  for (const sql of duckdbMigrationHooks.steps(1)) await conn.run(sql);
  for (let k = 0; k < rows.length; k += 1000) {
    const values = rows
      .slice(k, k + 1000)
      .map(
        (e) =>
          `(${e.entity}, ${e.feature}, make_timestamptz(${e.event * 1000}), make_timestamptz(${e.ingest * 1000}), ${e.value}, NULL, 1)`,
      );
    if (values.length) await conn.run(`INSERT INTO feature_events VALUES ${values.join(', ')}`);
  }
  // Every feature may be restated: the ASOF twin takes its exact 128-bit-key path.
  await conn.run('INSERT INTO feature_restatements VALUES (1), (2)');
  return fn(conn);
}

describe('pointInTimeByMerge on DuckDB tables in any physical order', () => {
  afterAll(async () => {
    if (shared) (await shared).closeSync();
  });

  it('equals the brute-force rule and the ASOF join when rows are shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(uniqueEvents, requestArb, fc.integer(), async (events, reqs, seed) => {
        const shuffled = [...events].sort(
          (a, b) => ((a.value * 31 + a.event + seed) % 7) - ((b.value * 31 + b.event + seed) % 7),
        );
        const q = query(reqs, [2, 1, 2]);
        await withEvents(shuffled, async (conn) => {
          const merged = await pointInTimeByMerge(conn, q, { workPerRow: 1e9, allowance: 1e9 });
          expect(merged).not.toBeNull();
          expectNaive(merged!, events, q);
          expectNaive(await pointInTimeAsof(conn, q), events, q);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('carries series across 2048-row chunk boundaries', async () => {
    // Long key-ordered series (some late events): the first ends exactly on a chunk boundary (2 × 2048
    // rows), the second crosses two, so carried segments both continue and end at a chunk's first row.
    const events: Ev[] = [];
    for (const [entity, days] of [
      [1, 4096],
      [2, 5000],
      [3, 3000],
    ])
      for (let d = 0; d < days!; d++) {
        const event = T0 + d * 24 * H;
        events.push({
          entity,
          feature: 1,
          event,
          ingest: event + (d % 97 === 0 ? 30 * 24 * H : H),
          value: d + entity / 4,
        });
      }
    const reqs = Array.from({ length: 300 }, (_, k) => ({
      entity: 1 + (k % 3),
      hour: (k * 397) % (5000 * 24),
    }));
    const q = query(reqs, [1]);
    await withEvents(events, async (conn) => {
      const merged = await pointInTimeByMerge(conn, q);
      expect(merged).not.toBeNull();
      expectNaive(merged!, events, q);
    });
  });

  it('gives up (null) when the table is too fragmented for the merge to pay, and not when key-ordered', async () => {
    const events: Ev[] = [];
    for (let d = 0; d < 200; d++)
      for (const entity of [1, 2, 3]) {
        const event = T0 + d * 24 * H;
        events.push({ entity, feature: 1, event, ingest: event + H, value: d });
      }
    const reqs = Array.from({ length: 90 }, (_, k) => ({ entity: 1 + (k % 3), hour: k * 50 }));
    const q = query(reqs, [1]);
    const tight = { workPerRow: 8, allowance: 0 };
    // Date-major order: every row is its own segment, so the work is rows × requests per entity.
    await withEvents(events, async (conn) => {
      expect(await pointInTimeByMerge(conn, q, tight)).toBeNull();
    });
    const keyOrdered = [...events].sort((a, b) => a.entity - b.entity || a.event - b.event);
    await withEvents(keyOrdered, async (conn) => {
      const merged = await pointInTimeByMerge(conn, q, tight);
      expect(merged).not.toBeNull();
      expectNaive(merged!, events, q);
    });
  });
});
