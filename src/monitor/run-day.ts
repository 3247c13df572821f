/**
 * One monitoring day of one strategy (seed 004 `DriftMonitor.run_daily`, fixed): metrics → rules over the
 * stored history → drift_metrics upserted by (date, strategy) → the day's alerts replaced as a set → new
 * alerts to the sinks. Re-running a day is idempotent: the same rows, no duplicate alerts, nothing re-sent.
 */
import { epochDay, isoFromEpochDay } from '../core/calendar.ts';
import { type Logger, newRunId, silentLogger } from '../core/log.ts';
import type { JsonValue } from '../store/features/types.ts';
import { replaceAlertsOfDay } from '../store/monitoring-alerts.ts';
import type { Store } from '../store/open-store.ts';
import { evaluateRules, type MetricDay, worstSeverity } from './evaluate.ts';
import { computeDriftMetrics, DEFAULT_DRIFT_METRIC_OPTIONS, type DriftMetricOptions } from './metrics.ts';
import type { AlertRules } from './rules.ts';
import { type AlertSink, alertJson, deliverAlerts, type SinkOutcome } from './sinks.ts';
import type { DriftInput, DriftMetrics, MonitorAlert, Severity } from './types.ts';

/** Exit codes a scheduler reads (docs/monitoring.md): 0 ok, 10 warning, 11 severe, 12 critical. */
export const SEVERITY_EXIT_CODES: Readonly<Record<Severity | 'ok', number>> = Object.freeze({
  ok: 0,
  info: 0,
  warning: 10,
  severe: 11,
  critical: 12,
});

export function exitCodeForSeverity(s: Severity | null): number {
  return SEVERITY_EXIT_CODES[s ?? 'ok'];
}

/** `OK …` or `ACTION REQUIRED (<worst>): <its action> [<rule>]`; the first alert of the worst severity. */
export function decisionLine(alerts: readonly MonitorAlert[]): string {
  const worst = worstSeverity(alerts);
  if (worst === null || worst === 'info') return 'OK: all metrics within normal range';
  const a = alerts.find((x) => x.severity === worst)!;
  return `ACTION REQUIRED (${worst}): ${a.action} [${a.rule} on ${a.metric}]`;
}

export interface MonitorDayOptions {
  readonly store: Pick<Store, 'engine' | 'monitoring'>;
  readonly input: DriftInput;
  readonly rules: AlertRules;
  readonly metricOptions?: DriftMetricOptions;
  /** Extra metrics of the day for rules (e.g. `stale_features` from the daily job). */
  readonly extraValues?: Readonly<Record<string, number>>;
  readonly sinks?: readonly AlertSink[];
  readonly runId?: string;
  readonly logger?: Logger;
  /** Calendar days of stored history read for consecutive-day counts (the count looks no further back); default 90. */
  readonly historyDays?: number;
  /** Clock for raised_at (epoch ms). */
  readonly now?: () => number;
}

export interface MonitorDayResult {
  readonly metrics: DriftMetrics;
  /** Every alert that fires on the day. */
  readonly alerts: readonly MonitorAlert[];
  /** The ones not already stored from an earlier run of the same day (sent to the sinks). */
  readonly newAlerts: readonly MonitorAlert[];
  readonly worstSeverity: Severity | null;
  readonly decision: string;
  readonly exitCode: number;
  readonly sinks: readonly SinkOutcome[];
}

const jsonNumber = (x: number): number | null => (Number.isFinite(x) ? x : null);

function valuesJson(values: Readonly<Record<string, number>>): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(values)) out[k] = jsonNumber(v);
  return out;
}

/** The stored `details` document of a day (docs/api/monitor.md lists its keys). */
export function metricsDetails(m: DriftMetrics, alerts: readonly MonitorAlert[]): JsonValue {
  return {
    values: valuesJson(m.values),
    ic_batch_date: m.icBatchDate,
    ic_count: m.icCount,
    accuracy_count: m.accuracyCount,
    sharpe: m.sharpe.map((s) => ({ window: s.window, value: jsonNumber(s.value), se: jsonNumber(s.se) })),
    psi: m.psi.map((p) => ({
      feature: p.feature,
      psi: jsonNumber(p.psi),
      n_baseline: p.baselineCount,
      n_current: p.currentCount,
      eligible: p.eligible,
    })),
    alerts: alerts.map(alertJson),
  };
}

/** The flat metric map stored in a day's details (NaN for absent or null entries). */
function storedValues(details: JsonValue): Record<string, number> {
  const out: Record<string, number> = {};
  const v = details && typeof details === 'object' && !Array.isArray(details) ? details.values : null;
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'number' ? x : Number.NaN;
  return out;
}

/** Runs one monitoring day (see the file comment). */
export async function runMonitorDay(o: MonitorDayOptions): Promise<MonitorDayResult> {
  const log = o.logger ?? silentLogger;
  const runId = o.runId ?? newRunId();
  const D = o.input.date;
  const metrics = computeDriftMetrics(o.input, o.metricOptions ?? DEFAULT_DRIFT_METRIC_OPTIONS);
  const values = { ...metrics.values, ...(o.extraValues ?? {}) };
  const day: MetricDay = { date: D, values };
  const from = isoFromEpochDay(epochDay(D) - (o.historyDays ?? 90));
  const stored = await o.store.monitoring.getDriftMetrics(o.input.strategyId, { from, to: D });
  const history: MetricDay[] = stored
    .filter((r) => r.date < D)
    .map((r) => ({ date: r.date, values: storedValues(r.details) }));
  const alerts = evaluateRules(o.rules, day, history, o.input.strategyId);
  const has = (stem: string) => alerts.some((a) => a.metric.startsWith(stem));
  const fullMetrics: DriftMetrics = { ...metrics, values };
  await o.store.monitoring.upsertDriftMetrics({
    date: D,
    strategyId: o.input.strategyId,
    ic: metrics.ic,
    ic5dAvg: metrics.ic5dAvg,
    psi: metrics.psiMax,
    sharpe5d: values.sharpe_5d ?? Number.NaN,
    sharpe20d: values.sharpe_20d ?? Number.NaN,
    accuracy: metrics.accuracy,
    icAlert: has('ic'),
    psiAlert: has('psi'),
    sharpeAlert: has('sharpe'),
    details: metricsDetails(fullMetrics, alerts),
  });
  const now = o.now ?? Date.now;
  const change = await replaceAlertsOfDay(
    o.store.engine,
    o.input.strategyId,
    D,
    alerts.map((a) => ({
      strategyId: a.strategyId,
      date: D,
      rule: a.rule,
      severity: a.severity,
      metric: a.metric,
      value: a.value,
      threshold: a.threshold,
      message: a.message,
      raisedAt: now(),
    })),
  );
  const insertedKeys = new Set(change.inserted.map((r) => `${r.rule}|${r.metric}`));
  const newAlerts = alerts.filter((a) => insertedKeys.has(`${a.rule}|${a.metric}`));
  const worst = worstSeverity(alerts);
  const decision = decisionLine(alerts);
  const sinks = await deliverAlerts(
    o.sinks ?? [],
    {
      date: D,
      strategyId: o.input.strategyId,
      runId,
      worstSeverity: worst,
      decision,
      alerts: newAlerts,
    },
    log,
  );
  log.info(
    { date: D, strategy: o.input.strategyId, alerts: alerts.length, new: newAlerts.length, worst },
    decision,
  );
  return {
    metrics: fullMetrics,
    alerts,
    newAlerts,
    worstSeverity: worst,
    decision,
    exitCode: exitCodeForSeverity(worst),
    sinks,
  };
}
