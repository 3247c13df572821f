/**
 * Store-backed endpoints (models, importance, stage changes with auth, features, signals, drift, alerts,
 * monitor) through fastify's inject, on DuckDB and — when ALPHALAB_TEST_PG_URL is set — PostgreSQL in a fresh
 * schema. Every JSON response is checked against its declared schema (validateResponses).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGbdt } from '../../src/ml/gbdt/json.ts';
import type { MonitorDayResult } from '../../src/monitor/run-day.ts';
import { type AlphalabServer, buildServer, type MonitorRunRequest } from '../../src/server/index.ts';
import { sha256Hex } from '../../src/store/atomic-file.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { DRIFT_DATES, FEATURES, MODEL, SIGNAL_DATE, STRATEGY, seedStore } from './fixture.ts';
import { call, expectError } from './helpers.ts';

const PG_URL = process.env.ALPHALAB_TEST_PG_URL;
if (!PG_URL)
  console.warn('ALPHALAB_TEST_PG_URL is not set: the PostgreSQL run of the API store tests is skipped');
const TOKEN = 'test-token-0123456789';

/** A monitoring day with no data and no alerts (what the monitor reports for a model without predictions). */
function quietDay(date: string): MonitorDayResult {
  return {
    metrics: {
      date,
      strategyId: STRATEGY,
      ic: Number.NaN,
      icBatchDate: null,
      icCount: 0,
      ic5dAvg: Number.NaN,
      sharpe: [{ window: 5, value: Number.NaN, se: Number.NaN }],
      accuracy: Number.NaN,
      majorityRate: Number.NaN,
      accuracyCount: 0,
      psi: [],
      psiMax: Number.NaN,
      modelAgeDays: Number.NaN,
      values: { ic: Number.NaN },
    },
    alerts: [],
    newAlerts: [],
    worstSeverity: null,
    decision: 'OK: all metrics within normal range',
    exitCode: 0,
    sinks: [],
  };
}

const engines = [
  { name: 'duckdb', url: undefined as string | undefined, skip: false },
  { name: 'postgres', url: PG_URL, skip: !PG_URL },
];

