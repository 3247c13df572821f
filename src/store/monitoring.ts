/**
 * Thin typed repository over the monitoring tables (drift_metrics, alerts, runs) for monitor/, pipeline/
 * and server/. NaN metrics are stored as NULL and read back as NaN (methods.md §0: NaN is "no data",
 * never 0).
 */
import { isIsoDate } from '../core/calendar.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { SqlParam, SqlRow, StoreEngine } from './engine.ts';
import type { JsonValue } from './features/types.ts';

export interface DriftMetricsRecord {
  /** ISO date yyyy-mm-dd. */
  readonly date: string;
  readonly strategyId: string;
  readonly ic: number;
  readonly ic5dAvg: number;
  readonly psi: number;
  readonly sharpe5d: number;
  readonly sharpe20d: number;
  readonly accuracy: number;
  readonly icAlert: boolean;
  readonly psiAlert: boolean;
  readonly sharpeAlert: boolean;
  readonly details: JsonValue;
}

export type DriftMetricsInput = Pick<DriftMetricsRecord, 'date' | 'strategyId'> &
  Partial<Omit<DriftMetricsRecord, 'date' | 'strategyId'>>;

export type AlertSeverity = 'info' | 'warning' | 'severe' | 'critical';

export interface AlertInput {
  readonly strategyId: string;
  readonly rule: string;
  readonly severity: AlertSeverity;
  readonly message: string;
  readonly date?: string;
  readonly metric?: string;
  readonly value?: number;
  readonly threshold?: number;
  /** Epoch ms; defaults to now. */
  readonly raisedAt?: number;
}

export interface AlertRecord extends Required<Omit<AlertInput, 'date' | 'metric'>> {
  readonly alertId: number;
  readonly date: string | null;
  readonly metric: string | null;
}

export type RunStatus = 'running' | 'completed' | 'failed';

export interface RunRecord {
  readonly runId: string;
  readonly kind: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly gitSha: string | null;
  readonly config: JsonValue;
  readonly outputDir: string | null;
  readonly error: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));
const dbNum = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/** Which alerts listAlerts and countAlerts return. */
export interface AlertFilter {
  readonly strategyId?: string;
  /** Any of these severities; empty or absent = all. */
  readonly severities?: readonly AlertSeverity[];
  readonly limit?: number;
  readonly offset?: number;
}

function alertWhere(filter: AlertFilter): { where: string; params: SqlParam[] } {
  const params: SqlParam[] = [];
  const terms: string[] = [];
  if (filter.strategyId !== undefined) {
    params.push(filter.strategyId);
    terms.push(`strategy_id = $${params.length}`);
  }
  if (filter.severities?.length) {
    const marks = filter.severities.map((s) => {
      params.push(s);
      return `$${params.length}`;
    });
    terms.push(`severity IN (${marks.join(', ')})`);
  }
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}

/** An alerts row (alert_id, raised_at as epoch ms, date as text, …) as an AlertRecord; NULL numbers are NaN. */
export function alertRecordOf(r: SqlRow): AlertRecord {
  return {
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
  };
}

function checkDate(date: string): void {
  if (!isIsoDate(date))
    throw new InvalidInputError(`'${date}' is not a date of the form yyyy-mm-dd`, { where: { date } });
}

export class MonitoringRepository {
  constructor(private readonly engine: StoreEngine) {}

  /** Inserts or replaces the metrics of (date, strategy). */
  async upsertDriftMetrics(m: DriftMetricsInput): Promise<void> {
    checkDate(m.date);
    for (const k of ['ic', 'ic5dAvg', 'psi', 'sharpe5d', 'sharpe20d', 'accuracy'] as const) {
      const v = m[k];
      if (v !== undefined && (typeof v !== 'number' || v === Infinity || v === -Infinity)) {
        throw new InvalidInputError(`drift metric ${k} must be a finite number or NaN, got ${v}`, {
          where: { date: m.date },
        });
      }
    }
    const d = this.engine.dialect;
    await this.engine.query(
      `INSERT INTO drift_metrics (date, strategy_id, ic, ic_5d_avg, psi, sharpe_5d, sharpe_20d, accuracy, ic_alert, psi_alert, sharpe_alert, details, updated_at)
       VALUES (CAST($1 AS DATE), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${d.toJson('$12')}, CAST($13 AS TIMESTAMPTZ))
       ON CONFLICT (date, strategy_id) DO UPDATE SET
         ic = EXCLUDED.ic, ic_5d_avg = EXCLUDED.ic_5d_avg, psi = EXCLUDED.psi, sharpe_5d = EXCLUDED.sharpe_5d,
         sharpe_20d = EXCLUDED.sharpe_20d, accuracy = EXCLUDED.accuracy, ic_alert = EXCLUDED.ic_alert,
         psi_alert = EXCLUDED.psi_alert, sharpe_alert = EXCLUDED.sharpe_alert, details = EXCLUDED.details,
         updated_at = EXCLUDED.updated_at`,
      [
        m.date,
        m.strategyId,
        dbNum(m.ic),
        dbNum(m.ic5dAvg),
        dbNum(m.psi),
        dbNum(m.sharpe5d),
        dbNum(m.sharpe20d),
        dbNum(m.accuracy),
        m.icAlert ?? false,
        m.psiAlert ?? false,
        m.sharpeAlert ?? false,
        JSON.stringify(m.details ?? null),
        new Date().toISOString(),
      ],
    );
  }

