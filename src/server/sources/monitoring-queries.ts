/**
 * Reads the server needs beyond MonitoringRepository's (which serves the monitor's writes): the strategies
 * that have drift metrics, and alerts filtered by strategy and severity with offset pagination and a total.
 * Plain SQL that DuckDB and PostgreSQL share, on the store's engine.
 */
import type { SqlParam, StoreEngine } from '../../store/engine.ts';
import type { AlertRecord, AlertSeverity } from '../../store/monitoring.ts';

export async function driftStrategies(
  engine: StoreEngine,
): Promise<{ strategyId: string; first: string; last: string; days: number }[]> {
  const rows = await engine.query(
    `SELECT strategy_id, CAST(MIN(date) AS TEXT) AS first, CAST(MAX(date) AS TEXT) AS last, COUNT(*) AS days
     FROM drift_metrics GROUP BY strategy_id ORDER BY strategy_id`,
  );
  return rows.map((r) => ({
    strategyId: String(r.strategy_id),
    first: String(r.first),
    last: String(r.last),
    days: Number(r.days),
  }));
}

export interface AlertFilter {
  readonly strategyId?: string;
  readonly severities?: readonly AlertSeverity[];
  readonly limit: number;
  readonly offset: number;
}

/** Alerts newest first, with the total matching the filter. */
export async function listAlertsPage(
  engine: StoreEngine,
  f: AlertFilter,
): Promise<{ total: number; items: AlertRecord[] }> {
  const params: SqlParam[] = [];
  const where: string[] = [];
  if (f.strategyId !== undefined) {
    params.push(f.strategyId);
    where.push(`strategy_id = $${params.length}`);
  }
  if (f.severities?.length) {
    const marks = f.severities.map((s) => {
      params.push(s);
      return `$${params.length}`;
    });
    where.push(`severity IN (${marks.join(', ')})`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await engine.query(`SELECT COUNT(*) AS n FROM alerts ${w}`, params);
  const rows = await engine.query(
    `SELECT alert_id, ${engine.dialect.msOf('raised_at')} AS raised_at, CAST(date AS TEXT) AS date, strategy_id, rule, severity,
            metric, value, threshold, message FROM alerts ${w}
     ORDER BY alert_id DESC LIMIT ${Math.trunc(f.limit)} OFFSET ${Math.trunc(f.offset)}`,
    params,
  );
  const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));
  return {
    total: Number(count!.n),
    items: rows.map((r) => ({
      alertId: Number(r.alert_id),
      raisedAt: Number(r.raised_at),
      date: r.date === null ? null : String(r.date),
      strategyId: String(r.strategy_id),
      rule: String(r.rule),
      severity: r.severity as AlertSeverity,
      metric: r.metric === null ? null : String(r.metric),
      value: num(r.value),
      threshold: num(r.threshold),
      message: String(r.message),
    })),
  };
}
