import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext } from '../../src/cli/context.ts';
import { exitCodeFor } from '../../src/cli/errors.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { closeTime } from '../../src/core/calendar.ts';
import { requirePanel } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { computeFeatures, featureMatrixAt } from '../../src/ml/features/feature-set.ts';
import { freezeWhitelist } from '../../src/ml/features/whitelist.ts';
import { saveGbdt } from '../../src/ml/gbdt/json.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { ARTIFACT_TYPES, payoffsToJson } from '../../src/ml/strategy/bundle.ts';
import { exitCodeForSeverity } from '../../src/monitor/run-day.ts';
import { openStore } from '../../src/store/open-store.ts';

const MARKET = { stocks: 60, days: 320, seed: 5 };
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
  const u = generateSyntheticMarket({ ...MARKET, sectors: 11, start: '2015-01-01' }).universe;
  const fs = computeFeatures(u, { families: ['technical'] });
  const names = fs.names.slice(0, 4);
  const close = requirePanel(u, 'close').values;
  const N = u.tickers.length;
  const di: number[] = [];
  const ti: number[] = [];
  const y: number[] = [];
  for (let s = 60; s < 200; s += 3)
    for (let i = 0; i < N; i++) {
      const R = close[(s + 6) * N + i]! / close[(s + 1) * N + i]! - 1;
      if (!Number.isFinite(R)) continue;
      di.push(s);
      ti.push(i);
      y.push(R > 0.01 ? 2 : R < -0.01 ? 0 : 1);
    }
  const X = featureMatrixAt(fs, di, ti, names);
  const model = trainGbdt(X, y, { params: { nEstimators: 5, maxDepth: 2 } });
  const store = await openStore({ workspace: dir, clock: () => closeTime(u.dates[205]!), env: {} });
  try {
    const m = await store.registry.register('ml_signal', { strategyType: 'ml_signal' });
    const run = await store.registry.startTrainingRun(m.modelId, {
      datasetStart: closeTime(u.dates[60]!),
      datasetEnd: closeTime(u.dates[199]!),
    });
    await store.registry.finishTrainingRun(run, 'completed', { modelId: m.modelId });
    await store.registry.logArtifact(
      m.modelId,
      { name: 'model.json', data: saveGbdt(model) },
      ARTIFACT_TYPES.weights,
    );
    await store.registry.logArtifact(
      m.modelId,
      { name: 'feature_whitelist.json', data: JSON.stringify(freezeWhitelist(names)) },
      ARTIFACT_TYPES.whitelist,
    );
    await store.registry.logArtifact(
      m.modelId,
      { name: 'payoffs.json', data: payoffsToJson(Float64Array.from([-0.02, 0, 0.02]), 5) },
      ARTIFACT_TYPES.payoffs,
    );
    await store.registry.promote('ml_signal', m.version, { by: 'test', reason: 'deploy' });
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
