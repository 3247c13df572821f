/**
 * The day's ML signals as `alphalab predict` stores them (src/cli/predict.ts): per ticker, features
 * ml_signal_direction (+1 LONG, −1 SHORT), ml_signal_strength (calibrated probability of the predicted class:
 * the confidence) and ml_signal_size (Kelly size), with event_time = the close of the decision date. A
 * restated value (same event time, later ingest) replaces the earlier one, as in a point-in-time read now.
 */
import { closeTime } from '../../core/calendar.ts';
import type { StoreEngine } from '../../store/engine.ts';

export const SIGNAL_FEATURES = {
  direction: 'ml_signal_direction',
  strength: 'ml_signal_strength',
  size: 'ml_signal_size',
} as const;

export interface FeedSignal {
  readonly ticker: string;
  readonly direction: 'LONG' | 'SHORT';
  /** Calibrated probability of the predicted class. */
  readonly confidence: number;
  readonly size: number;
  readonly producerVersion: string | null;
}

const names = Object.values(SIGNAL_FEATURES);
const inList = names.map((n) => `'${n}'`).join(', ');

/** Dates (yyyy-mm-dd of the event close) that have stored signals, newest first. */
export async function signalDates(engine: StoreEngine, limit: number): Promise<string[]> {
  const rows = await engine.query(
    `SELECT DISTINCT ${engine.dialect.msOf('event_time')} AS t FROM feature_events_v
     WHERE feature_name = '${SIGNAL_FEATURES.direction}' ORDER BY t DESC LIMIT ${Math.trunc(limit)}`,
  );
  return rows.map((r) => new Date(Number(r.t)).toISOString().slice(0, 10));
}

/** Signals of `date`, strongest first. */
export async function signalsOn(engine: StoreEngine, date: string): Promise<FeedSignal[]> {
  const rows = await engine.query(
    `SELECT entity_key, feature_name, value, producer_version, ${engine.dialect.msOf('ingest_time')} AS ingest
     FROM feature_events_v
     WHERE feature_name IN (${inList}) AND event_time = CAST($1 AS TIMESTAMPTZ) AND ingest_time <= CAST($2 AS TIMESTAMPTZ)
     ORDER BY entity_key, feature_name, ingest`,
    [new Date(closeTime(date)).toISOString(), new Date().toISOString()],
  );
  const by = new Map<string, { d?: number; s?: number; z?: number; pv: string | null }>();
  for (const r of rows) {
    const key = String(r.entity_key);
    let o = by.get(key);
    if (!o) by.set(key, (o = { pv: null }));
    const v = Number(r.value);
    // Rows come in ingest order: the last one of a feature is its current (possibly restated) value.
    if (r.feature_name === SIGNAL_FEATURES.direction) o.d = v;
    else if (r.feature_name === SIGNAL_FEATURES.strength) o.s = v;
    else o.z = v;
    o.pv = r.producer_version === null ? o.pv : String(r.producer_version);
  }
  const out: FeedSignal[] = [];
  for (const [ticker, o] of by) {
    if (o.d === undefined || (o.d !== 1 && o.d !== -1)) continue;
    out.push({
      ticker,
      direction: o.d === 1 ? 'LONG' : 'SHORT',
      confidence: o.s ?? Number.NaN,
      size: o.z ?? Number.NaN,
      producerVersion: o.pv,
    });
  }
  return out.sort(
    (a, b) =>
      (Number.isNaN(b.confidence) ? -1 : b.confidence) - (Number.isNaN(a.confidence) ? -1 : a.confidence) ||
      a.ticker.localeCompare(b.ticker),
  );
}
