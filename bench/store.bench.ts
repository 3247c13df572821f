/**
 * Store benchmarks (issue 7): ingest 20 M feature values (2000 entities × 1000 days × 10 features,
 * written as ten 100-day frames, each one transaction), point-in-time for 200 000 requests × 10 features
 * over those events, and getLatest p50/p99. DuckDB always; PostgreSQL (binary COPY, LATERAL PIT) when
 * ALPHALAB_TEST_PG_URL or ALPHALAB_DB_URL is set. The 20 M-event databases are cached under the OS temp
 * folder so the PIT and latency cases (separate processes) reuse what the ingest case built.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { businessDays, closeTime } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { defineBenchmarks } from './harness.ts';

const E = 2000;
const D = 1000;
const F = 10;
const DAYS_PER_BATCH = 100;
const REQUESTS = 200_000;
const LATEST_CALLS = 400;
const CACHE = join(tmpdir(), 'alphalab-bench-store-v1');
const PG_URL = process.env.ALPHALAB_TEST_PG_URL ?? process.env.ALPHALAB_DB_URL;
const PG_SCHEMA = 'alphalab_bench_store_v1';
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

/** Ingests the 20 M values; returns values written. */
async function ingest(store: Store): Promise<number> {
  for (const name of featureNames) await store.features.defineFeature(name);
  const rng = new Rng(7);
  let written = 0;
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
    const r = await store.features.writeFeatureFrame(
      { entities, entityIndex, eventTimeMs, features: featureNames, values },
      { producer: 'bench', producerVersion: 'bench', availabilityLagMs: 3_600_000 },
    );
    written += r.inserted;
  }
  return written;
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
  await ingest(s);
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
      return open(kind);
    },
    async run(store: Store | null) {
      if (!store) return { skipped: 1 };
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const n = await ingest(store);
      const s = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      await store.close();
      // CPU seconds (all threads) next to wall time: on a shared machine wall time includes waiting.
      return {
        values: n,
        millionValuesPerSec: n / s / 1e6,
        cpuSec: (cpu.user + cpu.system) / 1e6,
        loadAvg1m: loadavg()[0]!,
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
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const pit = await state.store.features.getPointInTime(state.q, featureNames);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      let missing = 0;
      for (const v of pit.value) if (Number.isNaN(v)) missing++;
      await state.store.close();
      return {
        pitMs: ms,
        cpuSec: (cpu.user + cpu.system) / 1e6,
        cells: pit.value.length,
        missingCells: missing,
        loadAvg1m: loadavg()[0]!,
      };
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
      for (let k = 0; k < LATEST_CALLS; k++) {
        const entity = entities[rng.int(E)]!;
        const asOf = closeTime(dates[rng.int(D)]!) + 12 * 3_600_000;
        const t0 = performance.now();
        const m = await store.features.getLatest(entity, featureNames, { asOf });
        times.push(performance.now() - t0);
        if (m.size !== F) throw new Error(`getLatest returned ${m.size} features`);
      }
      await store.close();
      times.sort((a, b) => a - b);
      return {
        p50Ms: times[Math.floor(0.5 * times.length)]!,
        p99Ms: times[Math.floor(0.99 * times.length)]!,
      };
    },
  };
}

export default defineBenchmarks([
  ingestCase('duckdb', '≥ 1.5 M values/s'),
  pitCase('duckdb', '≤ 3 s'),
  latestCase('duckdb'),
  ingestCase('postgres'),
  pitCase('postgres'),
  latestCase('postgres'),
]);
