/**
 * The scheduled `retrain` (seed 003's weekly_retrain_job) and `monitor` (seed 004's daily job) handlers. They
 * live here rather than in compute/schedule because they run the training pipeline and the daily command,
 * which sit above compute in the folder order (architecture.md §2); `alphalab worker` and `alphalab schedule
 * run` add this module to the compute layer's handlers (`risk_build`) by URL, the plug-in route the schedule
 * worker's sandboxed child already loads. Everything heavy is imported inside the handlers, so a worker
 * loads no ML code until one of these jobs runs.
 */

import type { ScheduledJobHandler } from '../compute/schedule/jobs.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { newRunId } from '../core/log.ts';
import type { Store } from '../store/open-store.ts';

/** URL of this module, for `handlerModules` / `loadScheduleHandlers`. */
export const SCHEDULE_JOBS_MODULE: string = import.meta.url;

/** Opens `config.store` like the CLI's `--workspace` / `--db` defaults do, runs `fn`, closes the store. */
async function withConfiguredStore<T>(config: AlphalabConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/open-store.ts');
  const dbUrl = config.store.db_url;
  const store = await openStore({ workspace: config.store.workspace, ...(dbUrl ? { dbUrl } : {}), env: {} });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Non-finite numbers as null: BullMQ keeps a job's result as JSON, and `schedule status` prints it. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  );
}

/**
 * `retrain`: what `alphalab train` runs with no flags — features → point-in-time training set → walk-forward
 * tuning (`ml.tuning_trials`, every window) → final fit → calibration → registry, promoted when it beats
 * the active version by `ml.promote_margin` — on the configured universe and store.
 */
export const retrainJob: ScheduledJobHandler = async ({ config, logger }) => {
  const [{ configuredUniverse }, { runTrainingPipeline }] = await Promise.all([
    import('../compute/schedule/jobs.ts'),
    import('../pipeline/training.ts'),
  ]);
  const universe = await configuredUniverse(config, logger);
  const r = await withConfiguredStore(config, (store) =>
    runTrainingPipeline({ universe, config, store, logger }),
  );
  const oos = r.reliability.outOfSample;
  return jsonSafe({
    model: { name: r.model.name, version: r.model.version, modelId: r.model.modelId },
    promoted: r.promoted,
    promotionReason: r.promotionReason,
    rows: r.rows,
    features: r.featureCount,
    fingerprint: r.fingerprint,
    windows: r.windows.length,
    windowsEvaluated: r.windows.filter((w) => w.metrics !== undefined).length,
    // Out of sample: the stitched walk-forward test predictions (methods.md §9.4), their calibration and
    // the backtest of the strategy over that period.
    outOfSample: {
      ...r.metrics.test,
      brier: oos.brierAfter,
      calibratedLogLoss: oos.logLossAfter,
      backtest: r.metrics.backtest,
    },
  });
};

/**
 * `monitor`: what `alphalab daily` runs with no flags, for the universe's last date — feature freshness, the
 * active model and its age, drift metrics and alerts (stored idempotently: a second run of the same day
 * rewrites its metrics and re-sends no alert), the configured sinks. It does not retrain (that is the
 * `retrain` job's schedule); alerts do not fail the run, they are in its summary and the sinks.
 */
export const monitorJob: ScheduledJobHandler = async ({ config, logger }) => {
  const [{ configuredUniverse }, { runDailyOnUniverse }, { rulesFromConfig, sinksFromConfig }] =
    await Promise.all([import('../compute/schedule/jobs.ts'), import('./daily.ts'), import('./monitor.ts')]);
  const rules = rulesFromConfig(config, {});
  const universe = await configuredUniverse(config, logger);
  const date = universe.dates.at(-1)!;
  const sinks = sinksFromConfig(config, {}, { logger });
  const runId = newRunId();
  const r = await withConfiguredStore(config, async (store) => {
    try {
      return await runDailyOnUniverse({
        store,
        universe,
        config,
        date,
        flags: {},
        rules,
        sinks,
        runId,
        logger,
      });
    } finally {
      for (const s of sinks) await s.close();
    }
  });
  const bySeverity = (alerts: readonly { severity: string }[]) => {
    const out: Record<string, number> = {};
    for (const a of alerts) out[a.severity] = (out[a.severity] ?? 0) + 1;
    return out;
  };
  const m = r.monitor;
  return jsonSafe({
    date: r.date,
    strategyId: r.strategyId,
    model: r.model.model
      ? {
          name: r.model.model.name,
          version: r.model.model.version,
          // Registered after the monitored date (a replay, e.g. a synthetic market's past): age undefined.
          registeredAfterDate: r.model.registeredAfterDate,
          ageDays: r.model.ageDays,
          stale: r.model.stale,
        }
      : null,
    staleFeatures: r.freshness.filter((f) => f.status !== 'ok').length,
    metrics: { ic: m.metrics.ic, psiMax: m.metrics.psiMax, accuracy: m.metrics.accuracy },
    alerts: { total: m.alerts.length, new: m.newAlerts.length, bySeverity: bySeverity(m.alerts) },
    sinkErrors: m.sinks.filter((s) => s.error).map((s) => `${s.sink}: ${s.error}`),
    decision: r.decision,
    exitCode: r.exitCode,
  });
};

/** The handlers this module plugs into the schedule worker (see the file comment). */
export const scheduleHandlers: Readonly<Record<string, ScheduledJobHandler>> = {
  retrain: retrainJob,
  monitor: monitorJob,
};
