/**
 * The server's feature read cache (src/server/sources/feature-cache.ts) against the store's own queries:
 * identical answers under the PIT rule for random histories with restatements, late and early ingests and
 * JSON values; a write — through the same store or, on PostgreSQL, another connection pool (another
 * process) — is visible on the next read; the row bounds hold. DuckDB and, with ALPHALAB_TEST_PG_URL,
 * PostgreSQL in a fresh schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureReadCache, visibleIndex } from '../../src/server/sources/feature-cache.ts';
import { pitCell } from '../../src/store/features/feature-store.ts';
import type { FeatureValue, FeatureWrite } from '../../src/store/features/types.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

const PG_URL = process.env.ALPHALAB_TEST_PG_URL;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2024-01-02T21:00:00Z');
const FEATURES = ['f_late', 'f_early', 'j_doc'];

/** A FeatureValue without the entity, for comparisons. */
const plain = (v: FeatureValue | null | undefined) =>
  v
    ? { feature: v.feature, version: v.version, et: v.eventTimeMs, it: v.ingestTimeMs, value: v.value }
    : null;

describe('visibleIndex', () => {
  it('picks the largest event time at or before the as-of among ingested records, ties to the latest ingest', () => {
    // Records sorted by (event, ingest); event 20 was restated at 25.
    const sorted = { eventMs: Float64Array.of(10, 20, 20, 30), ingestMs: Float64Array.of(11, 21, 25, 31) };
    expect(visibleIndex(sorted, 9)).toBe(-1);
    expect(visibleIndex(sorted, 20)).toBe(0); // event 20 not yet ingested
    expect(visibleIndex(sorted, 21)).toBe(1);
    expect(visibleIndex(sorted, 24.9)).toBe(1); // the as-of counts in whole milliseconds
    expect(visibleIndex(sorted, 25)).toBe(2); // the restatement
    expect(visibleIndex(sorted, 30)).toBe(2); // event 30 known only at 31
    expect(visibleIndex(sorted, 31)).toBe(3);
  });
});

const engines = [
  { name: 'duckdb', url: undefined as string | undefined, skip: false },
  { name: 'postgres', url: PG_URL, skip: !PG_URL },
];

