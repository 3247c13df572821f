/**
 * Drift monitoring over HTTP (seed 004 §4): daily metrics per strategy (IC, its 5-day mean, PSI, rolling
 * Sharpe, accuracy, alert flags), the per-feature PSI heatmap, alerts, and running the monitor (token).
 */
import { z } from 'zod';
import type { MonitorDayResult } from '../../monitor/run-day.ts';
import type { Store } from '../../store/open-store.ts';
import { HttpError } from '../http-errors.ts';
import { route } from '../route.ts';
import { finiteOrNull, isoDate, num, pageOf, pageQuery, safeName } from '../schemas.ts';
import { driftStrategies } from '../sources/monitoring-queries.ts';
import { psiByFeature } from '../sources/psi-by-feature.ts';

/** What POST /api/monitor/run asks for: a date, and optionally the strategy id and the monitored model. */
export interface MonitorRunRequest {
  readonly date: string;
  readonly strategyId?: string;
  readonly model?: string;
}

/** One monitoring day as the monitor stored it (src/monitor runMonitorDay), with the ids it used. */
export interface MonitorRunOutcome {
  readonly strategyId: string;
  readonly model: string;
  readonly result: MonitorDayResult;
}

/**
 * Runs the drift monitor for a date (injected by `alphalab serve`, which owns the universe and the rules):
 * metrics and alerts stored idempotently, new alerts sent to the sinks. User mistakes (a date that is not a
 * trading date of the universe) are InvalidInputErrors.
 */
export type MonitorRunner = (request: MonitorRunRequest) => Promise<MonitorRunOutcome>;

const DEFAULT_MONITOR_UNAVAILABLE =
  'this server was started without a drift monitor (no universe to monitor); stored drift metrics and alerts are still served';

const SEVERITIES = ['info', 'warning', 'severe', 'critical'] as const;
const range = z.object({ from: isoDate.optional(), to: isoDate.optional() });
const strategyParams = z.object({ strategy: safeName.describe('strategy id') });

/**
 * `monitor` runs the monitor; without one, POST /api/monitor/run answers 503 with `monitorUnavailable` (which
 * says how to start the server with a universe).
 */
