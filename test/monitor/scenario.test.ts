/**
 * A year of daily monitoring on a simulated market with a regime change at a known date C. A GBDT
 * (src/ml) is trained on point-in-time features of the first 200 days and registered and promoted in the
 * registry. Feature x1 predicts the next week's returns (an AR(1) characteristic), x2 is noise. At C the
 * observed x1 shifts by one sd (a vendor change: PSI) and its effect on returns flips sign (signal decay).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDays, closeTime } from '../../src/core/calendar.ts';
import { Rng } from '../../src/core/rng.ts';
import { trainGbdt } from '../../src/ml/gbdt/train.ts';
import { loadAlertRules } from '../../src/monitor/rules.ts';
import { type MonitorDayResult, runMonitorDay } from '../../src/monitor/run-day.ts';
import type { AlertNotice, AlertSink } from '../../src/monitor/sinks.ts';
import type { DriftInput, PredictionBatch } from '../../src/monitor/types.ts';
import { listAlertsOfDay } from '../../src/store/monitoring-alerts.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

const N = 600;
const TRAIN = 200;
const DAYS = 252;
const C = TRAIN + 150;
const T = TRAIN + DAYS + 8;
const H = 5;
const DELAY = 1;
const dates = businessDays('2022-01-03', T);

function simulate() {
  const rng = new Rng(2024);
  const x1 = new Float64Array(T * N);
  const x1obs = new Float64Array(T * N);
  const x2 = new Float64Array(T * N);
  const r = new Float64Array(T * N).fill(Number.NaN);
  const phi = 0.9;
  for (let t = 0; t < T; t++)
    for (let i = 0; i < N; i++) {
      const k = t * N + i;
      x1[k] = t === 0 ? rng.normal() : phi * x1[k - N]! + Math.sqrt(1 - phi * phi) * rng.normal();
      x1obs[k] = x1[k]! + (t >= C ? 1 : 0);
      x2[k] = rng.normal();
      const kappa = t >= C ? -0.004 : 0.004;
      if (t >= 2) r[k] = kappa * x1[k - 2 * N]! + 0.01 * rng.normal();
    }
  return { x1obs, x2, r };
}
const { x1obs, x2, r } = simulate();

/** Forward return over bars s+d+1 … s+d+h (methods.md §1), compounded. */
function forward(s: number, i: number): number {
  let g = 1;
  for (let v = s + DELAY + 1; v <= s + DELAY + H; v++) g *= 1 + r[v * N + i]!;
  return g - 1;
}
const klass = (R: number) => (R > 0.01 ? 2 : R < -0.01 ? 0 : 1);

let dir = '';
let store: Store;
const results: MonitorDayResult[] = [];
const sent: AlertNotice[] = [];
const sink: AlertSink = {
  name: 'capture',
  send: async (n) => {
    sent.push(n);
  },
  close: async () => {},
};
const rules = loadAlertRules(undefined, { stalenessDays: 400 });
const metricOptions = {
  psiMinSamples: 500,
  accuracyWindow: 5 * N,
  sharpeWindows: [5, 20, 63],
  icMinCount: 20,
  icAverageBatches: 5,
};
let inputOf: (t: number) => DriftInput;

