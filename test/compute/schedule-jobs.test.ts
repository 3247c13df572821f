// The scheduled `retrain` and `monitor` jobs run for real (src/cli/jobs.ts, loaded by module URL as the
// worker loads it) on a small synthetic market with a DuckDB workspace: retrain registers and promotes a
// model version; monitor then stores the last date's drift metrics, and a second run of the day is
// idempotent (same metrics row, no alert sent twice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULE_JOBS_MODULE } from '../../src/cli/jobs.ts';
import { loadScheduleHandlers, runScheduledJob } from '../../src/compute/schedule/jobs.ts';
import { type AlphalabConfig, defaultConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/generate.ts';
import { openStore } from '../../src/store/open-store.ts';

const ws = mkdtempSync(join(tmpdir(), 'alphalab-sched-jobs-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const base = defaultConfig();
// 60 stocks × 400 days: a 12-month training window and one 6-month test window after the warm-up; one TPE
// trial and a small forest keep the run to seconds.
const config: AlphalabConfig = {
  ...base,
  data: { ...base.data, synthetic: { ...base.data.synthetic, stocks: 60, days: 400, seed: 11 } },
  store: { ...base.store, workspace: ws },
  ml: {
    ...base.ml,
    train_months: 9,
    test_months: 3,
    step_months: 3,
    tuning_trials: 1,
    min_training_samples: 200,
    confidence_threshold: 0.4,
    xgb_params: { ...base.ml.xgb_params, n_estimators: 15, max_depth: 2 },
  },
};

interface RetrainSummary {
  model: { name: string; version: number; modelId: string };
  promoted: boolean;
  windows: number;
  windowsEvaluated: number;
  outOfSample: { rows: number; log_loss: number | null };
}

interface MonitorSummary {
  date: string;
  model: { name: string; version: number } | null;
  alerts: { total: number; new: number; bySeverity: Record<string, number> };
  decision: string;
}

describe('scheduled retrain and monitor jobs (src/cli/jobs.ts)', () => {
  it('retrain registers a model version; monitor writes the last date once, idempotently', async () => {
    const handlers = await loadScheduleHandlers([SCHEDULE_JOBS_MODULE]);
    expect([...handlers.keys()].sort()).toEqual(['monitor', 'retrain', 'risk_build']);
    const ctx = { config, logger: silentLogger };

    const r = (await runScheduledJob('retrain', handlers, ctx)) as RetrainSummary;
    expect(r.model).toMatchObject({ name: config.ml.model_name, version: 1 });
    expect(r.promoted).toBe(true);
    expect(r.windowsEvaluated).toBeGreaterThanOrEqual(1);
    expect(r.outOfSample.rows).toBeGreaterThan(0);
    expect(r.outOfSample.log_loss).toBeGreaterThan(0);
    // JSON-clean: BullMQ stores the result as JSON.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);

    const last = generateSyntheticMarket(config.data.synthetic).universe.dates.at(-1)!;
    const first = (await runScheduledJob('monitor', handlers, ctx)) as MonitorSummary;
    expect(first.date).toBe(last);
    expect(first.model).toMatchObject({ name: config.ml.model_name, version: 1 });
    expect(first.decision).toMatch(/^(OK|ACTION REQUIRED)/);
    // Seed 11's market raises alerts on its last date, so the second run below has something to repeat.
    expect(first.alerts.total).toBeGreaterThan(0);
    const counted = Object.values(first.alerts.bySeverity).reduce((a, b) => a + b, 0);
    expect(counted).toBe(first.alerts.total);
    expect(first.alerts.new).toBe(first.alerts.total);

    const second = (await runScheduledJob('monitor', handlers, ctx)) as MonitorSummary;
    expect(second.alerts.total).toBe(first.alerts.total);
    expect(second.alerts.new).toBe(0);
    expect(second.decision).toBe(first.decision);

    const store = await openStore({ workspace: ws, env: {} });
    try {
      const versions = await store.registry.listVersions(config.ml.model_name);
      expect(versions.map((v) => v.version)).toEqual([1]);
      const rows = await store.monitoring.getDriftMetrics(config.ml.model_name, { from: last, to: last });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.date).toBe(last);
      const alerts = await store.monitoring.listAlerts({ strategyId: config.ml.model_name });
      expect(alerts).toHaveLength(first.alerts.total);
    } finally {
      await store.close();
    }
  }, 120_000);
});