  /** Metrics of a strategy in [from, to] (inclusive ISO dates), oldest first. */
  async getDriftMetrics(
    strategyId: string,
    range: { from?: string; to?: string } = {},
  ): Promise<DriftMetricsRecord[]> {
    const params: SqlParam[] = [strategyId];
    let where = 'strategy_id = $1';
    if (range.from !== undefined) {
      checkDate(range.from);
      params.push(range.from);
      where += ` AND date >= CAST($${params.length} AS DATE)`;
    }
    if (range.to !== undefined) {
      checkDate(range.to);
      params.push(range.to);
      where += ` AND date <= CAST($${params.length} AS DATE)`;
    }
    const rows = await this.engine.query(
      `SELECT CAST(date AS TEXT) AS date, strategy_id, ic, ic_5d_avg, psi, sharpe_5d, sharpe_20d, accuracy, ic_alert, psi_alert, sharpe_alert,
              ${this.engine.dialect.jsonText('details')} AS details
       FROM drift_metrics WHERE ${where} ORDER BY date`,
      params,
    );
    return rows.map((r: SqlRow) => ({
      date: String(r.date),
      strategyId: String(r.strategy_id),
      ic: num(r.ic),
      ic5dAvg: num(r.ic_5d_avg),
      psi: num(r.psi),
      sharpe5d: num(r.sharpe_5d),
      sharpe20d: num(r.sharpe_20d),
      accuracy: num(r.accuracy),
      icAlert: Boolean(r.ic_alert),
      psiAlert: Boolean(r.psi_alert),
      sharpeAlert: Boolean(r.sharpe_alert),
      details: r.details === null ? null : (JSON.parse(String(r.details)) as JsonValue),
    }));
  }

  async insertAlert(a: AlertInput): Promise<number> {
    if (a.date !== undefined) checkDate(a.date);
    const rows = await this.engine.query<{ alert_id: number }>(
      `INSERT INTO alerts (raised_at, date, strategy_id, rule, severity, metric, value, threshold, message)
       VALUES (CAST($1 AS TIMESTAMPTZ), CAST($2 AS DATE), $3, $4, $5, $6, $7, $8, $9) RETURNING alert_id`,
      [
        new Date(a.raisedAt ?? Date.now()).toISOString(),
        a.date ?? null,
        a.strategyId,
        a.rule,
        a.severity,
        a.metric ?? null,
        dbNum(a.value),
        dbNum(a.threshold),
        a.message,
      ],
    );
    return Number(rows[0]!.alert_id);
  }

  /** Alerts, newest first, filtered by strategy and severity; `offset` rows skipped, at most `limit` (default 100). */
  async listAlerts(filter: AlertFilter = {}): Promise<AlertRecord[]> {
    const { where, params } = alertWhere(filter);
    const limit = Math.max(1, Math.floor(filter.limit ?? 100));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const rows = await this.engine.query(
      `SELECT alert_id, ${this.engine.dialect.msOf('raised_at')} AS raised_at, CAST(date AS TEXT) AS date, strategy_id, rule, severity,
              metric, value, threshold, message FROM alerts ${where} ORDER BY alert_id DESC LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return rows.map(alertRecordOf);
  }

  /** How many alerts match the filter's strategy and severities (for pagination totals). */
  async countAlerts(filter: Pick<AlertFilter, 'strategyId' | 'severities'> = {}): Promise<number> {
    const { where, params } = alertWhere(filter);
    const [row] = await this.engine.query(`SELECT COUNT(*) AS n FROM alerts ${where}`, params);
    return Number(row!.n);
  }

  async startRun(run: {
    runId: string;
    kind: string;
    gitSha?: string;
    config?: JsonValue;
    outputDir?: string;
  }): Promise<void> {
    await this.engine.query(
      `INSERT INTO runs (run_id, kind, status, started_at, git_sha, config, output_dir)
       VALUES ($1, $2, 'running', CAST($3 AS TIMESTAMPTZ), $4, ${this.engine.dialect.toJson('$5')}, $6)`,
      [
        run.runId,
        run.kind,
        new Date().toISOString(),
        run.gitSha ?? null,
        JSON.stringify(run.config ?? null),
        run.outputDir ?? null,
      ],
    );
  }

  async finishRun(runId: string, status: 'completed' | 'failed', error?: string): Promise<void> {
    const rows = await this.engine.query(
      `UPDATE runs SET status = $1, finished_at = CAST($2 AS TIMESTAMPTZ), error = $3 WHERE run_id = $4 RETURNING run_id`,
      [status, new Date().toISOString(), error ?? null, runId],
    );
    if (!rows.length) throw new NotFoundError(`no run with id ${runId}`);
  }

  async getRun(runId: string): Promise<RunRecord> {
    const d = this.engine.dialect;
    const rows = await this.engine.query(
      `SELECT run_id, kind, status, ${d.msOf('started_at')} AS sa, ${d.msOf('finished_at')} AS fa, git_sha,
              ${d.jsonText('config')} AS config, output_dir, error FROM runs WHERE run_id = $1`,
      [runId],
    );
    if (!rows.length) throw new NotFoundError(`no run with id ${runId}`);
    const r = rows[0]!;
    return {
      runId: String(r.run_id),
      kind: String(r.kind),
      status: r.status as RunStatus,
      startedAt: Number(r.sa),
      finishedAt: num(r.fa),
      gitSha: r.git_sha === null ? null : String(r.git_sha),
      config: r.config === null ? null : (JSON.parse(String(r.config)) as JsonValue),
      outputDir: r.output_dir === null ? null : String(r.output_dir),
      error: r.error === null ? null : String(r.error),
    };
  }
}
