/**
 * `alphalab monitor run --date D`: the day's drift metrics and alerts of the active model's strategy on a
 * universe (monitor/), stored idempotently and sent to the configured sinks. The exit code tells a scheduler
 * the worst severity: 0 ok, 10 warning, 11 severe, 12 critical (user mistakes still exit 2).
 */
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { isIsoDate, isoDateOf, lastIndexAtOrBefore } from '../core/calendar.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { computeFeatures } from '../ml/features/feature-set.ts';
import { loadModelBundle } from '../ml/strategy/bundle.ts';
import { MLSignalStrategy, mlStrategyOptionsFromConfig } from '../ml/strategy/strategy.ts';
import { activeModelStatus, type ModelStatus } from '../monitor/daily-job.ts';
import { driftMetricOptionsFromConfig } from '../monitor/metrics.ts';
import { type AlertRules, loadAlertRules } from '../monitor/rules.ts';
import { type MonitorDayResult, runMonitorDay } from '../monitor/run-day.ts';
import { type AlertSink, logSink, redisStreamSink, webhookSink } from '../monitor/sinks.ts';
import type { DriftInput } from '../monitor/types.ts';
import { universeDriftInput } from '../monitor/universe-source.ts';
import type { Store } from '../store/open-store.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { EXIT_STATUS_CODE } from './errors.ts';
import { addStoreOptions, type StoreFlags, wantsJson, withCliStore } from './features.ts';
import { addUniverseOptions, type UniverseFlags, universeFromFlags } from './train.ts';

/**
 * Ends a command that succeeded with a non-zero status for the scheduler (10/11/12). Its report is already
 * printed, so the CLI edge prints nothing more (describeError is silent for CommanderErrors).
 */
export class ExitStatus extends CommanderError {
  constructor(exitCode: number, message: string) {
    super(exitCode, EXIT_STATUS_CODE, message);
  }
}

export interface MonitorFlags extends UniverseFlags, StoreFlags {
  readonly date?: string;
  readonly strategy?: string;
  readonly model?: string;
  readonly rules?: string;
  readonly webhook?: string;
  readonly redis?: string;
  readonly redisStream?: string;
  readonly psiDays?: number;
  readonly lookback?: number;
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return Number(value);
}

/** The flags `monitor run` and `daily` share. */
export function addMonitorOptions(cmd: Command): Command {
  return addStoreOptions(addUniverseOptions(cmd))
    .option('--strategy <id>', 'strategy id in drift_metrics and alerts (default: the model name)')
    .option('--model <name>', 'registered model whose active version is monitored (default: ml.model_name)')
    .option('--rules <file>', 'alert rules YAML (default: monitor.rules_file, else the built-in rules)')
    .option('--webhook <url>', 'POST new alerts as JSON here (default: monitor.webhook_url)')
    .option('--redis <url>', 'Redis for the alert stream (default: compute.redis_url)')
    .option('--redis-stream <key>', 'XADD new alerts to this stream (default: monitor.redis_stream)')
    .option('--psi-days <n>', 'days ending at the date pooled into the current PSI sample', positiveInt, 1)
    .option('--lookback <n>', 'decision dates replayed before the date', positiveInt, 80);
}

/** Log sink always; webhook and Redis stream when configured (flags override the config). */
export function sinksFromConfig(
  config: AlphalabConfig,
  flags: MonitorFlags,
  session: Pick<CliSession, 'logger'>,
): AlertSink[] {
  const m = config.monitor;
  const sinks: AlertSink[] = [logSink(session.logger)];
  const url = flags.webhook ?? m.webhook_url;
  if (url) sinks.push(webhookSink({ url, timeoutMs: m.webhook_timeout_ms, retries: m.webhook_retries }));
  const stream = flags.redisStream ?? m.redis_stream;
  if (stream) {
    const redis = flags.redis ?? config.compute.redis_url;
    if (!redis)
      throw new InvalidInputError(
        `the alert stream '${stream}' needs a Redis URL (--redis or compute.redis_url)`,
        {
          where: { field: 'redis' },
        },
      );
    sinks.push(redisStreamSink({ redis, stream }));
  }
  return sinks;
}

export function rulesFromConfig(config: AlphalabConfig, flags: MonitorFlags): AlertRules {
  const file = flags.rules ?? config.monitor.rules_file;
  return file === undefined
    ? loadAlertRules(undefined, { stalenessDays: config.ml.model_staleness_days })
    : loadAlertRules(file);
}

/** The universe index of `date` (which must be a trading date of the universe). */
export function dateIndexOf(u: Universe, date: string): number {
  if (!isIsoDate(date))
    throw new InvalidInputError(`--date '${date}' is not a date of the form yyyy-mm-dd`, {
      where: { field: 'date' },
    });
  const t = u.dates.indexOf(date);
  if (t < 0)
    throw new InvalidInputError(
      `--date ${date} is not a trading date of the universe (${u.dates[0]} … ${u.dates.at(-1)})`,
      { where: { date } },
    );
  return t;
}