beforeAll(async () => {
  // Train on decision dates ≤ TRAIN − d − h − 1 so every label is known before deployment.
  const rows: number[] = [];
  const y: number[] = [];
  for (let s = 10; s + DELAY + H < TRAIN; s += 4)
    for (let i = 0; i < N; i++) {
      rows.push(x1obs[s * N + i]!, x2[s * N + i]!);
      y.push(klass(forward(s, i)));
    }
  const model = trainGbdt(
    { rows: y.length, cols: 2, values: Float64Array.from(rows), names: ['x1', 'x2'] },
    y,
    { params: { nEstimators: 15, maxDepth: 3, learningRate: 0.3 } },
  );
  dir = mkdtempSync(join(tmpdir(), 'alphalab-monitor-'));
  const deployedAt = closeTime(dates[TRAIN - 1]!);
  store = await openStore({ workspace: dir, dbUrl: ':memory:', clock: () => deployedAt, env: {} });
  const info = await store.registry.register('scenario_gbdt', { strategyType: 'ml_signal' });
  await store.registry.promote('scenario_gbdt', info.version, { by: 'test', reason: 'deploy' });

  const batches = new Map<number, PredictionBatch>();
  const predict = (s: number, t: number): PredictionBatch => {
    const X = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) {
      X[2 * i] = x1obs[s * N + i]!;
      X[2 * i + 1] = x2[s * N + i]!;
    }
    const P = model.predictProba({ rows: N, cols: 2, values: X, names: ['x1', 'x2'] });
    const e = s + DELAY + H;
    const resolved = e <= t;
    const b: PredictionBatch = {
      date: dates[s]!,
      horizon: H,
      resolvesOn: dates[e]!,
      score: Float64Array.from({ length: N }, (_, i) => P[3 * i + 2]! - P[3 * i]!),
      predictedClass: Float64Array.from({ length: N }, (_, i) => {
        let c = 0;
        if (P[3 * i + 1]! > P[3 * i + c]!) c = 1;
        if (P[3 * i + 2]! > P[3 * i + c]!) c = 2;
        return c;
      }),
      realisedReturn: Float64Array.from({ length: N }, (_, i) => (resolved ? forward(s, i) : Number.NaN)),
      realisedClass: Float64Array.from({ length: N }, (_, i) =>
        resolved ? klass(forward(s, i)) : Number.NaN,
      ),
    };
    if (resolved) batches.set(s, b);
    return b;
  };
  const book = new Map<number, number>();
  const bookReturn = (v: number) => {
    // Dollar-neutral book on the scores decided at v − d − 1, earning bar v's returns.
    let cached = book.get(v);
    if (cached !== undefined) return cached;
    const s = v - DELAY - 1;
    const b = batches.get(s) ?? predict(s, s);
    const m = b.score.reduce((a, x) => a + x, 0) / N;
    let gross = 0;
    for (let i = 0; i < N; i++) gross += Math.abs(b.score[i]! - m);
    cached = 0;
    for (let i = 0; i < N; i++) cached += ((b.score[i]! - m) / gross) * r[v * N + i]!;
    book.set(v, cached);
    return cached;
  };
  // The training-period baseline: every 4th training day (50 × 600 values per feature).
  const baseline = (x: Float64Array) => {
    const out: number[] = [];
    for (let s = 0; s < TRAIN; s += 4) for (let i = 0; i < N; i++) out.push(x[s * N + i]!);
    return Float64Array.from(out);
  };
  const base1 = baseline(x1obs);
  const base2 = baseline(x2);
  inputOf = (t: number) => {
    const predictions: PredictionBatch[] = [];
    for (let s = Math.max(0, t - 20); s <= t; s++) predictions.push(batches.get(s) ?? predict(s, t));
    const from = TRAIN - 70;
    const rd: string[] = [];
    const rv: number[] = [];
    for (let v = from; v <= t; v++) {
      rd.push(dates[v]!);
      rv.push(bookReturn(v));
    }
    return {
      date: dates[t]!,
      strategyId: 'scenario',
      predictions,
      returns: { dates: rd, values: Float64Array.from(rv) },
      features: [
        { name: 'x1', baseline: base1, current: x1obs.slice(t * N, (t + 1) * N) },
        { name: 'x2', baseline: base2, current: x2.slice(t * N, (t + 1) * N) },
      ],
      model: { name: 'scenario_gbdt', version: info.version, createdAtMs: deployedAt },
    };
  };
  for (let t = TRAIN; t < TRAIN + DAYS; t++)
    results.push(await runMonitorDay({ store, input: inputOf(t), rules, metricOptions, sinks: [sink] }));
}, 60_000);

afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const at = (t: number) => results[t - TRAIN]!;
const firstDay = (pred: (r: MonitorDayResult) => boolean) => {
  const k = results.findIndex(pred);
  return k < 0 ? -1 : k + TRAIN;
};

