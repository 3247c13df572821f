/**
 * The alerts of one (strategy, date), replaced as a set so that re-running a monitoring day is idempotent
 * (monitor/): an alert identical to a stored one (same rule, metric, severity, value, threshold and
 * message) keeps its row, id and raised_at; stored alerts of the day that no longer fire are deleted; new
 * ones are inserted. One transaction. A minimal extension of MonitoringRepository (monitoring.ts).
 */
import { isIsoDate } from '../core/calendar.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { SqlSession, StoreEngine } from './engine.ts';
import { type AlertInput, type AlertRecord, alertRecordOf } from './monitoring.ts';

export interface DayAlertChange {
  /** Alerts already stored identically (not re-raised). */
  readonly kept: readonly AlertRecord[];
  /** Alerts inserted by this call. */
  readonly inserted: readonly AlertRecord[];
  /** Stored alerts of the day that were deleted because they no longer fire. */
  readonly removed: number;
}

const dbNum = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
const sameNumber = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

function checkDate(date: string): void {
  if (!isIsoDate(date))
    throw new InvalidInputError(`'${date}' is not a date of the form yyyy-mm-dd`, { where: { date } });
}

async function selectDay(
  session: SqlSession,
  engine: StoreEngine,
  strategyId: string,
  date: string,
): Promise<AlertRecord[]> {
  const rows = await session.query(
    `SELECT alert_id, ${engine.dialect.msOf('raised_at')} AS raised_at, CAST(date AS TEXT) AS date, strategy_id, rule,
            severity, metric, value, threshold, message
     FROM alerts WHERE strategy_id = $1 AND date = CAST($2 AS DATE) ORDER BY alert_id`,
    [strategyId, date],
  );
  return rows.map(alertRecordOf);
}

/** Alerts of one strategy on one date, oldest first. */
export async function listAlertsOfDay(
  engine: StoreEngine,
  strategyId: string,
  date: string,
): Promise<AlertRecord[]> {
  checkDate(date);
  return selectDay(engine, engine, strategyId, date);
}

function matches(stored: AlertRecord, a: AlertInput): boolean {
  return (
    stored.rule === a.rule &&
    stored.severity === a.severity &&
    stored.metric === (a.metric ?? null) &&
    stored.message === a.message &&
    sameNumber(stored.value, a.value ?? Number.NaN) &&
    sameNumber(stored.threshold, a.threshold ?? Number.NaN)
  );
}

/** Makes the stored alerts of (strategy, date) exactly `alerts` (see the file comment). */
export async function replaceAlertsOfDay(
  engine: StoreEngine,
  strategyId: string,
  date: string,
  alerts: readonly AlertInput[],
): Promise<DayAlertChange> {
  checkDate(date);
  for (const a of alerts) {
    if (a.strategyId !== strategyId || (a.date !== undefined && a.date !== date))
      throw new InvalidInputError(
        `alert '${a.rule}' is for ${a.strategyId} on ${a.date ?? '(no date)'}, not ${strategyId} on ${date}`,
        { where: { date } },
      );
  }
  return engine.transaction(async (tx) => {
    const stored = await selectDay(tx, engine, strategyId, date);
    const used = new Set<number>();
    const kept: AlertRecord[] = [];
    const fresh: AlertInput[] = [];
    for (const a of alerts) {
      const hit = stored.find((s) => !used.has(s.alertId) && matches(s, a));
      if (hit) {
        used.add(hit.alertId);
        kept.push(hit);
      } else fresh.push(a);
    }
    const stale = stored.filter((s) => !used.has(s.alertId)).map((s) => s.alertId);
    if (stale.length) await tx.query(`DELETE FROM alerts WHERE alert_id IN (${stale.join(', ')})`);
    const inserted: AlertRecord[] = [];
    for (const a of fresh) {
      const raisedAt = a.raisedAt ?? Date.now();
      const rows = await tx.query<{ alert_id: number }>(
        `INSERT INTO alerts (raised_at, date, strategy_id, rule, severity, metric, value, threshold, message)
         VALUES (CAST($1 AS TIMESTAMPTZ), CAST($2 AS DATE), $3, $4, $5, $6, $7, $8, $9) RETURNING alert_id`,
        [
          new Date(raisedAt).toISOString(),
          date,
          strategyId,
          a.rule,
          a.severity,
          a.metric ?? null,
          dbNum(a.value),
          dbNum(a.threshold),
          a.message,
        ],
      );
      inserted.push({
        alertId: Number(rows[0]!.alert_id),
        raisedAt,
        date,
        strategyId,
        rule: a.rule,
        severity: a.severity,
        metric: a.metric ?? null,
        value: a.value ?? Number.NaN,
        threshold: a.threshold ?? Number.NaN,
        message: a.message,
      });
    }
    return { kept, inserted, removed: stale.length };
  });
}
