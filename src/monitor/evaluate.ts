/**
 * Applies alert rules to the day's metrics and the stored history of earlier days. NaN is "no data"
 * (methods.md §0): a NaN value or threshold never satisfies a condition, so it never alerts and it breaks a
 * consecutive-day streak instead of extending it.
 */
import type { AlertRule, AlertRules } from './rules.ts';
import { type MetricMap, type MonitorAlert, SEVERITIES, type Severity } from './types.ts';

/** One monitored day's metrics. */
export interface MetricDay {
  readonly date: string;
  readonly values: MetricMap;
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

/** The worse of two severities. */
export function worseSeverity(a: Severity | null, b: Severity): Severity {
  return a === null || severityRank(b) > severityRank(a) ? b : a;
}

function metricValue(values: MetricMap, metric: string): number {
  const v = values[metric];
  return typeof v === 'number' ? v : Number.NaN;
}

function thresholdOf(rule: AlertRule, values: MetricMap): number {
  return typeof rule.threshold === 'number' ? rule.threshold : metricValue(values, rule.threshold);
}

/** True iff value and threshold are both defined and the value is strictly beyond the threshold. */
export function conditionHolds(condition: 'below' | 'above', value: number, threshold: number): boolean {
  if (Number.isNaN(value) || Number.isNaN(threshold)) return false;
  return condition === 'below' ? value < threshold : value > threshold;
}

/** The metric names a rule reads on a day: the metric itself, or one per subject for `stem:*`. */
function subjectsOf(rule: AlertRule, values: MetricMap): string[] {
  if (!rule.metric.endsWith(':*')) return [rule.metric];
  const prefix = rule.metric.slice(0, -1);
  return Object.keys(values)
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .sort();
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4));

/**
 * Alerts of `today` under `rules`, given earlier days `history` (oldest first, consecutive monitored days).
 * A rule fires when its condition holds on `consecutive_days` consecutive days ending today. Within a group
 * (rule.group, else the metric stem) and subject only the most severe firing rule is reported.
 */
export function evaluateRules(
  rules: AlertRules,
  today: MetricDay,
  history: readonly MetricDay[],
  strategyId: string,
): MonitorAlert[] {
  const best = new Map<string, MonitorAlert>();
  const order: string[] = [];
  for (const rule of rules.rules) {
    for (const metric of subjectsOf(rule, today.values)) {
      const value = metricValue(today.values, metric);
      const threshold = thresholdOf(rule, today.values);
      if (!conditionHolds(rule.condition, value, threshold)) continue;
      let consecutive = 1;
      for (let k = history.length - 1; k >= 0; k--) {
        const h = history[k]!.values;
        if (!conditionHolds(rule.condition, metricValue(h, metric), thresholdOf(rule, h))) break;
        consecutive++;
      }
      if (consecutive < rule.consecutive_days) continue;
      const distance = rule.condition === 'below' ? threshold - value : value - threshold;
      const thresholdText =
        typeof rule.threshold === 'number' ? fmt(threshold) : `${rule.threshold} ${fmt(threshold)}`;
      const alert: MonitorAlert = {
        date: today.date,
        strategyId,
        rule: rule.name,
        severity: rule.severity,
        metric,
        value,
        threshold,
        distance,
        consecutive,
        action: rule.action,
        retrain: rule.retrain,
        message: `${metric} = ${fmt(value)} ${rule.condition === 'below' ? '<' : '>'} ${thresholdText} for ${consecutive} day${consecutive === 1 ? '' : 's'}: ${rule.action}`,
      };
      const stem = rule.metric.split(':')[0]!;
      const subject = metric.includes(':') ? metric.slice(metric.indexOf(':')) : '';
      const key = `${rule.group ?? stem}${subject}`;
      const prev = best.get(key);
      if (prev === undefined) order.push(key);
      if (prev === undefined || severityRank(alert.severity) > severityRank(prev.severity))
        best.set(key, alert);
    }
  }
  return order.map((k) => best.get(k)!);
}

/** The worst severity among alerts, or null when there are none. */
export function worstSeverity(alerts: readonly MonitorAlert[]): Severity | null {
  let w: Severity | null = null;
  for (const a of alerts) w = worseSeverity(w, a.severity);
  return w;
}
