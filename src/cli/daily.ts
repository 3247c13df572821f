/**
 * `alphalab daily`: seed 004's daily operations job — feature freshness, the active model and its age, drift
 * metrics and alerts, a decision line (OK / ACTION REQUIRED with the worst action), and with `--retrain` the
 * training pipeline when a rule marked `retrain` fires. Exit code: 0 ok, 10 warning, 11 severe, 12 critical.
 */
import type { Command } from 'commander';
import { formatInstant } from '../core/calendar.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { Universe } from '../core/universe.ts';
import { parseWhitelist } from '../ml/features/whitelist.ts';
import { ARTIFACT_TYPES } from '../ml/strategy/bundle.ts';
import { type DailyJobResult, runDailyJob } from '../monitor/daily-job.ts';
import { driftMetricOptionsFromConfig } from '../monitor/metrics.ts';
import type { AlertRules } from '../monitor/rules.ts';
import type { AlertSink } from '../monitor/sinks.ts';
import { runTrainingPipeline } from '../pipeline/training.ts';
import { FEATURE_VERSION } from '../pipeline/training-dataset.ts';
import type { Store } from '../store/open-store.ts';
import { type CliContext, createCliContext } from './context.ts';
import { wantsJson, withCliStore } from './features.ts';
import {
  addMonitorOptions,
  dateIndexOf,
  ExitStatus,
  type MonitorFlags,
  monitorInput,
  monitorReportLines,
  rulesFromConfig,
  sinksFromConfig,
} from './monitor.ts';
import { universeFromFlags } from './train.ts';

export interface DailyFlags extends MonitorFlags {
  readonly entity?: string;
  readonly retrain?: boolean;
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export interface DailyRunOptions {
  readonly store: Store;
  readonly universe: Universe;
  readonly config: AlphalabConfig;
  /** A trading date of the universe; with `flags.retrain`, its last date (the caller checks). */
  readonly date: string;
  readonly flags: DailyFlags;
  readonly rules: AlertRules;
  readonly sinks: readonly AlertSink[];
  readonly runId: string;
  readonly logger: Logger;
}

/**
 * The daily job of `alphalab daily` on an open store (also the scheduled `monitor` job): freshness of the
 * active model's whitelisted features, its age, the day's drift metrics and alerts (stored idempotently, new
 * alerts sent to `sinks`, which the caller closes), and with `flags.retrain` the training pipeline when a
 * rule marked `retrain` fires.
 */
export async function runDailyOnUniverse(o: DailyRunOptions): Promise<DailyJobResult> {
  const { store, universe: u, config, date, flags } = o;
  const t = dateIndexOf(u, date);
  const modelName = flags.model ?? config.ml.model_name;
  const strategyId = flags.strategy ?? modelName;
  const defined = await store.features.listFeatures();
  const active = await store.registry.getActive(modelName);
  const whitelist = active
    ? parseWhitelist(
        (await store.registry.loadModelArtifact(active.modelId, ARTIFACT_TYPES.whitelist)).toString('utf8'),
      ).names
    : [];
  const known = new Set(defined.map((d) => d.name));
  const names = whitelist.filter((n) => known.has(n));
  return runDailyJob({
    store,
    date,
    strategyId,
    modelName,
    stalenessDays: config.ml.model_staleness_days,
    input: (status) => monitorInput(store, u, t, config, status, strategyId, flags),
    freshness: {
      entity: flags.entity ?? u.tickers[0]!,
      features: names.map((name) => ({ name, version: FEATURE_VERSION })),
    },
    rules: o.rules,
    metricOptions: driftMetricOptionsFromConfig(config),
    sinks: o.sinks,
    runId: o.runId,
    logger: o.logger,
    ...(flags.retrain
      ? {
          retrain: async () => {
            const r = await runTrainingPipeline({ universe: u, config, store, logger: o.logger });
            return `trained ${r.model.name} v${r.model.version}; ${r.promoted ? 'promoted' : 'not promoted'}: ${r.promotionReason}`;
          },
        }
      : {}),
  });
}

export function registerDailyCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  return addMonitorOptions(program.command('daily'))
    .description('daily operations job: feature freshness, active model, drift metrics, alerts, decision')
    .option('--date <yyyy-mm-dd>', 'the day (default: the last date of the universe)')
    .option('--entity <key>', 'entity whose feature freshness is checked (default: the first ticker)')
    .option('--retrain', 'run the training pipeline when a rule marked retrain fires')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 10 warning, 11 severe, 12 critical (2 for a usage error). Cron: 0 6 * * 1-5.

Examples:
  $ alphalab daily --stocks 300 --days 1260
  $ alphalab daily --universe data/sp500 --date 2024-06-28 --retrain --json`,
    )
    .action(async (flags: DailyFlags, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      const rules = rulesFromConfig(config, flags);
      const sinks = sinksFromConfig(config, flags, session);
      const u = await universeFromFlags(session, flags);
      const date = flags.date ?? u.dates.at(-1)!;
      const t = dateIndexOf(u, date);
      if (flags.retrain && t !== u.dates.length - 1)
        throw new InvalidInputError(
          `--retrain needs --date to be the universe's last date (${u.dates.at(-1)}): training must not see data after ${date}`,
          { where: { date } },
        );
      const modelName = flags.model ?? config.ml.model_name;
      const strategyId = flags.strategy ?? modelName;
      const result = await withCliStore(session, flags, async (store) => {
        try {
          return await runDailyOnUniverse({
            store,
            universe: u,
            config,
            date,
            flags,
            rules,
            sinks,
            runId: session.runId,
            logger: session.logger,
          });
        } finally {
          for (const s of sinks) await s.close();
        }
      });
      if (wantsJson(session, command)) session.printJson(result);
      else {
        session.print(`=== alphalab daily: ${date} · strategy ${strategyId} ===`);
        session.print(`[1] Feature health (${flags.entity ?? u.tickers[0]})`);
        if (result.freshness.length === 0) session.print('  no features of the active model in the store');
        for (const f of result.freshness)
          session.print(
            `  ${f.status.toUpperCase().padEnd(7)} ${f.feature}${Number.isFinite(f.latestEventMs) ? `  latest ${formatInstant(f.latestEventMs)} (${fmt(f.ageHours)} h before the close)` : ''}`,
          );
        session.print('[2] Model');
        const m = result.model;
        if (!m.model) session.print(`  no active version of '${modelName}'`);
        else
          session.print(
            `  ${m.model.name} v${m.model.version}, ${m.registeredAfterDate ? 'registered after this date (age n/a)' : `${fmt(m.ageDays)} days old${m.stale ? ` — STALE (> ${config.ml.model_staleness_days} days)` : ''}`}`,
          );
        session.print('[3] Drift metrics and alerts');
        for (const l of monitorReportLines(result.monitor)) session.print(l);
        if (result.retrain)
          session.print(`[4] Retraining (${result.retrain.reason}): ${result.retrain.summary}`);
        session.print(result.decision.startsWith('OK') ? `[OK] ${result.decision}` : `[${result.decision}]`);
      }
      if (result.exitCode !== 0) throw new ExitStatus(result.exitCode, result.decision);
    });
}
