/**
 * Server benchmarks (issue 10): GET /api/features/latest and GET /api/features/point-in-time under an
 * open-loop load of 500 requests per second from an in-process client on 127.0.0.1 (2500 requests, 5 s, bounded),
 * over a DuckDB store of 500 entities × 250 days × 5 features (625 000 events). Latency is measured from each
 * request's scheduled send time, so a slow server cannot hide queueing (no coordinated omission). Targets:
 * 0 errors; p99 reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDays, closeTime } from '../src/core/calendar.ts';
import { Rng } from '../src/core/rng.ts';
import { startServer } from '../src/server/index.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { defineBenchmarks } from './harness.ts';

const E = 500;
const D = 250;
const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4'];
const RATE = 500;
const COUNT = 2500;
const TIME_LIMIT_MS = 20_000;
const dates = businessDays('2023-01-02', D);
const entities = Array.from({ length: E }, (_, e) => `SEC${String(e).padStart(4, '0')}`);

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

function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Open-loop load: request k is sent at t0 + k/RATE; latency counts from that scheduled instant. */
async function load(state: State, path: (rng: Rng) => string): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const rng = new Rng(17);
  const paths = Array.from({ length: COUNT }, () => path(rng));
  const latency = new Float64Array(COUNT).fill(Number.NaN);
  let errors = 0;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; k < COUNT; k++) {
    const at = t0 + (k * 1000) / RATE;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (performance.now() - t0 > TIME_LIMIT_MS) break;
    pending.push(
      get(agent, `${state.url}${paths[k]}`).then((status) => {
        latency[k] = performance.now() - at;
        if (status !== 200) errors++;
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = performance.now() - t0;
  agent.destroy();
  const done = latency.filter((x) => !Number.isNaN(x)).sort();
  return {
    requests: done.length,
    errors: errors + (COUNT - done.length),
    achievedRps: (done.length * 1000) / elapsed,
    p50Ms: quantile(done, 0.5),
    p90Ms: quantile(done, 0.9),
    p99Ms: quantile(done, 0.99),
    maxMs: done[done.length - 1]!,
  };
}

const asOf = (rng: Rng) => `${dates[50 + rng.int(D - 50)]}T23:00:00Z`;

const cases = (kind: 'duckdb' | 'postgres') => [
  {
    name: `server.features.latest.${kind}`,
    size: `${COUNT} GET @ ${RATE}/s, ${E}×${D}×${FEATURES.length} events`,
    target: '0 errors; p99 reported',
    setup: () => setup(kind),
    async run(state: State) {
      try {
        return await load(
          state,
          (rng) => `/api/features/latest?entity=${entities[rng.int(E)]}&features=f0,f1,f2&asOf=${asOf(rng)}`,
        );
      } finally {
        await state.close();
      }
    },
  },
  {
    name: `server.features.pit.${kind}`,
    size: `${COUNT} GET @ ${RATE}/s, ${E}×${D}×${FEATURES.length} events`,
    target: '0 errors; p99 reported',
    setup: () => setup(kind),
    async run(state: State) {
      try {
        return await load(
          state,
          (rng) =>
            `/api/features/point-in-time?entity=${entities[rng.int(E)]}&features=f0,f1,f2,f3,f4&asOf=${asOf(rng)}`,
        );
      } finally {
        await state.close();
      }
    },
  },
];

export default defineBenchmarks([...cases('duckdb'), ...(PG_URL ? cases('postgres') : [])]);
