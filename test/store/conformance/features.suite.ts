/** Feature-store conformance suite: every engine must pass it unchanged (style.md habit 4). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../../src/core/errors.ts';
import { pitCell } from '../../../src/store/features/feature-store.ts';
import type { FeatureWrite } from '../../../src/store/features/types.ts';
import { type StoreFactory, withStore } from './harness.ts';
import { naivePointInTime, type RefEvent } from './pit-reference.ts';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2024, 0, 1);

export function featureStoreSuite(f: StoreFactory, propertyRuns: number): void {
  it('seed 004 worked example: ingest 2024-01-16 22:00 is invisible at 01-16 09:30, visible at 01-17 09:30', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('rsi_14');
      await features.writeFeatures(
        [
          {
            entity: 'AAPL.NASDAQ',
            feature: 'rsi_14',
            eventTime: '2024-01-15',
            ingestTime: '2024-01-16T22:00:00Z',
            value: 62.5,
          },
        ],
        { producer: 'rsi_job', producerVersion: 'abc123', runId: 'r1' },
      );
      const before = await features.getLatest('AAPL.NASDAQ', ['rsi_14'], { asOf: '2024-01-16T09:30:00Z' });
      expect(before.size).toBe(0);
      const after = await features.getLatest('AAPL.NASDAQ', ['rsi_14'], { asOf: '2024-01-17T09:30:00Z' });
      expect(after.get('rsi_14')?.value).toBe(62.5);
      const pit = await features.getPointInTime(
        [
          { entity: 'AAPL.NASDAQ', asOf: '2024-01-16T09:30:00Z' },
          { entity: 'AAPL.NASDAQ', asOf: '2024-01-17T09:30:00Z' },
        ],
        ['rsi_14'],
      );
      expect(Number.isNaN(pit.value[0]!)).toBe(true);
      expect(Number.isNaN(pit.eventTimeMs[0]!)).toBe(true);
      expect(pit.value[1]).toBe(62.5);
      expect(pit.eventTimeMs[1]).toBe(Date.parse('2024-01-15T21:00:00Z'));
      expect(pit.ingestTimeMs[1]).toBe(Date.parse('2024-01-16T22:00:00Z'));
    }));

  it('keeps restatements as new rows and records producer, producer version and run id on every row', () =>
    withStore(f, async ({ features, engine }) => {
      await features.defineFeature('eps');
      const ev = Date.UTC(2024, 2, 31, 21);
      await features.writeFeatures(
        [{ entity: 'X', feature: 'eps', eventTime: ev, ingestTime: ev + DAY, value: 1.0 }],
        {
          producer: 'fund',
          producerVersion: 'sha1',
          runId: 'run-1',
        },
      );
      await features.writeFeatures(
        [{ entity: 'X', feature: 'eps', eventTime: ev, ingestTime: ev + 10 * DAY, value: 1.2 }],
        {
          producer: 'fund',
          producerVersion: 'sha2',
          runId: 'run-2',
        },
      );
      const rows = await engine.query(
        'SELECT value, producer, producer_version, run_id FROM feature_events_v ORDER BY ingest_time',
      );
      expect(rows).toEqual([
        { value: 1, producer: 'fund', producer_version: 'sha1', run_id: 'run-1' },
        { value: 1.2, producer: 'fund', producer_version: 'sha2', run_id: 'run-2' },
      ]);
      const at = (t: number) =>
        features.getLatest('X', ['eps'], { asOf: t }).then((m) => m.get('eps')?.value);
      expect(await at(ev + 5 * DAY)).toBe(1.0);
      expect(await at(ev + 10 * DAY)).toBe(1.2);
    }));

  it('is idempotent: re-writing the same rows, with lag or with an explicit ingest, changes nothing', () =>
    withStore(f, async ({ features, engine }) => {
      await features.defineFeature('mom');
      const rows: FeatureWrite[] = [0, 1, 2].flatMap((d) =>
        ['A', 'B'].map((e) => ({
          entity: e,
          feature: 'mom',
          eventTime: T0 + d * DAY,
          value: d + (e === 'A' ? 0.5 : 0.25),
        })),
      );
      const opts = { producer: 'p', availabilityLagMs: H };
      expect(await features.writeFeatures(rows, opts)).toMatchObject({ inserted: 6, skipped: 0 });
      expect(await features.writeFeatures(rows, opts)).toMatchObject({ inserted: 0, skipped: 6 });
      // Without a lag the clock sets ingest_time; an unchanged value is still recognised as known.
      expect(await features.writeFeatures(rows, { producer: 'p', now: T0 + 30 * DAY })).toMatchObject({
        inserted: 0,
        skipped: 6,
      });
      const [c] = await engine.query<{ n: number }>(
        'SELECT CAST(count(*) AS INTEGER) AS n FROM feature_events',
      );
      expect(c!.n).toBe(6);
    }));

  it('restating back to an earlier value inside one batch is stored (the skip rule sees the batch too)', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('v');
      const ev = T0;
      await features.writeFeatures(
        [{ entity: 'A', feature: 'v', eventTime: ev, ingestTime: ev + 10, value: 5 }],
        { producer: 'p' },
      );
      const r = await features.writeFeatures(
        [
          { entity: 'A', feature: 'v', eventTime: ev, ingestTime: ev + 15, value: 6 },
          { entity: 'A', feature: 'v', eventTime: ev, ingestTime: ev + 20, value: 5 },
        ],
        { producer: 'p' },
      );
      expect(r.inserted).toBe(2);
      const at = (t: number) => features.getLatest('A', ['v'], { asOf: t }).then((m) => m.get('v')?.value);
      expect([await at(ev + 12), await at(ev + 17), await at(ev + 25)]).toEqual([5, 6, 5]);
    }));

  it('refuses a different value under an identical key, inside a batch or against stored rows, and stores nothing', () =>
    withStore(f, async ({ features, engine }) => {
      await features.defineFeature('v');
      const row = { entity: 'A', feature: 'v', eventTime: T0, ingestTime: T0 + H };
      await features.writeFeatures([{ ...row, value: 1 }], { producer: 'p' });
      await expect(features.writeFeatures([{ ...row, value: 2 }], { producer: 'p' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(features.writeFeatures([{ ...row, value: 2 }], { producer: 'p' })).rejects.toThrow(
        /feature 'v' v1 of entity 'A' \(event 2024-01-01T00:00:00.000Z, ingest 2024-01-01T01:00:00.000Z\)/,
      );
      const fresh = { entity: 'B', feature: 'v', eventTime: T0, ingestTime: T0 + H };
      await expect(
        features.writeFeatures(
          [
            { ...fresh, value: 1 },
            { ...fresh, value: 3 },
          ],
          { producer: 'p' },
        ),
      ).rejects.toThrow(/entity 'B'/);
      const [c] = await engine.query<{ n: number }>(
        'SELECT CAST(count(*) AS INTEGER) AS n FROM feature_events',
      );
      expect(c!.n).toBe(1);
    }));

  it('refuses bad input with typed errors that say what and where', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('d');
      await features.defineFeature('sched', { allowEarlyIngest: true });
      const ok = { entity: 'A', feature: 'd', eventTime: '2024-01-02', value: 1 };
      const p = { producer: 'p' };
      await expect(features.writeFeatures([{ ...ok, version: 2 }], p)).rejects.toThrow(/has no version 2/);
      await expect(features.writeFeatures([{ ...ok, feature: 'nope' }], p)).rejects.toThrow(/not defined/);
      await expect(features.writeFeatures([ok, { ...ok, value: Number.NaN }], p)).rejects.toThrow(/row 1/);
      await expect(
        features.writeFeatures([{ ...ok, value: Number.POSITIVE_INFINITY }], p),
      ).rejects.toBeInstanceOf(InvalidInputError);
      await expect(features.writeFeatures([{ ...ok, eventTime: '2024-01-02T10:00:00' }], p)).rejects.toThrow(
        /no time zone/,
      );
      await expect(
        features.writeFeatures([{ ...ok, ingestTime: '2024-01-01T00:00:00Z' }], p),
      ).rejects.toThrow(/before event time/);
      await expect(features.writeFeatures([ok], { producer: '' })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(
        features.getPointInTime([{ entity: 'A', asOf: '2024-01-03' }], [{ name: 'd', version: 9 }]),
      ).rejects.toThrow(/has no version 9/);
      // A feature declared as knowable in advance accepts ingest before event.
      const r = await features.writeFeatures(
        [
          {
            entity: 'A',
            feature: 'sched',
            eventTime: '2024-02-01',
            ingestTime: '2024-01-01T00:00:00Z',
            value: 1,
          },
        ],
        p,
      );
      expect(r.inserted).toBe(1);
    }));

  it('getLatest finds fresh and stale features together (stale ones lie outside its first look-back week)', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('daily');
      await features.defineFeature('quarterly');
      await features.writeFeatures(
        [
          { entity: 'A', feature: 'quarterly', eventTime: T0, value: 7 },
          { entity: 'A', feature: 'daily', eventTime: T0 + 59 * DAY, value: 1 },
        ],
        { producer: 'p', availabilityLagMs: H },
      );
      const m = await features.getLatest('A', ['daily', 'quarterly'], { asOf: T0 + 60 * DAY });
      expect([m.get('daily')?.value, m.get('quarterly')?.value]).toEqual([1, 7]);
      expect(m.get('quarterly')?.eventTimeMs).toBe(T0);
    }));

  it('versions are separate features; queries pick the newest version unless told', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('rsi', { version: 1 });
      await features.defineFeature('rsi', { version: 2 });
      await features.writeFeatures([{ entity: 'A', feature: 'rsi', version: 1, eventTime: T0, value: 10 }], {
        producer: 'p',
        now: T0 + H,
      });
      await features.writeFeatures([{ entity: 'A', feature: 'rsi', eventTime: T0, value: 20 }], {
        producer: 'p',
        now: T0 + H,
      });
      const asOf = T0 + DAY;
      expect((await features.getLatest('A', ['rsi'], { asOf })).get('rsi')?.value).toBe(20);
      expect((await features.getLatest('A', ['rsi'], { asOf, version: 1 })).get('rsi')?.value).toBe(10);
      const pit = await features.getPointInTime(
        [{ entity: 'A', asOf }],
        [{ name: 'rsi', version: 1 }, 'rsi'],
      );
      expect(Array.from(pit.value)).toEqual([10, 20]);
    }));

  it('JSON features round-trip and unknown entities give explicit missing cells', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('emb', { valueType: 'json' });
      await features.defineFeature('x');
      await features.writeFeatures(
        [
          { entity: 'A', feature: 'emb', eventTime: T0, value: { v: [1, 2, 3], tag: 'q' } },
          { entity: 'A', feature: 'x', eventTime: T0, value: -0.5 },
        ],
        { producer: 'p', now: T0 + H },
      );
      const pit = await features.getPointInTime(
        [
          { entity: 'A', asOf: T0 + DAY },
          { entity: 'ZZZ', asOf: T0 + DAY },
        ],
        ['emb', 'x'],
      );
      expect(pitCell(pit, 'A', 0, 0)?.value).toEqual({ v: [1, 2, 3], tag: 'q' });
      expect(pitCell(pit, 'A', 0, 1)?.value).toBe(-0.5);
      expect(pitCell(pit, 'ZZZ', 1, 0)).toBeNull();
      expect(pitCell(pit, 'ZZZ', 1, 1)).toBeNull();
      expect(pit.value.length).toBe(4);
      expect((await features.getLatest('A', undefined, { asOf: T0 + DAY })).get('emb')?.value).toEqual({
        v: [1, 2, 3],
        tag: 'q',
      });
      const empty = await features.getPointInTime([], ['x']);
      expect(empty.value.length).toBe(0);
    }));

  it('frames: columnar writes skip NaN cells and answer like row writes', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('a');
      await features.defineFeature('b');
      const frame = {
        entities: ['E1', 'E2'],
        entityIndex: Int32Array.from([0, 1, 0, 1]),
        eventTimeMs: Float64Array.from([T0, T0, T0 + DAY, T0 + DAY]),
        features: ['a', 'b'],
        values: [Float64Array.from([1, 2, 3, Number.NaN]), Float64Array.from([10, 20, 30, 40])],
      };
      const r = await features.writeFeatureFrame(frame, { producer: 'p', availabilityLagMs: H });
      expect(r).toMatchObject({ inserted: 7, skipped: 0 });
      expect(
        (await features.writeFeatureFrame(frame, { producer: 'p', availabilityLagMs: H })).inserted,
      ).toBe(0);
      const pit = await features.getPointInTime(
        {
          entities: ['E2', 'E1'],
          entityIndex: Int32Array.from([0, 1]),
          asOfMs: Float64Array.from([T0 + 2 * DAY, T0 + 2 * DAY]),
        },
        ['a', 'b'],
      );
      // E2's 'a' at T0+DAY is NaN (not stored), so its latest 'a' is from T0.
      expect(Array.from(pit.value)).toEqual([2, 40, 3, 30]);
      await expect(
        features.writeFeatureFrame(
          { ...frame, values: [Float64Array.from([1, 2, 3, Infinity]), frame.values[1]!] },
          { producer: 'p' },
        ),
      ).rejects.toBeInstanceOf(InvalidInputError);
    }));

  it('point-in-time answers equal the brute-force reference on random events with restatements and late arrivals', () =>
    // One store for all runs (schema creation dominates otherwise); each run gets its own feature names.
    withStore(f, async ({ features }) => {
      const entities = ['A', 'B', 'C'];
      const eventArb = fc.record({
        entity: fc.constantFrom(...entities),
        feature: fc.constantFrom(0, 1),
        day: fc.integer({ min: 0, max: 12 }),
        lagH: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 24, max: 400 })),
        value: fc.integer({ min: -50, max: 50 }),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(eventArb, {
            minLength: 0,
            maxLength: 40,
            selector: (e) => `${e.entity}|${e.feature}|${e.day}|${e.lagH}`,
          }),
          fc.array(
            fc.record({
              entity: fc.constantFrom(...entities, 'D'),
              hour: fc.integer({ min: -24, max: 40 * 24 }),
            }),
            {
              minLength: 1,
              maxLength: 30,
            },
          ),
          fc.integer({ min: 1, max: 3 }),
          async (raw, reqs, batches) => {
            run++;
            const feats = [`f${run}a`, `f${run}b`];
            for (const name of feats) await features.defineFeature(name);
            const events: RefEvent[] = raw.map((e) => ({
              entity: e.entity,
              feature: feats[e.feature]!,
              eventTime: T0 + e.day * DAY,
              ingestTime: T0 + e.day * DAY + e.lagH * H,
              value: e.value / 4,
            }));
            const size = Math.ceil(events.length / batches) || 1;
            for (let i = 0; i < events.length; i += size) {
              await features.writeFeatures(
                events.slice(i, i + size).map((e) => ({ ...e })),
                { producer: 'prop' },
              );
            }
            const requests = reqs.map((r) => ({ entity: r.entity, asOf: T0 + r.hour * H }));
            const pit = await features.getPointInTime(requests, feats);
            requests.forEach((q, r) => {
              feats.forEach((name, j) => {
                const want = naivePointInTime(events, q.entity, name, q.asOf);
                const c = r * feats.length + j;
                if (want === null) {
                  expect(Number.isNaN(pit.value[c]!)).toBe(true);
                  expect(Number.isNaN(pit.eventTimeMs[c]!)).toBe(true);
                } else {
                  expect(pit.value[c]).toBe(want.value);
                  expect(pit.eventTimeMs[c]).toBe(want.eventTime);
                }
              });
            });
            const q = requests[0]!;
            const latest = await features.getLatest(q.entity, feats, { asOf: q.asOf });
            for (const name of feats)
              expect(latest.get(name)?.value).toBe(naivePointInTime(events, q.entity, name, q.asOf)?.value);
          },
        ),
        { numRuns: propertyRuns },
      );
    }));

  it('settles long runs of late arrivals (more candidates rejected than the join has rounds)', () =>
    withStore(f, async ({ features }) => {
      await features.defineFeature('late');
      const rows: FeatureWrite[] = [
        { entity: 'A', feature: 'late', eventTime: T0, ingestTime: T0 + H, value: 100 },
      ];
      for (let d = 1; d <= 9; d++)
        rows.push({
          entity: 'A',
          feature: 'late',
          eventTime: T0 + d * DAY,
          ingestTime: T0 + 50 * DAY,
          value: d,
        });
      await features.writeFeatures(rows, { producer: 'p' });
      const pit = await features.getPointInTime(
        [
          { entity: 'A', asOf: T0 + 20 * DAY },
          { entity: 'A', asOf: T0 + 60 * DAY },
        ],
        ['late'],
      );
      expect(Array.from(pit.value)).toEqual([100, 9]);
      expect(pit.ingestTimeMs[0]).toBe(T0 + H);
    }));

  it('exports a training set to Parquet with a content fingerprint recorded in the store', () =>
    withStore(f, async (store) => {
      await store.features.defineFeature('a');
      await store.features.writeFeatures(
        [
          { entity: 'A', feature: 'a', eventTime: T0, value: 1.5 },
          { entity: 'B', feature: 'a', eventTime: T0, value: 2.5 },
        ],
        { producer: 'p', now: T0 + H },
      );
      const requests = [
        { entity: 'A', asOf: T0 + DAY },
        { entity: 'B', asOf: T0 - DAY },
      ];
      const path = join(store.workspace, 'sets', 'train.parquet');
      const out = await store.exportTrainingSet(requests, ['a'], { path });
      expect(existsSync(path)).toBe(true);
      expect(out.rowCount).toBe(2);
      expect(out.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      const again = await store.exportTrainingSet(requests, ['a'], {
        path: join(store.workspace, 'sets', 'again.parquet'),
      });
      expect(again.fingerprint).toBe(out.fingerprint);
      const other = await store.exportTrainingSet([requests[0]!], ['a'], {
        path: join(store.workspace, 'sets', 'one.parquet'),
      });
      expect(other.fingerprint).not.toBe(out.fingerprint);
      const rows = await store.engine.query<{ fingerprint: string; row_count: number }>(
        'SELECT fingerprint, row_count FROM training_sets ORDER BY row_count',
      );
      expect(rows).toEqual([
        { fingerprint: other.fingerprint, row_count: 1 },
        { fingerprint: out.fingerprint, row_count: 2 },
      ]);
    }));
}
