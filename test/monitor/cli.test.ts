import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { exitCodeFor } from '../../src/cli/errors.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { exitCodeForSeverity } from '../../src/monitor/run-day.ts';
import { openStore } from '../../src/store/open-store.ts';
import { MONITOR_MARKET, monitorMarket, registrationClock, seedMonitoredModel } from './monitored-model.ts';

const MARKET = MONITOR_MARKET;
let dir = '';
let D = '';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const ctx = createCliContext({
    stdout: (t) => {
      stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    stderr: (t) => {
      stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    stderrIsTTY: false,
    env: { ALPHALAB_LOG_LEVEL: 'silent' },
  });
  const program = buildProgram(ctx); // monitor and daily are core commands
  let code = 0;
  try {
    await program.parseAsync(['node', 'alphalab', ...args]);
  } catch (e) {
    code = exitCodeFor(e);
    if (code === 2) stderr += String((e as Error).message);
  }
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alphalab-monitor-cli-'));
  const u = monitorMarket();
  const store = await openStore({ workspace: dir, clock: registrationClock(u), env: {} });
  try {
    await seedMonitoredModel(store, u);
  } finally {
    await store.close();
  }
  D = u.dates[300]!;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const market = [
  '--stocks',
  String(MARKET.stocks),
  '--days',
  String(MARKET.days),
  '--seed',
  String(MARKET.seed),
];

describe('alphalab monitor run and alphalab daily', () => {
  it('monitor run stores the day, reports the stale model, and exits with the worst severity', async () => {
    const r = await cli(['monitor', 'run', '--date', D, ...market, '--workspace', dir, '--json']);
    const out = JSON.parse(r.stdout) as {
      worstSeverity: 'warning' | 'severe' | 'critical';
      alerts: { rule: string; value: number }[];
      metrics: { modelAgeDays: number; psi: { eligible: boolean }[] };
    };
    expect(out.alerts.map((a) => a.rule)).toContain('model_stale');
    expect(out.metrics.modelAgeDays).toBeGreaterThan(14);
    // 60 names per day is below psi_min_samples = 500: PSI is computed but never alerts.
    expect(out.metrics.psi.every((p) => !p.eligible)).toBe(true);
    expect(out.alerts.some((a) => a.rule.startsWith('psi'))).toBe(false);
    expect(r.code).toBe(exitCodeForSeverity(out.worstSeverity));
    expect(r.code).toBeGreaterThanOrEqual(10);
  }, 60_000);
  it('daily re-runs the same day idempotently and prints the decision line', async () => {
    const r = await cli(['daily', '--date', D, ...market, '--workspace', dir]);
    expect(r.stdout).toMatch(/=== alphalab daily: \d{4}-\d{2}-\d{2} · strategy ml_signal ===/);
    expect(r.stdout).toMatch(/\[2\] Model\n {2}ml_signal v1, [\d.]+ days old — STALE \(> 14 days\)/);
    expect(r.stdout).toMatch(/\[ACTION REQUIRED \((warning|severe|critical)\): /);
    expect(r.stdout).toContain('[already raised]');
    expect(r.code).toBeGreaterThanOrEqual(10);
    const store = await openStore({ workspace: dir, env: {} });
    try {
      const rows = await store.monitoring.getDriftMetrics('ml_signal');
      expect(rows.map((x) => x.date)).toEqual([D]);
      const alerts = await store.monitoring.listAlerts({ strategyId: 'ml_signal' });
      expect(new Set(alerts.map((a) => a.rule)).size).toBe(alerts.length);
    } finally {
      await store.close();
    }
  }, 60_000);
  it('a rules file from --rules changes the outcome; user mistakes exit 2', async () => {
    const rules = join(dir, 'quiet.yaml');
    writeFileSync(rules, 'rules: []\n');
    const ok = await cli(['monitor', 'run', '--date', D, ...market, '--workspace', dir, '--rules', rules]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK: all metrics within normal range/);
    const bad = await cli(['monitor', 'run', '--date', '2015-13-01', ...market, '--workspace', dir]);
    expect(bad.code).toBe(2);
    const notTrading = await cli(['monitor', 'run', '--date', '1999-01-04', ...market, '--workspace', dir]);
    expect(notTrading.code).toBe(2);
    expect(notTrading.stderr).toMatch(/not a trading date/);
    const retrain = await cli(['daily', '--date', D, '--retrain', ...market, '--workspace', dir]);
    expect(retrain.code).toBe(2);
    expect(retrain.stderr).toMatch(/--retrain needs --date to be the universe's last date/);
  }, 60_000);
});
