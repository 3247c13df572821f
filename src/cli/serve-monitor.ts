/**
 * The drift monitor behind `POST /api/monitor/run` of `alphalab serve`: the same day as `alphalab monitor run
 * --date D` (active model status → monitor input on the universe → runMonitorDay, stored idempotently, new
 * alerts to the configured sinks), on the server's store. The universe comes from --universe (or config
 * data.universe) or from the synthetic-market flags; it is read on the first run and kept. Runs are
 * serialised: two requests for the same day must not interleave their replace-the-day's-alerts steps.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { AlphalabConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { activeModelStatus } from '../monitor/daily-job.ts';
import { driftMetricOptionsFromConfig } from '../monitor/metrics.ts';
import { runMonitorDay } from '../monitor/run-day.ts';
import type { MonitorRunner } from '../server/index.ts';
import type { Store } from '../store/open-store.ts';
import type { CliSession } from './context.ts';
import { parsePositiveInt } from './features.ts';
import { type MonitorFlags, monitorInput, rulesFromConfig, sinksFromConfig } from './monitor.ts';
import { type UniverseFlags, universeFromFlags } from './train.ts';

/** The serve flags the monitor reads. */
export interface ServeMonitorFlags extends UniverseFlags {
  readonly model?: string;
  readonly rules?: string;
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`'${value}' is not an integer ≥ 0`);
  return Number(value);
}

/**
 * The monitor's flags of `serve`: the universe flags of `monitor run`, described for serve (no universe
 * means no monitor, rather than the default synthetic market), the model and the rules.
 */
export function addServeMonitorOptions(cmd: Command): Command {
  return cmd
    .option(
      '--universe <dir>',
      'universe the drift monitor runs on (default: config data.universe; none: no monitor)',
    )
    .option('--stocks <n>', 'monitor on the synthetic market: number of stocks', parsePositiveInt)
    .option('--days <n>', 'monitor on the synthetic market: number of days', parsePositiveInt)
    .option('--seed <n>', 'monitor on the synthetic market: seed', nonNegativeInt)
    .option('--model <name>', 'model the drift monitor watches by default (default: ml.model_name)')
    .option(
      '--rules <file>',
      'alert rules YAML for the monitor (default: monitor.rules_file, else built in)',
    );
}

/** What a client is told when serve has no universe: which flag or setting provides one. */
export const NO_UNIVERSE_MESSAGE =
  'this server has no universe to monitor: start `alphalab serve` with --universe <dir> (or set data.universe / ALPHALAB_DATA__UNIVERSE), or with --stocks/--days/--seed for the synthetic market; stored drift metrics and alerts are still served';

/** True when the flags or the config name a universe (a directory, or the synthetic market explicitly). */
export function servesUniverse(config: AlphalabConfig, flags: ServeMonitorFlags): boolean {
  return (
    flags.universe !== undefined ||
    config.data.universe !== undefined ||
    flags.stocks !== undefined ||
    flags.days !== undefined ||
    flags.seed !== undefined
  );
}

/**
 * The runner, or undefined when no universe is named (the route then answers 503 with NO_UNIVERSE_MESSAGE).
 * The rules file is read now, so a bad one stops `serve` at start (exit 2) rather than at the first run.
 */
export function serveMonitorRunner(
  session: CliSession,
  config: AlphalabConfig,
  store: Store,
  flags: ServeMonitorFlags,
): MonitorRunner | undefined {
  if (!servesUniverse(config, flags)) return undefined;
  const rules = rulesFromConfig(config, flags);
  const metricOptions = driftMetricOptionsFromConfig(config);
  let universe: Promise<Universe> | undefined;
  const loadUniverse = () => {
    universe ??= universeFromFlags(session, flags).catch((e: unknown) => {
      universe = undefined; // a failed read is retried by the next run
      throw e;
    });
    return universe;
  };
  let tail: Promise<unknown> = Promise.resolve();
  return (request) => {
    const run = async () => {
      const u = await loadUniverse();
      const t = u.dates.indexOf(request.date);
      if (t < 0)
        throw new InvalidInputError(
          `date ${request.date} is not a trading date of the served universe (${u.dates[0]} … ${u.dates.at(-1)})`,
          { where: { field: 'body.date' } },
        );
      const model = request.model ?? flags.model ?? config.ml.model_name;
      const strategyId = request.strategyId ?? model;
      const monitorFlags: MonitorFlags = {};
      const sinks = sinksFromConfig(config, monitorFlags, session);
      try {
        const status = await activeModelStatus(
          store.registry,
          model,
          request.date,
          config.ml.model_staleness_days,
        );
        const input = await monitorInput(store, u, t, config, status, strategyId, monitorFlags);
        const result = await runMonitorDay({
          store,
          input,
          rules,
          metricOptions,
          sinks,
          runId: session.runId,
          logger: session.logger,
        });
        return { strategyId, model, result };
      } finally {
        for (const s of sinks) await s.close();
      }
    };
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
}
