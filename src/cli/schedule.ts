/**
 * `alphalab schedule`: the weekly risk-model build, weekly retraining and daily monitoring (seeds 000, 003,
 * 004) as BullMQ job schedulers run by `alphalab worker`, from the cron expressions `schedule.risk_build`,
 * `schedule.retrain`, `schedule.monitor`. Without Redis it prints the equivalent crontab lines.
 */
import type { Command } from 'commander';
import { crontabLines } from '../compute/schedule/crontab.ts';
import {
  loadScheduleHandlers,
  runScheduledJob,
  SCHEDULED_JOBS,
  type ScheduledJobName,
} from '../compute/schedule/jobs.ts';
import {
  listSchedules,
  openScheduleQueue,
  registerSchedules,
  removeSchedules,
  type ScheduleStatus,
  scheduleStatus,
} from '../compute/schedule/scheduler.ts';
import { InvalidInputError } from '../core/errors.ts';
import { type CliContext, type CliSession, createCliContext } from './context.ts';
import { SCHEDULE_JOBS_MODULE } from './jobs.ts';
import { addRedisOptions, type RedisFlags, redisFromFlags } from './worker.ts';

const iso = (t: number | undefined) =>
  t === undefined ? '—' : new Date(t).toISOString().replace('.000Z', 'Z');

