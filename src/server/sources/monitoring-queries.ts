/**
 * The one read the server needs beyond MonitoringRepository's (which also serves the monitor's writes): the
 * strategies that have drift metrics, with their first and last date. Plain SQL that DuckDB and PostgreSQL
 * share, on the store's engine. Alerts are listed, counted and mapped by the repository itself.
 */
import type { StoreEngine } from '../../store/engine.ts';

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