describe('a year of daily monitoring with a regime change at C', () => {
  it('the deployed model is good before C and no alert fires before C', () => {
    for (let t = TRAIN + 10; t < C; t++) expect(at(t).alerts, dates[t]).toEqual([]);
    expect(at(C - 1).metrics.ic5dAvg).toBeGreaterThan(0.1);
    expect(at(C - 1).metrics.values.sharpe_63d).toBeGreaterThan(2);
    expect(at(C - 1).metrics.accuracy).toBeGreaterThan(at(C - 1).metrics.majorityRate);
    expect(at(C - 1).exitCode).toBe(0);
  });
  it('the feature shift fires a severe PSI alert on x1 on day C itself, never on x2', () => {
    const psi = at(C).alerts.filter((a) => a.metric.startsWith('psi'));
    expect(psi.map((a) => [a.metric, a.severity, a.rule])).toEqual([['psi:x1', 'severe', 'psi_above_0_25']]);
    expect(psi[0]!.value).toBeGreaterThan(0.25);
    expect(psi[0]!.distance).toBeCloseTo(psi[0]!.value - 0.25, 12);
    expect(at(C - 1).metrics.values['psi:x1']).toBeLessThan(0.1);
    for (const d of results) expect(d.alerts.some((a) => a.metric === 'psi:x2')).toBe(false);
  });
  it('the signal decay turns IC negative: critical on the third negative day, between C+4 and C+7', () => {
    const first = firstDay((d) => d.alerts.some((a) => a.rule === 'ic_negative_3d'));
    expect(first).toBeGreaterThanOrEqual(C + 4);
    expect(first).toBeLessThanOrEqual(C + 7);
    const a = at(first).alerts.find((x) => x.rule === 'ic_negative_3d')!;
    expect(a).toMatchObject({
      severity: 'critical',
      consecutive: 3,
      action: 'pause the strategy, manual review',
    });
    for (const t of [first - 1, first - 2]) expect(at(t).metrics.ic).toBeLessThan(0);
    expect(at(first).exitCode).toBe(12);
    expect(at(C + 20).alerts.find((x) => x.metric === 'ic')?.severity).toBe('critical');
    expect(at(C + 20).decision).toMatch(/^ACTION REQUIRED \(critical\)/);
  });
  it('the 63-day Sharpe decays later (severe after five negative days); accuracy falls below the majority rate', () => {
    const first = firstDay((d) => d.alerts.some((a) => a.metric === 'sharpe_63d'));
    const severe = firstDay((d) => d.alerts.some((a) => a.rule === 'sharpe_negative_5d'));
    expect(first).toBeGreaterThan(C + 10);
    expect(severe).toBeGreaterThanOrEqual(first);
    expect(severe).toBeLessThan(C + 63);
    for (let t = severe - 4; t <= severe; t++) expect(at(t).metrics.values.sharpe_63d).toBeLessThan(0);
    expect(at(severe - 5).metrics.values.sharpe_63d).toBeGreaterThanOrEqual(0);
    const acc = firstDay((d) => d.alerts.some((a) => a.rule === 'accuracy_below_majority'));
    expect(acc).toBeGreaterThan(C);
  });
  it('persists one metrics row per day and exactly the alerts that fired, each sent once', async () => {
    const rows = await store.monitoring.getDriftMetrics('scenario');
    expect(rows).toHaveLength(DAYS);
    expect(rows[C - TRAIN]!.date).toBe(dates[C]);
    expect(rows[C - TRAIN]!.psiAlert).toBe(true);
    expect(rows[C - TRAIN - 1]!.psi).toBeCloseTo(at(C - 1).metrics.psiMax, 12);
    const stored = await store.monitoring.listAlerts({ strategyId: 'scenario', limit: 100_000 });
    const fired = results.reduce((s, d) => s + d.alerts.length, 0);
    expect(stored).toHaveLength(fired);
    expect(stored.every((a) => a.date! >= dates[C]!)).toBe(true);
    expect(sent.reduce((s, n) => s + n.alerts.length, 0)).toBe(fired);
  });
  it('re-running a day is idempotent: same rows, no duplicate alerts, nothing re-sent', async () => {
    const t = C + 12;
    const before = await listAlertsOfDay(store.engine, 'scenario', dates[t]!);
    const row = (await store.monitoring.getDriftMetrics('scenario', { from: dates[t], to: dates[t] }))[0]!;
    sent.length = 0;
    const again = await runMonitorDay({ store, input: inputOf(t), rules, metricOptions, sinks: [sink] });
    expect(again.alerts).toEqual(at(t).alerts);
    expect(again.newAlerts).toEqual([]);
    expect(sent).toEqual([]);
    expect(await listAlertsOfDay(store.engine, 'scenario', dates[t]!)).toEqual(before);
    const row2 = (await store.monitoring.getDriftMetrics('scenario', { from: dates[t], to: dates[t] }))[0]!;
    expect(row2).toEqual(row);
    expect(await store.monitoring.getDriftMetrics('scenario')).toHaveLength(DAYS);
  });
});
