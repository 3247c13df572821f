/**
 * Store benchmarks (issue 7): ingest 20 M feature values (2000 entities × 1000 days × 10 features,
 * written as ten 100-day frames, each one transaction), point-in-time for 200 000 requests × 10 features
 * over those events, and getLatest p50/p99. DuckDB always; PostgreSQL (binary COPY, LATERAL PIT) when
 * ALPHALAB_TEST_PG_URL or ALPHALAB_DB_URL is set. The 20 M-event databases are cached under the OS temp
 * folder so the PIT and latency cases (separate processes) reuse what the ingest case built.
 *
 * The frames are generated in the untimed setup (the RNG is not the store). Every case reports CPU
 * seconds of the whole process — process.cpuUsage() is getrusage(RUSAGE_SELF), which counts DuckDB's own
 * threads too, cross-checked against utime + stime of /proc/self/stat — next to wall time, because on this
 * shared 2-core machine wall time mostly measures waiting for a core. `store.duckdb.pit-asof` runs the
 * previous formulation (decision 052's ASOF join) on the same database and requests, for before/after.
 */

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { businessDays, closeTime } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { pointInTimeAsof } from '../src/store/duckdb/pit.ts';
import type { EncodedPitQuery } from '../src/store/engine.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { defineBenchmarks } from './harness.ts';

const E = 2000;
const D = 1000;
const F = 10;
const DAYS_PER_BATCH = 100;
const REQUESTS = 200_000;
const LATEST_CALLS = 400;
// v2: rows in key order (decision 054); a v1 database is date-major and would take the ASOF fallback.
const CACHE = join(tmpdir(), 'alphalab-bench-store-v2');
const PG_URL = process.env.ALPHALAB_TEST_PG_URL ?? process.env.ALPHALAB_DB_URL;
const PG_SCHEMA = 'alphalab_bench_store_v2';
const dates = businessDays('2019-01-02', D);
const entities = Array.from({ length: E }, (_, e) => `SEC${String(e).padStart(4, '0')}`);
const featureNames = Array.from({ length: F }, (_, f) => `feat_${f}`);

async function open(kind: 'duckdb' | 'postgres'): Promise<Store> {
  if (kind === 'duckdb') return openStore({ workspace: join(CACHE, 'duckdb'), env: {} });
  return openStore({ workspace: join(CACHE, 'pg'), dbUrl: PG_URL!, pgSchema: PG_SCHEMA, env: {} });
}

async function reset(kind: 'duckdb' | 'postgres'): Promise<void> {
  if (kind === 'duckdb') {
    rmSync(join(CACHE, 'duckdb'), { recursive: true, force: true });
    return;
  }
  const c = new pg.Client({ connectionString: PG_URL! });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
  await c.end();
}

type Frame = Parameters<Store['features']['writeFeatureFrame']>[0];

/** The ten 100-day frames of the 20 M values. */
function frames(): Frame[] {
  const rng = new Rng(7);
  const out: Frame[] = [];
  for (let d0 = 0; d0 < D; d0 += DAYS_PER_BATCH) {
    const days = Math.min(DAYS_PER_BATCH, D - d0);
    const rows = days * E;
    const eventTimeMs = new Float64Array(rows);
    const entityIndex = new Int32Array(rows);
    for (let d = 0; d < days; d++) {
      const t = closeTime(dates[d0 + d]!);
      for (let e = 0; e < E; e++) {
        eventTimeMs[d * E + e] = t;
        entityIndex[d * E + e] = e;
      }
    }
    const values = featureNames.map(() => {
      const v = new Float64Array(rows);
      rng.fillNormal(v);
      return v;
    });
    out.push({ entities, entityIndex, eventTimeMs, features: featureNames, values });
  }
  return out;
}

/** Ingests the frames; returns values written. */
async function ingest(store: Store, batches: readonly Frame[]): Promise<number> {
  for (const name of featureNames) await store.features.defineFeature(name);
  let written = 0;
  for (const frame of batches) {
    const r = await store.features.writeFeatureFrame(frame, {
      producer: 'bench',
      producerVersion: 'bench',
      availabilityLagMs: 3_600_000,
    });
    written += r.inserted;
  }
  return written;
}

/** CPU seconds of the whole process (all threads): utime + stime of /proc/self/stat, in clock ticks. */
function procStatCpuSec(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Wall ms, CPU seconds two ways and the load average around `fn`. */
async function measured<T>(fn: () => Promise<T>): Promise<{ out: T; metrics: Record<string, number> }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p0 = procStatCpuSec();
  const out = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return {
    out,
    metrics: {
      wallMsTimed: wallMs,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      procStatCpuSec: procStatCpuSec() - p0,
      loadAvg1m: loadavg()[0]!,
    },
  };
}

async function ensureBuilt(kind: 'duckdb' | 'postgres'): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  if (kind === 'duckdb' && existsSync(join(CACHE, 'duckdb', 'alphalab.duckdb'))) {
    const s = await open(kind);
    const [r] = await s.engine.query<{ n: number }>(
      'SELECT CAST(count(*) AS DOUBLE) AS n FROM feature_events',
    );
    await s.close();
    if (r!.n === E * D * F) return;
  }
  if (kind === 'postgres') {
    const s = await open(kind);
    const [r] = await s.engine.query<{ n: number }>(
      'SELECT CAST(count(*) AS DOUBLE PRECISION) AS n FROM feature_events',
    );
    await s.close();
    if (r!.n === E * D * F) return;
  }
  await reset(kind);
  const s = await open(kind);
  await ingest(s, frames());
  await s.close();
}

