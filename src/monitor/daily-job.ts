/**
 * Seed 004's daily operations job, fixed and made deterministic for a date: (1) feature freshness — the
 * latest visible event time per feature against the date, (2) the model active at the close and its age,
 * (3) drift metrics and alerts (run-day.ts), (4) a decision line with the worst action, (5) optionally a
 * retraining when a rule marked `retrain` fires. Everything is evaluated as of the date, so re-running a
 * past day reproduces it.
 */
import { closeTime } from '../core/calendar.ts';
import type { Logger } from '../core/log.ts';
import type { FeatureStore } from '../store/features/feature-store.ts';
import type { FeatureSpec } from '../store/features/types.ts';
import type { Store } from '../store/open-store.ts';
import type { ModelRegistry } from '../store/registry/registry.ts';
import type { ModelInfo } from '../store/registry/types.ts';
import type { DriftMetricOptions } from './metrics.ts';
import type { AlertRules } from './rules.ts';
import { type MonitorDayResult, runMonitorDay } from './run-day.ts';
import type { AlertSink } from './sinks.ts';
import type { DeployedModel, DriftInput } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface FeatureFreshness {
  readonly feature: string;
  /** Latest visible event time (epoch ms), NaN when the feature has no visible value. */
  readonly latestEventMs: number;
  /** Hours from that event to the close of the date; NaN when missing. */
  readonly ageHours: number;
  readonly status: 'ok' | 'stale' | 'missing';
}

export interface FreshnessOptions {
  /** A feature is stale when its latest event is more than this many hours before the close; default 24. */
  readonly maxAgeHours?: number;
  /** Knowledge cut-off after the close (ingestion lag); default 1 hour. */
  readonly asOfLagMs?: number;
}

/**
 * Freshness of `features` for one entity at the close of `date` (seed 004 step 1): the feature store's
 * point-in-time latest value (`event_time ≤ τ AND ingest_time ≤ τ`, τ = close + lag) and its age.
 */
export async function featureFreshness(
  features: Pick<FeatureStore, 'getLatest'>,
  entity: string,
  names: readonly FeatureSpec[],
  date: string,
  options: FreshnessOptions = {},
): Promise<FeatureFreshness[]> {
  const close = closeTime(date);
  const maxAge = options.maxAgeHours ?? 24;
  const latest = await features.getLatest(entity, names, { asOf: close + (options.asOfLagMs ?? HOUR_MS) });
  return names.map((spec) => {
    const name = typeof spec === 'string' ? spec : spec.name;
    const v = latest.get(name);
    if (!v) return { feature: name, latestEventMs: Number.NaN, ageHours: Number.NaN, status: 'missing' };
    const ageHours = (close - v.eventTimeMs) / HOUR_MS;
    return {
      feature: name,
      latestEventMs: v.eventTimeMs,
      ageHours,
      status: ageHours > maxAge ? 'stale' : 'ok',
    };
  });
}

export interface ModelStatus {
  readonly model: DeployedModel | null;
  /** The registry record of that version (for loading its bundle), or null. */
  readonly info: ModelInfo | null;
  /**
   * True when no version was active at the close of the date and the currently active one is used (a replay
   * of dates before its registration); its age is then undefined (NaN) and it is never called stale.
   */
  readonly registeredAfterDate: boolean;
  /** Calendar days from registration to the close of the date; NaN without a model. */
  readonly ageDays: number;
  readonly stale: boolean;
}

/** The version of `name` active at the close of `date` (else the current one) and its age. */
export async function activeModelStatus(
  registry: Pick<ModelRegistry, 'getActive'>,
  name: string,
  date: string,
  stalenessDays: number,
): Promise<ModelStatus> {
  const close = closeTime(date);
  let active = await registry.getActive(name, close);
  const registeredAfterDate = active === null;
  active ??= await registry.getActive(name);
  if (!active)
    return { model: null, info: null, registeredAfterDate: false, ageDays: Number.NaN, stale: false };
  const ageDays = registeredAfterDate ? Number.NaN : (close - active.createdAt) / DAY_MS;
  return {
    model: {
      name: active.name,
      version: active.version,
      createdAtMs: registeredAfterDate ? Number.NaN : active.createdAt,
    },
    info: active,
    registeredAfterDate,
    ageDays,
    stale: ageDays > stalenessDays,
  };
}

export interface DailyJobOptions {
  readonly store: Store;
  readonly date: string;
  readonly strategyId: string;
  readonly modelName: string;
  readonly stalenessDays: number;
  /** Builds the monitor's input once the active model is known. */
  readonly input: (model: ModelStatus) => Promise<DriftInput> | DriftInput;
  /** Entity and features whose freshness is checked (seed 004 checks one entity). */
  readonly freshness?: {
    readonly entity: string;
    readonly features: readonly FeatureSpec[];
  } & FreshnessOptions;
  readonly rules: AlertRules;
  readonly metricOptions?: DriftMetricOptions;
  readonly sinks?: readonly AlertSink[];
  /** Called when `retrain` is set and a rule marked `retrain` fires; returns a summary line. */
  readonly retrain?: () => Promise<string>;
  readonly runId?: string;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export interface DailyJobResult {
  readonly date: string;
  readonly strategyId: string;
  readonly freshness: readonly FeatureFreshness[];
  readonly model: ModelStatus;
  readonly monitor: MonitorDayResult;
  readonly decision: string;
  readonly exitCode: number;
  /** null when not requested or not needed. */
  readonly retrain: { readonly reason: string; readonly summary: string } | null;
}

/** Runs the daily job for one strategy and date (see the file comment). */
export async function runDailyJob(o: DailyJobOptions): Promise<DailyJobResult> {
  const freshness = o.freshness
    ? await featureFreshness(o.store.features, o.freshness.entity, o.freshness.features, o.date, o.freshness)
    : [];
  const model = await activeModelStatus(o.store.registry, o.modelName, o.date, o.stalenessDays);
  const input = await o.input(model);
  const stale = freshness.filter((f) => f.status !== 'ok').length;
  const monitor = await runMonitorDay({
    store: o.store,
    input,
    rules: o.rules,
    ...(o.metricOptions ? { metricOptions: o.metricOptions } : {}),
    extraValues: o.freshness ? { stale_features: stale } : {},
    ...(o.sinks ? { sinks: o.sinks } : {}),
    ...(o.runId ? { runId: o.runId } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  let retrain: DailyJobResult['retrain'] = null;
  const trigger = monitor.alerts.find((a) => a.retrain);
  if (o.retrain && trigger) {
    const summary = await o.retrain();
    retrain = { reason: `${trigger.rule} on ${trigger.metric}`, summary };
  }
  return {
    date: o.date,
    strategyId: o.strategyId,
    freshness,
    model,
    monitor,
    decision: monitor.decision,
    exitCode: monitor.exitCode,
    retrain,
  };
}