function ago(t: number, now: number): string {
  const s = Math.round((now - t) / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

export function formatStatus(rows: readonly ScheduleStatus[], now = Date.now()): string {
  if (rows.length === 0) return 'no scheduled jobs registered (run `alphalab schedule`)';
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(`${r.name}  (${r.pattern ?? 'scheduler removed'})`);
    lines.push(`  next run:     ${iso(r.next)}${r.running ? '   [running now]' : ''}`);
    const l = r.lastRun;
    lines.push(
      l === undefined
        ? '  last run:     never'
        : `  last run:     ${iso(l.at)} ${l.status.toUpperCase()}${l.durationMs === undefined ? '' : ` in ${(l.durationMs / 1000).toFixed(1)} s`}${l.worker ? ` on ${l.worker}` : ''}`,
    );
    if (r.lastFailure)
      lines.push(
        `  last failure: ${iso(r.lastFailure.at)} after ${r.lastFailure.attempts} attempt(s): ${r.lastFailure.error}`,
      );
    if (r.overdueSince !== undefined)
      lines.push(
        `  MISSED:       due ${iso(r.overdueSince)} (${ago(r.overdueSince, now)} ago), no worker has started it`,
      );
  }
  return lines.join('\n');
}

type Flags = RedisFlags;

async function withQueue<T>(
  session: CliSession,
  flags: Flags,
  f: (q: ReturnType<typeof openScheduleQueue>) => Promise<T>,
): Promise<T> {
  const connection = redisFromFlags(flags, session);
  if (connection === undefined) {
    throw new InvalidInputError('this needs Redis: pass --redis URL or set compute.redis_url', {
      where: { field: 'redis' },
    });
  }
  const queue = openScheduleQueue({
    connection,
    ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
  });
  try {
    return await f(queue);
  } finally {
    await queue.close();
  }
}

function checkNames(names: readonly string[]): ScheduledJobName[] {
  const known = SCHEDULED_JOBS.map((j) => j.name as string);
  for (const n of names) {
    if (!known.includes(n))
      throw new InvalidInputError(`unknown scheduled job '${n}' (expected ${known.join(', ')})`, {
        where: { field: 'job' },
      });
  }
  return names as ScheduledJobName[];
}

export function registerScheduleCommand(program: Command, ctx: CliContext = createCliContext()): Command {
  const schedule = program
    .command('schedule')
    .description('scheduled jobs (risk build, retraining, monitoring) on BullMQ job schedulers or crontab')
    .addHelpText(
      'after',
      `
Examples:
  $ alphalab schedule --redis redis://10.0.0.5:6379        # register all three from schedule.* in the config
  $ alphalab schedule status --redis redis://10.0.0.5:6379
  $ alphalab schedule remove monitor --redis redis://10.0.0.5:6379
  $ alphalab schedule crontab >> my.crontab                  # no Redis: the same schedule for cron
  $ alphalab schedule run risk_build                         # one run now, in this process`,
    );

  addRedisOptions(
    schedule
      .command('register', { isDefault: true })
      .description(
        'register (or update) the job schedulers; prints crontab lines when no Redis is configured',
      )
      .argument('[jobs...]', 'jobs to register (default: all)'),
  ).action(async (jobs: string[], flags: Flags, command: Command) => {
    const session = ctx.session(command);
    const names = checkNames(jobs.length > 0 ? jobs : SCHEDULED_JOBS.map((j) => j.name));
    const config = session.config();
    if (redisFromFlags(flags, session) === undefined) {
      session.logger.warn(
        'no Redis configured (--redis or compute.redis_url): printing the equivalent crontab',
      );
      const lines = crontabLines(config, {
        cwd: process.cwd(),
        ...(session.options.config ? { configFile: session.options.config } : {}),
      });
      if (session.options.json) session.printJson({ crontab: lines });
      else session.print(lines.join('\n'));
      return;
    }
    const registered = await withQueue(session, flags, (q) => registerSchedules(q, config, names));
    if (session.options.json) session.printJson(registered);
    else
      for (const r of registered)
        session.print(`${r.name.padEnd(11)} ${r.pattern.padEnd(16)} next ${iso(r.next)}`);
  });

  addRedisOptions(schedule.command('list').description('list the registered job schedulers')).action(
    async (flags: Flags, command: Command) => {
      const session = ctx.session(command);
      const rows = await withQueue(session, flags, listSchedules);
      if (session.options.json) session.printJson(rows);
      else if (rows.length === 0) session.print('no scheduled jobs registered');
      else
        for (const r of rows)
          session.print(`${r.name.padEnd(11)} ${r.pattern.padEnd(16)} next ${iso(r.next)}`);
    },
  );

  addRedisOptions(
    schedule
      .command('remove')
      .description('remove job schedulers (all when none named); history stays for status')
      .argument('[jobs...]', 'jobs to remove'),
  ).action(async (jobs: string[], flags: Flags, command: Command) => {
    const session = ctx.session(command);
    const removed = await withQueue(session, flags, (q) => removeSchedules(q, jobs));
    if (session.options.json) session.printJson({ removed });
    else session.print(removed.length === 0 ? 'nothing removed' : `removed ${removed.join(', ')}`);
  });

  addRedisOptions(
    schedule
      .command('status')
      .description('last run, next run, last failure with its error, and missed runs'),
  ).action(async (flags: Flags, command: Command) => {
    const session = ctx.session(command);
    const rows = await withQueue(session, flags, (q) => scheduleStatus(q));
    if (session.options.json) session.printJson(rows);
    else session.print(formatStatus(rows));
  });

  schedule
    .command('crontab')
    .description('print crontab lines equivalent to the schedulers (for machines without Redis)')
    .option('--command <cmd>', 'how cron invokes alphalab', 'npx alphalab')
    .action((flags: { command: string }, command: Command) => {
      const session = ctx.session(command);
      const lines = crontabLines(session.config(), {
        cwd: process.cwd(),
        command: flags.command,
        ...(session.options.config ? { configFile: session.options.config } : {}),
      });
      session.print(lines.join('\n'));
    });

  schedule
    .command('run')
    .description('run one scheduled job now in this process (what the crontab lines call)')
    .argument('<job>', SCHEDULED_JOBS.map((j) => j.name).join(' | '))
    .option('--handlers <url...>', 'modules exporting scheduleHandlers')
    .action(async (job: string, flags: { handlers?: string[] }, command: Command) => {
      const session = ctx.session(command);
      checkNames([job]);
      const handlers = await loadScheduleHandlers([SCHEDULE_JOBS_MODULE, ...(flags.handlers ?? [])]);
      const result = await runScheduledJob(job, handlers, {
        config: session.config(),
        logger: session.logger,
      });
      if (session.options.json) session.printJson(result ?? null);
      else session.print(`${job}: done ${JSON.stringify(result ?? null)}`);
    });

  return schedule;
}