function requests(): { entities: string[]; entityIndex: Int32Array; asOfMs: Float64Array } {
  const rng = new Rng(11);
  const entityIndex = new Int32Array(REQUESTS);
  const asOfMs = new Float64Array(REQUESTS);
  for (let r = 0; r < REQUESTS; r++) {
    entityIndex[r] = rng.int(E);
    // The next morning (09:00 UTC) after a random close, so the day's values are 11 h old.
    asOfMs[r] = closeTime(dates[rng.int(D)]!) + 12 * 3_600_000;
  }
  return { entities, entityIndex, asOfMs };
}

function ingestCase(kind: 'duckdb' | 'postgres', target?: string) {
  return {
    name: `store.${kind}.ingest`,
    size: `${E}×${D}×${F} = 20M values`,
    ...(target ? { target } : {}),
    async setup() {
      if (kind === 'postgres' && !PG_URL) return null;
      mkdirSync(CACHE, { recursive: true });
      await reset(kind);
      return { store: await open(kind), batches: frames() };
    },
    async run(state: { store: Store; batches: Frame[] } | null) {
      if (!state) return { skipped: 1 };
      const { out: n, metrics } = await measured(() => ingest(state.store, state.batches));
      await state.store.close();
      return {
        values: n,
        millionValuesPerSec: n / (metrics.wallMsTimed! / 1000) / 1e6,
        millionValuesPerCpuSec: n / metrics.cpuSec! / 1e6,
        ...metrics,
      };
    },
  };
}

function pitCase(kind: 'duckdb' | 'postgres', target?: string) {
  return {
    name: `store.${kind}.pit`,
    size: `${REQUESTS} requests × ${F} features over 20M events`,
    ...(target ? { target } : {}),
    async setup() {
      if (kind === 'postgres' && !PG_URL) return null;
      await ensureBuilt(kind);
      return { store: await open(kind), q: requests() };
    },
    async run(state: { store: Store; q: ReturnType<typeof requests> } | null) {
      if (!state) return { skipped: 1 };
      const { out: pit, metrics } = await measured(() =>
        state.store.features.getPointInTime(state.q, featureNames),
      );
      await state.store.close();
      return { pitMs: metrics.wallMsTimed!, ...metrics, ...cellStats(pit.value) };
    },
  };
}

function cellStats(values: Float64Array): Record<string, number> {
  let missing = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) missing++;
    else sum += v;
  }
  // The sum fingerprints the answer: both formulations must print the same number.
  return { cells: values.length, missingCells: missing, valueSum: sum };
}

/** decision 052's ASOF join on the same database and requests: the "before" of decision 054. */
function pitAsofCase() {
  return {
    name: 'store.duckdb.pit-asof',
    size: `${REQUESTS} requests × ${F} features over 20M events (ASOF join, before)`,
    async setup() {
      await ensureBuilt('duckdb');
      const instance = await DuckDBInstance.create(join(CACHE, 'duckdb', 'alphalab.duckdb'));
      const conn = await instance.connect();
      const q = requests();
      const ids = new Map<string, number>();
      for (const [key, id] of (
        await conn.runAndReadAll('SELECT entity_key, entity_id FROM entities')
      ).getRows())
        ids.set(String(key), Number(id));
      const features = (
        await conn.runAndReadAll(
          `SELECT feature_id FROM feature_defs ORDER BY list_position([${featureNames.map((f) => `'${f}'`).join(', ')}], feature_name)`,
        )
      ).getRows();
      const encoded: EncodedPitQuery = {
        entityId: Int32Array.from(q.entityIndex, (e) => ids.get(entities[e]!) ?? -1),
        asOfMs: q.asOfMs,
        featureId: Int32Array.from(features, (r) => Number(r[0])),
        wantJson: false,
      };
      return { instance, conn, encoded };
    },
    async run(state: { instance: DuckDBInstance; conn: DuckDBConnection; encoded: EncodedPitQuery }) {
      const { out, metrics } = await measured(() => pointInTimeAsof(state.conn, state.encoded));
      state.conn.closeSync();
      state.instance.closeSync();
      return { pitMs: metrics.wallMsTimed!, ...metrics, ...cellStats(out.value) };
    },
  };
}

function latestCase(kind: 'duckdb' | 'postgres') {
  return {
    name: `store.${kind}.latest`,
    size: `${LATEST_CALLS} getLatest calls × ${F} features over 20M events`,
    async setup() {
      if (kind === 'postgres' && !PG_URL) return null;
      await ensureBuilt(kind);
      return open(kind);
    },
    async run(store: Store | null) {
      if (!store) return { skipped: 1 };
      const rng = new Rng(5);
      const times: number[] = [];
      const c0 = process.cpuUsage();
      for (let k = 0; k < LATEST_CALLS; k++) {
        const entity = entities[rng.int(E)]!;
        const asOf = closeTime(dates[rng.int(D)]!) + 12 * 3_600_000;
        const t0 = performance.now();
        const m = await store.features.getLatest(entity, featureNames, { asOf });
        times.push(performance.now() - t0);
        if (m.size !== F) throw new Error(`getLatest returned ${m.size} features`);
      }
      const cpu = process.cpuUsage(c0);
      await store.close();
      times.sort((a, b) => a - b);
      return {
        cpuMsPerCall: (cpu.user + cpu.system) / 1000 / LATEST_CALLS,
        p50Ms: times[Math.floor(0.5 * times.length)]!,
        p99Ms: times[Math.floor(0.99 * times.length)]!,
      };
    },
  };
}

export default defineBenchmarks([
  ingestCase('duckdb', '≥ 1.5 M values/s'),
  pitCase('duckdb', '≤ 3 s'),
  pitAsofCase(),
  latestCase('duckdb'),
  ingestCase('postgres'),
  pitCase('postgres'),
  latestCase('postgres'),
]);
