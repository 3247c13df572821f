/**
 * POST /api/monitor/run with the real drift monitor (src/monitor) wired as `alphalab serve` wires it
 * (src/cli/serve-monitor.ts): on a workspace with a deployed model, a run stores the day's metrics and
 * alerts, which the read endpoints then serve; a re-run is idempotent; auth and bad dates are refused.
 * DuckDB and — when ALPHALAB_TEST_PG_URL is set — PostgreSQL in a fresh schema. Then the `serve` command
 * itself, with and without a universe.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { registerServeCommand } from '../../src/cli/serve.ts';
import { serveMonitorRunner } from '../../src/cli/serve-monitor.ts';
import type { Universe } from '../../src/core/universe.ts';
import { type AlphalabServer, buildServer } from '../../src/server/index.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import {
  MONITOR_MARKET,
  MONITORED_MODEL,
  monitorMarket,
  registrationClock,
  seedMonitoredModel,
} from '../monitor/monitored-model.ts';
import { call, expectError } from './helpers.ts';

const PG_URL = process.env.ALPHALAB_TEST_PG_URL;
const TOKEN = 'monitor-token-0123456789';
const env = { ALPHALAB_LOG_LEVEL: 'silent', ALPHALAB_SERVER__TOKEN: TOKEN };
const quietIo = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false, env };

let universe: Universe;
beforeAll(() => {
  universe = monitorMarket();
});

const engines = [
  { name: 'duckdb', url: undefined as string | undefined, skip: false },
  { name: 'postgres', url: PG_URL, skip: !PG_URL },
];

describe.each(engines)('POST /api/monitor/run on $name', ({ name, url, skip }) => {
  let root: string;
  let store: Store;
  let server: AlphalabServer;
  let D: string;
  const schema = `alphalab_monitor_api_${process.pid}`;

  beforeAll(async () => {
    if (skip) return;
    root = mkdtempSync(join(tmpdir(), `alphalab-monitor-api-${name}-`));
    store = await openStore({
      workspace: join(root, 'workspace'),
      env: {},
      clock: registrationClock(universe),
      ...(url ? { dbUrl: url, pgSchema: schema } : {}),
    });
    await seedMonitoredModel(store, universe);
    D = universe.dates[300]!;
    const session = createCliContext(quietIo).session(new Command('alphalab'));
    const config = session.config();
    const monitor = serveMonitorRunner(session, config, store, { ...MONITOR_MARKET });
    expect(monitor).toBeDefined();
    server = await buildServer({
      store,
      runsDir: join(root, 'runs'),
      token: TOKEN,
      validateResponses: true,
      ...(monitor ? { monitor } : {}),
    });
  }, 120_000);

  afterAll(async () => {
    if (skip) return;
    await server?.app.close();
    await store?.close();
    if (url) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(skip)('refuses a run without the token or with a wrong one, and bad dates', async () => {
    expectError(
      await call(server.app, 'POST', '/api/monitor/run', { body: { date: D } }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call(server.app, 'POST', '/api/monitor/run', { body: { date: D }, token: 'wrong-token' }),
      403,
      'FORBIDDEN',
    );
    const malformed = await call(server.app, 'POST', '/api/monitor/run', {
      body: { date: '2015-13-01' },
      token: TOKEN,
    });
    expectError(malformed, 400, 'INVALID_INPUT');
    expect(malformed.body.error.issues[0].path).toBe('body.date');
    const weekend = await call(server.app, 'POST', '/api/monitor/run', {
      body: { date: '1999-01-04' },
      token: TOKEN,
    });
    expectError(weekend, 400, 'INVALID_INPUT');
    expect(weekend.body.error.message).toMatch(/not a trading date of the served universe/);
    // Nothing was stored by the refused runs.
    expect((await call(server.app, 'GET', `/api/drift/${MONITORED_MODEL}`)).body.dates).toEqual([]);
  });

  it.skipIf(skip)(
    'runs the monitor for a date; its metrics and alerts appear in the read endpoints; a re-run is idempotent',
    async () => {
      const run = await call(server.app, 'POST', '/api/monitor/run', { body: { date: D }, token: TOKEN });
      expect(run.status, run.text).toBe(200);
      expect(run.body).toMatchObject({ date: D, strategyId: MONITORED_MODEL, model: MONITORED_MODEL });
      const rules = run.body.alerts.map((a: { rule: string }) => a.rule);
      expect(rules).toContain('model_stale');
      expect(run.body.alerts.every((a: { new: boolean }) => a.new)).toBe(true);
      expect(run.body.metrics.modelAgeDays).toBeGreaterThan(14);
      expect(run.body.exitCode).toBeGreaterThanOrEqual(10);
      expect(run.body.decision).toMatch(/^ACTION REQUIRED/);

      const strategies = await call(server.app, 'GET', '/api/drift/strategies');
      expect(strategies.body.items).toEqual([{ strategyId: MONITORED_MODEL, first: D, last: D, days: 1 }]);
      const metrics = await call(server.app, 'GET', `/api/drift/${MONITORED_MODEL}`);
      expect(metrics.body.dates).toEqual([D]);
      expect(metrics.body.ic[0]).toBe(run.body.metrics.ic);
      expect(metrics.body.psi[0]).toBe(run.body.metrics.psiMax);
      const heat = await call(server.app, 'GET', `/api/drift/${MONITORED_MODEL}/psi`);
      expect(heat.body.features).toEqual(
        run.body.metrics.psi.map((p: { feature: string }) => p.feature).sort(),
      );
      const alerts = await call(server.app, 'GET', `/api/alerts?strategy=${MONITORED_MODEL}`);
      expect(alerts.body.total).toBe(rules.length);
      expect(alerts.body.items.map((a: { rule: string }) => a.rule).sort()).toEqual([...rules].sort());
      expect(alerts.body.items.every((a: { date: string }) => a.date === D)).toBe(true);

      const again = await call(server.app, 'POST', '/api/monitor/run', { body: { date: D }, token: TOKEN });
      expect(again.status, again.text).toBe(200);
      expect(again.body.alerts.map((a: { rule: string }) => a.rule)).toEqual(rules);
      expect(again.body.alerts.every((a: { new: boolean }) => !a.new)).toBe(true);
      const after = await call(server.app, 'GET', `/api/alerts?strategy=${MONITORED_MODEL}`);
      expect(after.body.items.map((a: { alertId: number }) => a.alertId)).toEqual(
        alerts.body.items.map((a: { alertId: number }) => a.alertId),
      );
      expect((await call(server.app, 'GET', '/api/drift/strategies')).body.items[0].days).toBe(1);
    },
    120_000,
  );
});

/** Runs `alphalab serve <args>` on a free port, hands the listening server to `fn`, then stops it. */
async function withServe(args: string[], fn: (s: AlphalabServer) => Promise<void>): Promise<void> {
  const program = new Command('alphalab').option('--json').exitOverride();
  let failure: unknown;
  registerServeCommand(program, createCliContext(quietIo), {
    onListening: (s) => {
      void fn(s)
        .catch((e: unknown) => {
          failure = e;
        })
        .finally(() => s.app.close());
    },
  });
  await program.parseAsync(['node', 'alphalab', 'serve', '--port', '0', ...args]);
  if (failure) throw failure;
}