/** Builds the monitor input of date index t for the model in `status` (empty input without a model). */
export async function monitorInput(
  store: Store,
  u: Universe,
  t: number,
  config: AlphalabConfig,
  status: ModelStatus,
  strategyId: string,
  flags: MonitorFlags,
): Promise<DriftInput> {
  if (!status.info)
    return {
      date: u.dates[t]!,
      strategyId,
      predictions: [],
      returns: { dates: [], values: new Float64Array(0) },
      features: [],
      model: null,
    };
  const bundle = await loadModelBundle(store.registry, status.info);
  const strategy = new MLSignalStrategy(bundle, mlStrategyOptionsFromConfig(config));
  const runs = (await store.registry.getTrainingRuns(status.info.modelId)).filter(
    (r) => r.status === 'completed' && Number.isFinite(r.datasetStart) && Number.isFinite(r.datasetEnd),
  );
  const last = runs.at(-1);
  let baselineRange: [number, number] | null = null;
  if (last) {
    const a = lastIndexAtOrBefore(u.dates, isoDateOf(last.datasetStart));
    const b = lastIndexAtOrBefore(u.dates, isoDateOf(last.datasetEnd));
    if (b >= 0) baselineRange = [Math.max(0, a), Math.min(b, t)];
  }
  return universeDriftInput(u, computeFeatures(u), strategy, {
    strategyId,
    dateIndex: t,
    horizon: config.ml.prediction_horizon,
    delay: config.research.execution_delay,
    upThreshold: config.ml.up_threshold,
    downThreshold: config.ml.down_threshold,
    target: config.ml.target,
    lookback: flags.lookback ?? 80,
    baselineRange,
    psiDays: flags.psiDays ?? 1,
    model: status.model,
  });
}

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** The metrics and alerts block of the text report. */
export function monitorReportLines(r: MonitorDayResult): string[] {
  const m = r.metrics;
  const eligible = m.psi.filter((p) => p.eligible).length;
  const lines = [
    `  IC ${fmt(m.ic)}${m.icBatchDate ? ` (predictions of ${m.icBatchDate}, ${m.icCount} names)` : ''}   IC 5-batch avg ${fmt(m.ic5dAvg)}`,
    `  Sharpe ${m.sharpe.map((s) => `${s.window}d ${fmt(s.value, 2)} ± ${fmt(s.se, 2)}`).join('   ')}`,
    `  accuracy ${fmt(m.accuracy, 3)} vs majority-class rate ${fmt(m.majorityRate, 3)} (last ${m.accuracyCount} resolved)`,
    `  PSI max ${fmt(m.psiMax)} (${eligible} of ${m.psi.length} features with enough samples)`,
    `  model age ${fmt(m.modelAgeDays, 1)} days`,
  ];
  if (r.alerts.length === 0) lines.push('  no alerts');
  for (const a of r.alerts)
    lines.push(
      `  ${a.severity.toUpperCase().padEnd(8)} ${a.rule}: ${a.message} (distance ${fmt(a.distance)})${r.newAlerts.includes(a) ? '' : ' [already raised]'}`,
    );
  for (const s of r.sinks) if (s.error) lines.push(`  sink ${s.sink} failed: ${s.error}`);
  return lines;
}

export function registerMonitorCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const monitor = program.command('monitor').description('drift monitoring of deployed models');
  addMonitorOptions(monitor.command('run'))
    .description("the day's drift metrics (IC, PSI, Sharpe, accuracy, model age) and alerts")
    .requiredOption('--date <yyyy-mm-dd>', 'monitored date (a trading date of the universe)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 10 warning, 11 severe, 12 critical (2 for a usage error).

Examples:
  $ alphalab monitor run --date 2024-06-28 --stocks 300 --days 1260
  $ alphalab monitor run --date 2024-06-28 --universe data/sp500 --rules rules.yaml --json`,
    )
    .action(async (flags: MonitorFlags & { date: string }, command: Command) => {
      const session = ctx.session(command);
      const config = session.config();
      if (!isIsoDate(flags.date))
        throw new InvalidInputError(`--date '${flags.date}' is not a date of the form yyyy-mm-dd`, {
          where: { field: 'date' },
        });
      const rules = rulesFromConfig(config, flags);
      const sinks = sinksFromConfig(config, flags, session);
      const u = await universeFromFlags(session, flags);
      const t = dateIndexOf(u, flags.date);
      const modelName = flags.model ?? config.ml.model_name;
      const strategyId = flags.strategy ?? modelName;
      const result = await withCliStore(session, flags, async (store) => {
        try {
          const status = await activeModelStatus(
            store.registry,
            modelName,
            flags.date,
            config.ml.model_staleness_days,
          );
          const input = await monitorInput(store, u, t, config, status, strategyId, flags);
          return await runMonitorDay({
            store,
            input,
            rules,
            metricOptions: driftMetricOptionsFromConfig(config),
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
        session.print(`monitor ${flags.date} · strategy ${strategyId}`);
        for (const l of monitorReportLines(result)) session.print(l);
        session.print(result.decision);
      }
      if (result.exitCode !== 0) throw new ExitStatus(result.exitCode, result.decision);
    });
  return monitor;
}
