/**
 * The scheduled jobs of seeds 000, 003 and 004 and their pluggable handlers: a job name → async handler map.
 * This layer wires the risk-model build (src/risk). Retraining and monitoring run the training pipeline and
 * the daily job, which sit above compute (architecture.md §2), so their handlers live in src/cli/jobs.ts and
 * are added by module URL (`loadScheduleHandlers`), as `alphalab worker` and `alphalab schedule run` do; a
 * job without a handler fails as "not available in this build" in `schedule status` instead of a run that
 * silently did nothing.
 */
import { join } from 'node:path';
import type { AlphalabConfig } from '../../core/config.ts';
import { UnavailableError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { Universe } from '../../core/universe.ts';
import { checkCron } from './cron.ts';

export type ScheduledJobName = 'risk_build' | 'retrain' | 'monitor';

export interface ScheduledJobSpec {
  readonly name: ScheduledJobName;
  /** Config key under `schedule.` holding its cron expression. */
  readonly configKey: keyof AlphalabConfig['schedule'];
  readonly description: string;
}

export const SCHEDULED_JOBS: readonly ScheduledJobSpec[] = [
  {
    name: 'risk_build',
    configKey: 'risk_build',
    description: 'weekly Fama–MacBeth risk-model build (seed 000)',
  },
  { name: 'retrain', configKey: 'retrain', description: 'weekly model retraining (seed 003)' },
  { name: 'monitor', configKey: 'monitor', description: 'daily drift and performance monitoring (seed 004)' },
];

/** The cron expression of each job from the configuration, checked. */
export function scheduleCrons(config: AlphalabConfig): Record<ScheduledJobName, string> {
  const out = {} as Record<ScheduledJobName, string>;
  for (const j of SCHEDULED_JOBS)
    out[j.name] = checkCron(config.schedule[j.configKey], `schedule.${j.configKey}`);
  return out;
}

export interface ScheduledJobContext {
  readonly config: AlphalabConfig;
  readonly logger: Logger;
  /** When the run was due (epoch ms), if it came from a scheduler. */
  readonly scheduledFor?: number;
}

/** A handler returns a JSON-able summary, which `schedule status` shows; throwing marks the run failed. */
export type ScheduledJobHandler = (ctx: ScheduledJobContext) => Promise<unknown>;
export type ScheduleHandlers = ReadonlyMap<string, ScheduledJobHandler>;

export function notAvailableHandler(name: string, what: string): ScheduledJobHandler {
  return async () => {
    throw new UnavailableError(`scheduled job '${name}' is not available in this build: ${what}`);
  };
}

/** The universe the jobs run on: `data.universe`, else the configured synthetic market. */
export async function configuredUniverse(config: AlphalabConfig, logger: Logger): Promise<Universe> {
  if (config.data.universe !== undefined) {
    const { readUniverseDir } = await import('../../data/io/directory.ts');
    return readUniverseDir(config.data.universe, { logger });
  }
  const { generateSyntheticMarket } = await import('../../data/synthetic/generate.ts');
  logger.info(config.data.synthetic, 'no data.universe: building on the configured synthetic market');
  return generateSyntheticMarket(config.data.synthetic).universe;
}

/** Seed 000: build the risk model as of the last date and persist it under `<workspace>/artifacts/risk_model`. */
export const riskBuildHandler: ScheduledJobHandler = async ({ config, logger }) => {
  const { buildRiskModel } = await import('../../risk/factor-model/build.ts');
  const universe = await configuredUniverse(config, logger);
  const r = await buildRiskModel(universe, {
    outDir: join(config.store.workspace, 'artifacts', 'risk_model'),
    minDates: config.risk.min_dates,
    minTickers: config.risk.min_tickers,
    logger,
  });
  if (r.status === 'skipped') throw new UnavailableError(`risk model not built: ${r.reason ?? 'skipped'}`);
  if (r.persistence.status === 'failed')
    throw new UnavailableError(`risk model not written: ${r.persistence.warning}`);
  return {
    asOf: r.asOf ?? null,
    factors: r.model?.factors.length ?? 0,
    tickers: r.model?.tickers.length ?? 0,
    persistence: r.persistence,
  };
};

/**
 * The handlers of this layer: `risk_build`. `retrain` and `monitor` come from src/cli/jobs.ts
 * (`scheduleHandlers`), plugged in by module URL.
 */
export function defaultScheduleHandlers(): ScheduleHandlers {
  return new Map<string, ScheduledJobHandler>([['risk_build', riskBuildHandler]]);
}

/** `base` with `extra` added or replacing same-named handlers. */
export function withHandlers(
  base: ScheduleHandlers,
  extra: ReadonlyMap<string, ScheduledJobHandler> | Readonly<Record<string, ScheduledJobHandler>>,
): ScheduleHandlers {
  const out = new Map(base);
  const entries = extra instanceof Map ? [...extra] : Object.entries(extra);
  for (const [k, h] of entries) out.set(k, h);
  return out;
}

/** Default handlers plus those exported as `scheduleHandlers` (a Map or a record) by each module URL. */
export async function loadScheduleHandlers(modules: readonly string[] = []): Promise<ScheduleHandlers> {
  let handlers = defaultScheduleHandlers();
  for (const url of modules) {
    const mod = (await import(url)) as { scheduleHandlers?: Record<string, ScheduledJobHandler> };
    if (mod.scheduleHandlers) handlers = withHandlers(handlers, mod.scheduleHandlers);
  }
  return handlers;
}

/** Runs one job by name; unknown names fail like unavailable ones. */
export async function runScheduledJob(
  name: string,
  handlers: ScheduleHandlers,
  ctx: ScheduledJobContext,
): Promise<unknown> {
  const h = handlers.get(name) ?? notAvailableHandler(name, 'no handler is registered under that name');
  return h(ctx);
}