export function driftRoutes(store: Store, monitor: MonitorRunner | undefined, monitorUnavailable?: string) {
  const metricsOf = (strategy: string, q: { from?: string | undefined; to?: string | undefined }) =>
    store.monitoring.getDriftMetrics(strategy, {
      ...(q.from === undefined ? {} : { from: q.from }),
      ...(q.to === undefined ? {} : { to: q.to }),
    });
  return [
    route({
      method: 'GET',
      url: '/api/drift/strategies',
      tag: 'drift',
      summary: 'Strategies with drift metrics, with their first and last date',
      response: z.object({
        items: z.array(
          z.object({ strategyId: z.string(), first: z.string(), last: z.string(), days: z.number().int() }),
        ),
      }),
      handler: async () => ({ items: await driftStrategies(store.engine) }),
    }),
    route({
      method: 'GET',
      url: '/api/drift/:strategy',
      tag: 'drift',
      summary: 'Daily drift metrics of a strategy in [from, to], oldest first, as columns (null = no data)',
      params: strategyParams,
      query: range,
      response: z.object({
        strategyId: z.string(),
        dates: z.array(z.string()),
        ic: z.array(num),
        ic5dAvg: z.array(num),
        psi: z.array(num),
        sharpe5d: z.array(num),
        sharpe20d: z.array(num),
        accuracy: z.array(num),
        icAlert: z.array(z.boolean()),
        psiAlert: z.array(z.boolean()),
        sharpeAlert: z.array(z.boolean()),
      }),
      handler: async ({ params, query }) => {
        const rows = await metricsOf(params.strategy, query);
        const col = (k: 'ic' | 'ic5dAvg' | 'psi' | 'sharpe5d' | 'sharpe20d' | 'accuracy') =>
          rows.map((r) => finiteOrNull(r[k]));
        return {
          strategyId: params.strategy,
          dates: rows.map((r) => r.date),
          ic: col('ic'),
          ic5dAvg: col('ic5dAvg'),
          psi: col('psi'),
          sharpe5d: col('sharpe5d'),
          sharpe20d: col('sharpe20d'),
          accuracy: col('accuracy'),
          icAlert: rows.map((r) => r.icAlert),
          psiAlert: rows.map((r) => r.psiAlert),
          sharpeAlert: rows.map((r) => r.sharpeAlert),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/api/drift/:strategy/psi',
      tag: 'drift',
      summary:
        'PSI by feature and date (heatmap): values[f·D + d], null where the feature had no PSI that day',
      params: strategyParams,
      query: range,
      response: z.object({
        strategyId: z.string(),
        dates: z.array(z.string()),
        features: z.array(z.string()),
        values: z.array(num),
      }),
      handler: async ({ params, query }) => {
        const rows = await metricsOf(params.strategy, query);
        const perDay = rows.map((r) => psiByFeature(r.details));
        const features = [...new Set(perDay.flatMap((m) => [...m.keys()]))].sort();
        const D = rows.length;
        const values = new Array<number | null>(features.length * D).fill(null);
        features.forEach((f, i) => {
          perDay.forEach((m, d) => {
            values[i * D + d] = finiteOrNull(m.get(f) ?? Number.NaN);
          });
        });
        return { strategyId: params.strategy, dates: rows.map((r) => r.date), features, values };
      },
    }),
    route({
      method: 'GET',
      url: '/api/alerts',
      tag: 'drift',
      summary: 'Alerts, newest first, filtered by strategy and severity',
      query: pageQuery.extend({
        strategy: safeName.optional(),
        severity: z
          .string()
          .transform((s) => s.split(',').map((x) => x.trim()))
          .pipe(z.array(z.enum(SEVERITIES)))
          .optional()
          .describe('comma-separated: info, warning, severe, critical'),
      }),
      response: pageOf(
        z.object({
          alertId: z.number().int(),
          raisedAt: z.string(),
          date: z.string().nullable(),
          strategyId: z.string(),
          rule: z.string(),
          severity: z.enum(SEVERITIES),
          metric: z.string().nullable(),
          value: num,
          threshold: num,
          message: z.string(),
        }),
      ),
      handler: async ({ query }) => {
        const filter = {
          ...(query.strategy === undefined ? {} : { strategyId: query.strategy }),
          ...(query.severity === undefined ? {} : { severities: query.severity }),
        };
        const [total, items] = await Promise.all([
          store.monitoring.countAlerts(filter),
          store.monitoring.listAlerts({ ...filter, limit: query.limit, offset: query.offset }),
        ]);
        return {
          total,
          limit: query.limit,
          offset: query.offset,
          items: items.map((a) => ({
            ...a,
            raisedAt: new Date(a.raisedAt).toISOString(),
            value: finiteOrNull(a.value),
            threshold: finiteOrNull(a.threshold),
          })),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/monitor/run',
      tag: 'drift',
      summary:
        "Run the drift monitor for a date (bearer token): the day's metrics and alerts, stored idempotently like `alphalab monitor run`",
      description:
        'Re-running a date replaces its metrics and keeps identical alerts (`new: false`, not re-sent to the sinks). 400 when the date is not a trading date of the served universe; 503 when the server was started without a universe to monitor.',
      auth: true,
      body: z.object({
        date: isoDate.describe('monitored date, a trading date of the universe'),
        strategy: safeName
          .optional()
          .describe('strategy id in drift_metrics and alerts (default: the model name)'),
        model: safeName
          .optional()
          .describe('registered model whose active version is monitored (default: ml.model_name)'),
      }),
      response: monitorRunResponse,
      handler: async ({ body }) => {
        if (!monitor)
          throw new HttpError(503, 'MONITOR_UNAVAILABLE', monitorUnavailable ?? DEFAULT_MONITOR_UNAVAILABLE);
        const out = await monitor({
          date: body.date,
          ...(body.strategy === undefined ? {} : { strategyId: body.strategy }),
          ...(body.model === undefined ? {} : { model: body.model }),
        });
        return monitorRunJson(body.date, out);
      },
    }),
  ];
}

const monitorRunResponse = z.object({
  date: z.string(),
  strategyId: z.string(),
  model: z.string(),
  worstSeverity: z.enum(SEVERITIES).nullable(),
  decision: z.string(),
  exitCode: z
    .number()
    .int()
    .describe('what `alphalab monitor run` exits with: 0 ok, 10 warning, 11 severe, 12 critical'),
  metrics: z.object({
    ic: num,
    icBatchDate: z.string().nullable(),
    icCount: z.number().int(),
    ic5dAvg: num,
    sharpe: z.array(z.object({ window: z.number().int(), value: num, se: num })),
    accuracy: num,
    majorityRate: num,
    accuracyCount: z.number().int(),
    psiMax: num,
    psi: z.array(
      z.object({
        feature: z.string(),
        psi: num,
        baselineCount: z.number().int(),
        currentCount: z.number().int(),
        eligible: z.boolean(),
      }),
    ),
    modelAgeDays: num,
    values: z.record(z.string(), num),
  }),
  alerts: z.array(
    z.object({
      rule: z.string(),
      severity: z.enum(SEVERITIES),
      metric: z.string(),
      value: num,
      threshold: num,
      distance: num,
      consecutive: z.number().int(),
      action: z.string(),
      retrain: z.boolean(),
      message: z.string(),
      new: z.boolean().describe('stored by this run (false: already stored by an earlier run of the day)'),
    }),
  ),
  sinks: z.array(z.object({ sink: z.string(), delivered: z.number().int(), error: z.string().nullable() })),
});

function monitorRunJson(date: string, out: MonitorRunOutcome): z.input<typeof monitorRunResponse> {
  const { result: r } = out;
  const m = r.metrics;
  const values: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m.values)) values[k] = finiteOrNull(v);
  return {
    date,
    strategyId: out.strategyId,
    model: out.model,
    worstSeverity: r.worstSeverity,
    decision: r.decision,
    exitCode: r.exitCode,
    metrics: {
      ic: finiteOrNull(m.ic),
      icBatchDate: m.icBatchDate,
      icCount: m.icCount,
      ic5dAvg: finiteOrNull(m.ic5dAvg),
      sharpe: m.sharpe.map((s) => ({
        window: s.window,
        value: finiteOrNull(s.value),
        se: finiteOrNull(s.se),
      })),
      accuracy: finiteOrNull(m.accuracy),
      majorityRate: finiteOrNull(m.majorityRate),
      accuracyCount: m.accuracyCount,
      psiMax: finiteOrNull(m.psiMax),
      psi: m.psi.map((p) => ({
        feature: p.feature,
        psi: finiteOrNull(p.psi),
        baselineCount: p.baselineCount,
        currentCount: p.currentCount,
        eligible: p.eligible,
      })),
      modelAgeDays: finiteOrNull(m.modelAgeDays),
      values,
    },
    alerts: r.alerts.map((a) => ({
      rule: a.rule,
      severity: a.severity,
      metric: a.metric,
      value: finiteOrNull(a.value),
      threshold: finiteOrNull(a.threshold),
      distance: finiteOrNull(a.distance),
      consecutive: a.consecutive,
      action: a.action,
      retrain: a.retrain,
      message: a.message,
      new: r.newAlerts.includes(a),
    })),
    sinks: r.sinks.map((s) => ({ sink: s.sink, delivered: s.delivered, error: s.error })),
  };
}