describe('alphalab serve and the monitor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alphalab-serve-monitor-'));
    const store = await openStore({ workspace: dir, env: {}, clock: registrationClock(universe) });
    try {
      await seedMonitoredModel(store, universe);
    } finally {
      await store.close();
    }
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const market = ['--stocks', '60', '--days', '320', '--seed', '5'];

  it('runs the monitor on the synthetic market named by the flags', async () => {
    await withServe(['--workspace', dir, '--runs', join(dir, 'runs'), ...market], async (s) => {
      expect((await call(s.app, 'GET', '/api/health')).body.monitorAvailable).toBe(true);
      const r = await call(s.app, 'POST', '/api/monitor/run', {
        body: { date: universe.dates[300], strategy: 'served' },
        token: TOKEN,
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body).toMatchObject({ strategyId: 'served', model: MONITORED_MODEL });
      const drift = await call(s.app, 'GET', '/api/drift/served');
      expect(drift.body.dates).toEqual([universe.dates[300]]);
    });
  }, 120_000);

  it('says which flag provides a universe when serve was started without one', async () => {
    await withServe(['--workspace', dir, '--runs', join(dir, 'runs')], async (s) => {
      expect((await call(s.app, 'GET', '/api/health')).body.monitorAvailable).toBe(false);
      const r = await call(s.app, 'POST', '/api/monitor/run', {
        body: { date: universe.dates[300] },
        token: TOKEN,
      });
      expectError(r, 503, 'MONITOR_UNAVAILABLE');
      expect(r.body.error.message).toMatch(/--universe <dir>/);
      expect(r.body.error.message).toMatch(/data\.universe/);
    });
  }, 60_000);
});