describe.each(engines)('feature read cache on $name', ({ name, url, skip }) => {
  let root: string;
  let store: Store;
  const schema = `alphalab_feature_cache_${process.pid}`;
  const open = () =>
    openStore({
      workspace: join(root, 'workspace'),
      env: {},
      ...(url ? { dbUrl: url, pgSchema: schema } : { dbUrl: ':memory:' }),
    });

  beforeAll(async () => {
    if (skip) return;
    root = mkdtempSync(join(tmpdir(), `alphalab-feature-cache-${name}-`));
    store = await open();
    await store.features.defineFeature('f_late');
    await store.features.defineFeature('f_early', { allowEarlyIngest: true });
    await store.features.defineFeature('j_doc', { valueType: 'json' });
  });

  afterAll(async () => {
    if (skip) return;
    await store?.close();
    if (url) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  const record = fc.record({
    entity: fc.integer({ min: 0, max: 2 }),
    feature: fc.integer({ min: 0, max: 2 }),
    day: fc.integer({ min: 0, max: 15 }),
    lagHours: fc.integer({ min: 0, max: 60 }),
    early: fc.boolean(),
    value: fc.double({ min: -5, max: 5, noNaN: true }),
  });

  let run = 0;
  it.skipIf(skip)(
    'answers latest and point-in-time reads exactly as the store does',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(record, { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: -2 * DAY, max: 20 * DAY }), { minLength: 1, maxLength: 6 }),
          async (recs, offsets) => {
            const prefix = `R${run++}_`;
            const seen = new Set<string>();
            const rows: FeatureWrite[] = [];
            for (const r of recs) {
              const feature = FEATURES[r.feature]!;
              const eventTime = T0 + r.day * DAY;
              // Only the early-ingest feature may be known before its event time.
              const lag = (r.early && feature === 'f_early' ? -1 : 1) * r.lagHours * HOUR;
              const key = `${r.entity}|${feature}|${eventTime}|${lag}`;
              if (seen.has(key)) continue;
              seen.add(key);
              rows.push({
                entity: `${prefix}${r.entity}`,
                feature,
                eventTime,
                ingestTime: eventTime + lag,
                value: feature === 'j_doc' ? { v: r.value, tag: `d${r.day}` } : r.value,
              });
            }
            await store.features.writeFeatures(rows, { producer: 'cache-test' });
            const cache = new FeatureReadCache(store);
            expect(cache.enabled).toBe(true);
            // As-of instants at and around every stored time, plus random ones.
            const instants = [...rows.flatMap((r) => [Number(r.eventTime), Number(r.ingestTime)])];
            const around = [...new Set(instants)].flatMap((t) => [t - 1, t, t + 0.5]);
            // At most 18 of them (spread over the list), to keep the store's side of the comparison quick.
            const step = Math.max(1, Math.ceil(around.length / 18));
            const asOfs = [...around.filter((_, k) => k % step === 0), ...offsets.map((o) => T0 + o)];
            for (let e = 0; e <= 3; e++) {
              const entity = `${prefix}${e}`; // entity 3 was never written
              for (const asOf of asOfs) {
                const want = await store.features.getLatest(entity, undefined, { asOf });
                const got = await cache.latest(entity, undefined, asOf);
                expect(got.map(plain)).toEqual(
                  [...want.values()].sort((a, b) => a.feature.localeCompare(b.feature)).map(plain),
                );
                const res = await store.features.getPointInTime([{ entity, asOf }], FEATURES);
                const pit = await cache.pointInTime(entity, FEATURES, asOf);
                expect(pit.cells.map(plain)).toEqual(
                  FEATURES.map((_, f) => plain(pitCell(res, entity, 0, f))),
                );
              }
            }
          },
        ),
        { numRuns: 10, seed: 20261121 },
      );
    },
    240_000,
  );

  it.skipIf(skip)('sees a write on the next read, and a new feature version', async () => {
    const cache = new FeatureReadCache(store);
    const asOf = T0 + 10 * DAY;
    await store.features.writeFeatures(
      [{ entity: 'W', feature: 'f_late', eventTime: T0, ingestTime: T0 + HOUR, value: 1 }],
      { producer: 'cache-test' },
    );
    expect((await cache.latest('W', ['f_late'], asOf))[0]!.value).toBe(1);
    // (On PostgreSQL a commit elsewhere in the cluster may have emptied it already: answers are what count.)
    if (name === 'duckdb') expect(cache.cachedRows).toBeGreaterThan(0);
    // A restatement through the same store.
    await store.features.writeFeatures(
      [{ entity: 'W', feature: 'f_late', eventTime: T0, ingestTime: T0 + 2 * HOUR, value: 2 }],
      { producer: 'cache-test' },
    );
    expect((await cache.latest('W', ['f_late'], asOf))[0]!.value).toBe(2);
    const pit = await cache.pointInTime('W', ['f_late'], T0 + 90 * 60_000);
    expect(pit.cells[0]!.value).toBe(1); // the first value, as known before the restatement's ingest
    // A new version of the feature is what `latest` without features means from now on.
    await store.features.defineFeature('f_late', { version: 2 });
    await store.features.writeFeatures(
      [{ entity: 'W', feature: 'f_late', version: 2, eventTime: T0, ingestTime: T0 + HOUR, value: 3 }],
      { producer: 'cache-test' },
    );
    const all = await cache.latest('W', undefined, asOf);
    expect(all.map((v) => [v.feature, v.version, v.value])).toEqual([['f_late', 2, 3]]);
    if (url) {
      // Another process: its own connection pool on the same schema.
      const other = await open();
      try {
        await other.features.writeFeatures(
          [{ entity: 'W', feature: 'f_early', eventTime: T0, ingestTime: T0, value: 7 }],
          { producer: 'other-process' },
        );
      } finally {
        await other.close();
      }
      expect((await cache.latest('W', ['f_early'], asOf))[0]!.value).toBe(7);
    }
  });

  it.skipIf(skip || name !== 'duckdb')(
    'reads leave the DuckDB data version alone; writes move it',
    async () => {
      const v0 = await store.engine.dataVersion!();
      await store.features.getLatest('W', undefined, { asOf: T0 + DAY });
      await store.features.getPointInTime([{ entity: 'W', asOf: T0 + DAY }], ['f_late']);
      await store.features.listFeatures();
      await store.monitoring.getDriftMetrics('any');
      await store.monitoring.listAlerts({ severities: ['severe'] });
      await store.registry.listModels();
      expect(await store.engine.dataVersion!()).toBe(v0);
      await store.monitoring.insertAlert({ strategyId: 's', rule: 'r', severity: 'info', message: 'm' });
      const v1 = await store.engine.dataVersion!();
      expect(v1).not.toBe(v0);
      await expect(
        store.engine.transaction(async (tx) => {
          await tx.query('SELECT 1');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // A transaction counts even when it rolled back (it might have written before failing).
      expect(await store.engine.dataVersion!()).not.toBe(v1);
    },
  );

  it.skipIf(skip)('keeps within its row bounds and reads oversized entities through the store', async () => {
    const rows: FeatureWrite[] = [];
    for (let e = 0; e < 6; e++)
      for (let d = 0; d < 10; d++)
        rows.push({ entity: `B${e}`, feature: 'f_early', eventTime: T0 + d * DAY, value: e + d / 10 });
    await store.features.writeFeatures(rows, { producer: 'cache-test', availabilityLagMs: HOUR });
    const small = new FeatureReadCache(store, { maxRows: 25 });
    // Names the store does not know count too: a client cannot fill memory with them.
    for (let k = 0; k < 100; k++) await small.latest(`nobody-${k}`, ['f_early'], T0);
    expect(small.cachedRows).toBeLessThanOrEqual(25);
    const tiny = new FeatureReadCache(store, { maxRowsPerEntity: 3 });
    for (let e = 0; e < 6; e++) {
      const asOf = T0 + 4 * DAY + 2 * HOUR;
      const want = plain((await store.features.getLatest(`B${e}`, ['f_early'], { asOf })).get('f_early'));
      expect(plain((await small.latest(`B${e}`, ['f_early'], asOf))[0])).toEqual(want);
      expect(small.cachedRows).toBeLessThanOrEqual(25);
      expect(plain((await tiny.latest(`B${e}`, ['f_early'], asOf))[0])).toEqual(want);
      // One per oversized entity; on PostgreSQL any commit in the cluster (other tests) may empty the cache.
      if (name === 'duckdb') expect(tiny.cachedRows).toBe(e + 1);
      else expect(tiny.cachedRows).toBeLessThanOrEqual(e + 1);
      const pit = await tiny.pointInTime(`B${e}`, ['f_early'], asOf);
      expect(plain(pit.cells[0])).toEqual(want);
    }
  });
});
