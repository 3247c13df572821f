/**
 * Server benchmarks (issue 10): GET /api/features/latest and GET /api/features/point-in-time under an
 * open-loop load of 500 requests per second from a client in its own process on 127.0.0.1
 * (bench/server-load.mjs; 2500 requests, 5 s, bounded), over a store of 500 entities × 250 days × 5 features
 * (625 000 events), DuckDB and — with ALPHALAB_TEST_PG_URL — PostgreSQL. Latency is measured from each
 * request's scheduled send time (no coordinated omission).
 *
 * Each case runs two passes with different random requests: `cold` right after the server starts, then
 * `warm`. The server's process CPU (main thread, DuckDB's threads; not the PostgreSQL server's) is measured
 * around each pass and reported per request, with the 1-minute load average. Targets: 0 errors, the offered
 * rate sustained; p50/p99 reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDays, closeTime } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { startServer } from '../src/server/index.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { defineBenchmarks } from './harness.ts';

const E = 500;
const D = 250;
const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4'];
const RATE = Number(process.env.ALPHALAB_BENCH_SERVER_RATE ?? 500);
const COUNT = Number(process.env.ALPHALAB_BENCH_SERVER_COUNT ?? 2500);
const TIME_LIMIT_MS = 20_000;
const dates = businessDays('2023-01-02', D);
const entities = Array.from({ length: E }, (_, e) => `SEC${String(e).padStart(4, '0')}`);
const CLIENT = join(import.meta.dirname, 'server-load.mjs');

interface State {
  readonly dir: string;
  readonly store: Store;
  readonly url: string;
  close(): Promise<void>;
}

const PG_URL = process.env.ALPHALAB_TEST_PG_URL ?? process.env.ALPHALAB_DB_URL;
const PG_SCHEMA = `alphalab_bench_server_${process.pid}`;

async function setup(kind: 'duckdb' | 'postgres'): Promise<State> {
  const dir = mkdtempSync(join(tmpdir(), 'alphalab-bench-server-'));
  const store = await openStore({
    workspace: dir,
    env: {},
    ...(kind === 'postgres' ? { dbUrl: PG_URL!, pgSchema: PG_SCHEMA } : {}),
  });
  for (const f of FEATURES) await store.features.defineFeature(f);
  const rng = new Rng(5);
  const rows = E * D;
  const eventTimeMs = new Float64Array(rows);
  const entityIndex = new Int32Array(rows);
  for (let d = 0; d < D; d++)
    for (let e = 0; e < E; e++) {
      eventTimeMs[d * E + e] = closeTime(dates[d]!);
      entityIndex[d * E + e] = e;
    }
  const values = FEATURES.map(() => {
    const v = new Float64Array(rows);
    rng.fillNormal(v);
    return v;
  });
  await store.features.writeFeatureFrame(
    { entities, entityIndex, eventTimeMs, features: FEATURES, values },
    { producer: 'bench', availabilityLagMs: 3_600_000 },
  );
  const server = await startServer({ store, runsDir: dir, host: '127.0.0.1', port: 0 });
  return {
    dir,
    store,
    url: server.url,
    async close() {
      await server.app.close();
      if (kind === 'postgres') await store.engine.exec(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One open-loop pass from a client process; the server's CPU per request from this process's usage. */
async function pass(state: State, paths: readonly string[], label: string): Promise<Record<string, number>> {
  const file = join(state.dir, `paths-${label}.json`);
  writeFileSync(file, JSON.stringify(paths));
  const cpu0 = process.cpuUsage();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, state.url, file, String(RATE), String(TIME_LIMIT_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`load client exit ${code}`))));
  });
  const cpu = process.cpuUsage(cpu0);
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const res: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) res[`${label}.${k}`] = v;
  res[`${label}.serverCpuMs`] = (cpu.user + cpu.system) / 1000;
  res[`${label}.serverCpuUsPerRequest`] = (cpu.user + cpu.system) / Math.max(1, r.requests!);
  res[`${label}.loadAvg1`] = loadavg()[0]!;
  return res;
}

const asOf = (rng: Rng) => `${dates[50 + rng.int(D - 50)]}T23:00:00Z`;

function scenario(kind: 'duckdb' | 'postgres', name: string, path: (rng: Rng) => string) {
  return {
    name: `server.features.${name}.${kind}`,
    size: `2 × ${COUNT} GET @ ${RATE}/s, ${E}×${D}×${FEATURES.length} events`,
    target: '0 errors, offered rate sustained; p50/p99 reported',
    setup: () => setup(kind),
    async run(state: State) {
      try {
        const rng = new Rng(17);
        const cold = Array.from({ length: COUNT }, () => path(rng));
        const warm = Array.from({ length: COUNT }, () => path(rng));
        return { ...(await pass(state, cold, 'cold')), ...(await pass(state, warm, 'warm')) };
      } finally {
        await state.close();
      }
    },
  };
}

const cases = (kind: 'duckdb' | 'postgres') => [
  scenario(
    kind,
    'latest',
    (rng) => `/api/features/latest?entity=${entities[rng.int(E)]}&features=f0,f1,f2&asOf=${asOf(rng)}`,
  ),
  scenario(kind, 'latest-now', (rng) => `/api/features/latest?entity=${entities[rng.int(E)]}`),
  scenario(
    kind,
    'pit',
    (rng) =>
      `/api/features/point-in-time?entity=${entities[rng.int(E)]}&features=f0,f1,f2,f3,f4&asOf=${asOf(rng)}`,
  ),
];

export default defineBenchmarks([...cases('duckdb'), ...(PG_URL ? cases('postgres') : [])]);
