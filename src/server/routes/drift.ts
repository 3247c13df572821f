/**
 * Drift monitoring over HTTP (seed 004 §4): daily metrics per strategy (IC, its 5-day mean, PSI, rolling
 * Sharpe, accuracy, alert flags), the per-feature PSI heatmap, alerts, and running the monitor (token).
 */
import { z } from 'zod';
import type { Store } from '../../store/open-store.ts';
import { HttpError } from '../http-errors.ts';
import { route } from '../route.ts';
import { finiteOrNull, isoDate, num, pageOf, pageQuery, safeName } from '../schemas.ts';
import { driftStrategies, listAlertsPage } from '../sources/monitoring-queries.ts';
import { psiByFeature } from '../sources/psi-by-feature.ts';

/** Runs the drift monitor for a date (src/monitor); its JSON-serialisable result is returned to the client. */
export type MonitorRunner = (request: {
  readonly date: string;
  readonly strategyId?: string;
}) => Promise<unknown>;

const SEVERITIES = ['info', 'warning', 'severe', 'critical'] as const;
const range = z.object({ from: isoDate.optional(), to: isoDate.optional() });
const strategyParams = z.object({ strategy: safeName.describe('strategy id') });

export function driftRoutes(store: Store, monitor: MonitorRunner | undefined) {
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
        const page = await listAlertsPage(store.engine, {
          limit: query.limit,
          offset: query.offset,
          ...(query.strategy === undefined ? {} : { strategyId: query.strategy }),
          ...(query.severity === undefined ? {} : { severities: query.severity }),
        });
        return {
          total: page.total,
          limit: query.limit,
          offset: query.offset,
          items: page.items.map((a) => ({
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
      summary: 'Run the drift monitor for a date (bearer token required); 501 when this build has no monitor',
      auth: true,
      body: z.object({ date: isoDate, strategy: safeName.optional() }),
      response: z.object({ date: z.string(), result: z.unknown() }),
      handler: async ({ body }) => {
        if (!monitor) {
          throw new HttpError(
            501,
            'NOT_IMPLEMENTED',
            'the drift monitor (src/monitor) is not part of this build yet, so it cannot be run over HTTP; stored drift metrics and alerts are still served',
          );
        }
        const result = await monitor({
          date: body.date,
          ...(body.strategy === undefined ? {} : { strategyId: body.strategy }),
        });
        return { date: body.date, result };
      },
    }),
  ];
}