describe.each(engines)('API on the store ($name)', ({ name, url, skip }) => {
  let root: string;
  let store: Store;
  let server: AlphalabServer;
  let locked: AlphalabServer;
  const requests: MonitorRunRequest[] = [];
  const schema = `alphalab_api_test_${process.pid}`;

  beforeAll(async () => {
    if (skip) return;
    root = mkdtempSync(join(tmpdir(), `alphalab-api-${name}-`));
    store = await openStore({
      workspace: join(root, 'workspace'),
      env: {},
      ...(url ? { dbUrl: url, pgSchema: schema } : {}),
    });
    await seedStore(store);
    const common = { store, runsDir: join(root, 'runs'), validateResponses: true };
    server = await buildServer({
      ...common,
      token: TOKEN,
      monitor: async (req) => {
        requests.push(req);
        return { strategyId: req.strategyId ?? MODEL, model: req.model ?? MODEL, result: quietDay(req.date) };
      },
    });
    locked = await buildServer(common);
  });

  afterAll(async () => {
    if (skip) return;
    await server?.app.close();
    await locked?.app.close();
    await store?.close();
    if (url) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(skip)('reports health, the engine and whether mutations are enabled', async () => {
    const h = await call(server.app, 'GET', '/api/health');
    expect(h.body).toMatchObject({
      status: 'ok',
      engine: name,
      mutationsEnabled: true,
      monitorAvailable: true,
    });
    expect((await call(locked.app, 'GET', '/api/health')).body.mutationsEnabled).toBe(false);
  });

  it.skipIf(skip)('lists models with their active version, versions, and one version in full', async () => {
    const list = await call(server.app, 'GET', '/api/models');
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      name: MODEL,
      version: 2,
      activeVersion: 2,
      strategyType: 'ml',
    });
    const versions = await call(server.app, 'GET', `/api/models/${MODEL}/versions`);
    expect(
      versions.body.items.map((v: { version: number; active: boolean }) => [v.version, v.active]),
    ).toEqual([
      [1, false],
      [2, true],
    ]);
    const v1 = await call(server.app, 'GET', `/api/models/${MODEL}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.metricsByDataset.test).toEqual({ sharpe_ratio: 1.1, ic: 0.03, accuracy: 0.41 });
    expect(v1.body.metricsByDataset.backtest).toEqual({ sharpe_ratio: 1.1 + 0.3, ic: null });
    expect(v1.body.metrics).toHaveLength(6);
    expect(v1.body.trainingRuns[0]).toMatchObject({ status: 'completed', params: { seed: 0 } });
    const weights = v1.body.artifacts.find((a: { artifactType: string }) => a.artifactType === 'weights');
    const bytes = await store.registry.loadArtifact(weights.artifactId);
    expect(weights.sha256).toBe(sha256Hex(bytes));
    expect(weights.sizeBytes).toBe(bytes.length);
    expectError(await call(server.app, 'GET', `/api/models/${MODEL}/versions/9`), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', '/api/models/nope/versions'), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', `/api/models/${MODEL}/versions/zero`), 400, 'INVALID_INPUT');
  });

  it.skipIf(skip)('computes feature importance equal to a naive sum over the stored trees', async () => {
    const r = await call(server.app, 'GET', `/api/models/${MODEL}/importance?version=1`);
    expect(r.status).toBe(200);
    const m = (await store.registry.listVersions(MODEL))[0]!;
    const json = JSON.parse((await store.registry.loadModelArtifact(m.modelId, 'weights')).toString('utf8'));
    // naive twin: walk every split of every tree in the stored JSON
    const gain = new Map<string, number>();
    const splits = new Map<string, number>();
    for (const t of json.trees)
      t.feature.forEach((f: number, j: number) => {
        if (f < 0) return;
        const n = json.feature_names[f];
        gain.set(n, (gain.get(n) ?? 0) + t.gain[j]);
        splits.set(n, (splits.get(n) ?? 0) + 1);
      });
    const total = [...gain.values()].reduce((a, b) => a + b, 0);
    expect(r.body.features.map((x: { feature: string }) => x.feature).sort()).toEqual([...FEATURES].sort());
    for (const row of r.body.features) {
      expect(row.totalGain).toBeCloseTo(gain.get(row.feature) ?? 0, 9);
      expect(row.weight).toBe(splits.get(row.feature) ?? 0);
      if (row.weight > 0) expect(row.gain).toBeCloseTo(row.totalGain / row.weight, 9);
      else expect(row.gain).toBeNull();
      expect(row.gainShare).toBeCloseTo((gain.get(row.feature) ?? 0) / total, 12);
    }
    const sorted = r.body.features.map((x: { totalGain: number }) => x.totalGain);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    // the default version is the active one
    const active = await call(server.app, 'GET', `/api/models/${MODEL}/importance`);
    expect(active.body.version).toBe(2);
    const model2 = loadGbdt(
      (
        await store.registry.loadModelArtifact(
          (
            await store.registry.listVersions(MODEL)
          )[1]!.modelId,
          'weights',
        )
      ).toString('utf8'),
    );
    const top = model2.featureImportance().sort((a, b) => b.totalGain - a.totalGain)[0]!;
    expect(active.body.features[0].feature).toBe(top.name);
    expectError(
      await call(server.app, 'GET', `/api/models/${MODEL}/importance?sort=magic`),
      400,
      'INVALID_INPUT',
    );
  });

  it.skipIf(skip)(
    'refuses stage changes without a configured token, without a header, and with a wrong token',
    async () => {
      const body = { version: 1, reason: 'test' };
      expectError(
        await call(locked.app, 'POST', `/api/models/${MODEL}/promote`, { body, token: TOKEN }),
        403,
        'FORBIDDEN',
      );
      const none = await call(server.app, 'POST', `/api/models/${MODEL}/promote`, { body });
      expectError(none, 401, 'UNAUTHORIZED');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expectError(
        await call(server.app, 'POST', `/api/models/${MODEL}/promote`, { body, token: 'wrong' }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await call(server.app, 'POST', `/api/models/${MODEL}/rollback`, { body: {}, token: `${TOKEN}x` }),
        403,
        'FORBIDDEN',
      );
      expect((await store.registry.getActive(MODEL))!.version).toBe(2);
    },
  );

  it.skipIf(skip)(
    'promotes and rolls back with the token, validating the body, and records the history',
    async () => {
      const bad = await call(server.app, 'POST', `/api/models/${MODEL}/promote`, {
        body: { version: 'two' },
        token: TOKEN,
      });
      expectError(bad, 400, 'INVALID_INPUT');
      expect(bad.body.error.issues[0].path).toBe('body.version');
      const broken = await call(server.app, 'POST', `/api/models/${MODEL}/promote`, {
        rawBody: '{"version": 1',
        token: TOKEN,
      });
      expectError(broken, 400, 'INVALID_INPUT');
      expectError(
        await call(server.app, 'POST', `/api/models/${MODEL}/promote`, {
          body: { version: 7 },
          token: TOKEN,
        }),
        404,
        'NOT_FOUND',
      );
      const p = await call(server.app, 'POST', `/api/models/${MODEL}/promote`, {
        body: { version: 1, by: 'alice', reason: 'v2 drifted' },
        token: TOKEN,
      });
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({
        name: MODEL,
        version: 1,
        action: 'promote',
        changedBy: 'alice',
        reason: 'v2 drifted',
      });
      expect((await store.registry.getActive(MODEL))!.version).toBe(1);
      const rb = await call(server.app, 'POST', `/api/models/${MODEL}/rollback`, { body: {}, token: TOKEN });
      expect(rb.body).toMatchObject({ version: 2, action: 'rollback', changedBy: 'api' });
      expect((await store.registry.getActive(MODEL))!.version).toBe(2);
      const h = await call(server.app, 'GET', `/api/models/${MODEL}/history?limit=2`);
      expect(h.body.total).toBe(4);
      expect(h.body.items.map((e: { action: string; version: number }) => [e.action, e.version])).toEqual([
        ['rollback', 2],
        ['promote', 1],
      ]);
    },
  );

  it.skipIf(skip)('serves the latest features and point-in-time values under both timestamps', async () => {
    const latest = await call(
      server.app,
      'GET',
      '/api/features/latest?entity=AAPL&features=mom_5d,rsi_14&asOf=2024-03-27T23:00:00Z',
    );
    expect(latest.status).toBe(200);
    const byName = Object.fromEntries(
      latest.body.features.map((f: { feature: string; value: number }) => [f.feature, f.value]),
    );
    // 2024-03-27's values (close 21:00Z, ingest 22:00Z) are visible at 23:00Z; the 28th's are not
    expect(byName).toEqual({ mom_5d: 1 + 0.2, rsi_14: 2 + 0.2 });
    const early = await call(
      server.app,
      'GET',
      '/api/features/latest?entity=AAPL&features=mom_5d&asOf=2024-03-27T21:30:00Z',
    );
    expect(early.body.features[0].value).toBeCloseTo(1.1, 12);
    // seed 004's worked example
    const before = await call(
      server.app,
      'GET',
      '/api/features/latest?entity=AAPL&features=late_fact&asOf=2024-01-16T09:30:00Z',
    );
    expect(before.body.features).toEqual([]);
    const after = await call(
      server.app,
      'GET',
      '/api/features/latest?entity=AAPL&features=late_fact&asOf=2024-01-17T09:30:00Z',
    );
    expect(after.body.features[0]).toMatchObject({ value: 0.035, ingestTime: '2024-01-16T22:00:00.000Z' });
    const noZone = await call(server.app, 'GET', '/api/features/latest?entity=AAPL&asOf=2024-01-17T09:30:00');
    expectError(noZone, 400, 'INVALID_INPUT');
    expect(noZone.body.error.message).toMatch(/zone/);
    const pit = await call(
      server.app,
      'GET',
      '/api/features/point-in-time?entity=MSFT&asOf=2024-03-26T23:00:00Z&features=mom_5d,vol_20d',
    );
    expect(pit.body.features.map((c: { value: number }) => c.value)).toEqual([-1 + 0.1, -3 + 0.1]);
    const batch = await call(server.app, 'POST', '/api/features/point-in-time', {
      body: {
        requests: [
          { entity: 'AAPL', asOf: '2024-03-25T21:30:00Z' },
          { entity: 'AAPL', asOf: '2024-03-25' },
          { entity: 'GHOST', asOf: '2024-03-28T23:00:00Z' },
        ],
        features: ['mom_5d', { name: 'rsi_14', version: 1 }],
      },
    });
    expect(batch.status).toBe(200);
    // at the close itself the value is not yet ingested (lag 1 h): missing, explicit null, never 0
    expect(batch.body.rows[0].features[0]).toMatchObject({ value: null, eventTime: null, ingestTime: null });
    expect(batch.body.rows[1].features[0].value).toBeNull();
    expect(batch.body.rows[2].features.every((c: { value: unknown }) => c.value === null)).toBe(true);
    const tooMany = await call(server.app, 'POST', '/api/features/point-in-time', {
      body: {
        requests: Array.from({ length: 10_001 }, () => ({ entity: 'AAPL', asOf: '2024-03-25' })),
        features: ['mom_5d'],
      },
    });
    expectError(tooMany, 400, 'INVALID_INPUT');
    expectError(
      await call(
        server.app,
        'GET',
        '/api/features/point-in-time?entity=AAPL&asOf=2024-03-25&features=unknown_feature',
      ),
      400,
      'INVALID_INPUT',
    );
    const defs = await call(server.app, 'GET', '/api/features?limit=100');
    expect(defs.body.items.map((d: { name: string }) => d.name)).toEqual(
      expect.arrayContaining([...FEATURES, 'late_fact']),
    );
  });

  it.skipIf(skip)("serves the day's signals strongest first, with filters", async () => {
    const dates = await call(server.app, 'GET', '/api/signals/dates');
    expect(dates.body.dates).toEqual([SIGNAL_DATE]);
    const s = await call(server.app, 'GET', '/api/signals');
    expect(s.body).toMatchObject({ date: SIGNAL_DATE, total: 5, long: 3, short: 2 });
    expect(s.body.items.map((x: { ticker: string }) => x.ticker)).toEqual([
      'NVDA',
      'XOM',
      'AAPL',
      'MSFT',
      'JPM',
    ]);
    expect(s.body.items[0]).toMatchObject({
      direction: 'LONG',
      confidence: 0.72,
      size: 0.05,
      producerVersion: `${MODEL}:v2`,
    });
    const shorts = await call(
      server.app,
      'GET',
      `/api/signals?date=${SIGNAL_DATE}&direction=SHORT&minConfidence=0.6`,
    );
    expect(shorts.body.items.map((x: { ticker: string }) => x.ticker)).toEqual(['XOM']);
    expectError(await call(server.app, 'GET', '/api/signals?date=2024-03-29'), 404, 'NOT_FOUND');
    expectError(await call(server.app, 'GET', '/api/signals?date=2024-3-29'), 400, 'INVALID_INPUT');
  });

  it.skipIf(skip)(
    'serves drift metrics as columns, the PSI heatmap by feature and date, and alerts',
    async () => {
      const strategies = await call(server.app, 'GET', '/api/drift/strategies');
      expect(strategies.body.items).toEqual([
        { strategyId: STRATEGY, first: DRIFT_DATES[0], last: DRIFT_DATES[3], days: 4 },
      ]);
      const d = await call(server.app, 'GET', `/api/drift/${STRATEGY}?from=${DRIFT_DATES[1]}`);
      expect(d.body.dates).toEqual(DRIFT_DATES.slice(1));
      expect(d.body.ic5dAvg[0]).toBeNull();
      expect(d.body.ic[2]).toBeCloseTo(0.04 - 0.045, 12);
      expect(d.body.psiAlert).toEqual([false, false, true]);
      const h = await call(server.app, 'GET', `/api/drift/${STRATEGY}/psi`);
      expect(h.body.features).toEqual(['mom_5d', 'rsi_14', 'vol_20d']);
      expect(h.body.dates).toEqual([...DRIFT_DATES]);
      const D = DRIFT_DATES.length;
      expect(h.body.values[0 * D + 3]).toBeCloseTo(0.32, 12);
      expect(h.body.values[2 * D + 0]).toBeNull();
      expect(h.body.values[2 * D + 1]).toBe(0.3);
      const none = await call(server.app, 'GET', '/api/drift/unknown_strategy/psi');
      expect(none.body).toMatchObject({ dates: [], features: [], values: [] });
      expectError(
        await call(server.app, 'GET', `/api/drift/${STRATEGY}?from=yesterday`),
        400,
        'INVALID_INPUT',
      );

      const all = await call(server.app, 'GET', '/api/alerts');
      expect(all.body.total).toBe(3);
      expect(all.body.items.map((a: { rule: string }) => a.rule)).toEqual([
        'stale_model',
        'psi_severe',
        'psi_warning',
      ]);
      const mine = await call(server.app, 'GET', `/api/alerts?strategy=${STRATEGY}&limit=1&offset=1`);
      expect(mine.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(mine.body.items[0]).toMatchObject({
        rule: 'psi_warning',
        value: 0.21,
        threshold: 0.1,
        date: DRIFT_DATES[2],
      });
      const severe = await call(server.app, 'GET', '/api/alerts?severity=severe,critical');
      expect(severe.body.items.map((a: { severity: string }) => a.severity)).toEqual(['severe']);
      const info = await call(server.app, 'GET', '/api/alerts?strategy=other');
      expect(info.body.items[0].value).toBeNull();
      const bad = await call(server.app, 'GET', '/api/alerts?severity=loud');
      expectError(bad, 400, 'INVALID_INPUT');
      expect(bad.body.error.issues[0].path).toMatch(/^query\.severity/);
    },
  );

  it.skipIf(skip)(
    'passes the run request to the monitor with the token, and answers 503 when there is none',
    async () => {
      expectError(
        await call(server.app, 'POST', '/api/monitor/run', { body: { date: '2024-03-28' } }),
        401,
        'UNAUTHORIZED',
      );
      expect(requests).toEqual([]);
      const ok = await call(server.app, 'POST', '/api/monitor/run', {
        body: { date: '2024-03-28', strategy: STRATEGY, model: MODEL },
        token: TOKEN,
      });
      expect(ok.status, ok.text).toBe(200);
      expect(requests).toEqual([{ date: '2024-03-28', strategyId: STRATEGY, model: MODEL }]);
      expect(ok.body).toMatchObject({
        date: '2024-03-28',
        strategyId: STRATEGY,
        model: MODEL,
        worstSeverity: null,
        exitCode: 0,
        alerts: [],
      });
      expect(ok.body.metrics.ic).toBeNull();
      expectError(
        await call(server.app, 'POST', '/api/monitor/run', { body: { date: 'today' }, token: TOKEN }),
        400,
        'INVALID_INPUT',
      );
      const bare = await buildServer({
        store,
        runsDir: join(root, 'runs'),
        token: TOKEN,
        monitorUnavailable: 'no universe: start serve with --universe <dir>',
      });
      try {
        const r = await call(bare.app, 'POST', '/api/monitor/run', {
          body: { date: '2024-03-28' },
          token: TOKEN,
        });
        expectError(r, 503, 'MONITOR_UNAVAILABLE');
        expect(r.body.error.message).toBe('no universe: start serve with --universe <dir>');
        expect(r.headers['retry-after']).toBeUndefined();
      } finally {
        await bare.app.close();
      }
    },
  );

  it.skipIf(skip)(
    'answers unknown routes with JSON 404 and unknown pages with the not-built page',
    async () => {
      expectError(await call(server.app, 'GET', '/api/nothing-here'), 404, 'NOT_FOUND');
      const s = await buildServer({ store, runsDir: join(root, 'runs'), webDir: join(root, 'no-dist') });
      try {
        const page = await s.app.inject({ method: 'GET', url: '/' });
        expect(page.statusCode).toBe(503);
        expect(page.body).toContain('npm run build:web');
        const api = await call(s.app, 'GET', '/api/runs');
        expectError(api, 404, 'NOT_FOUND');
        expect(api.body.error.message).toMatch(/runs folder/);
        expect(api.text).not.toContain(root);
      } finally {
        await s.app.close();
      }
    },
  );
});
