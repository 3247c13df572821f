/**
 * The scheduled jobs as BullMQ job schedulers on the `alphalab-schedule` queue, executed by `alphalab worker`
 * processes, and their status read back from BullMQ's own job records: the last finished run, the last
 * failure with its error (a handler that threw, or a run lost with a dead worker beyond maxStalledCount),
 * the next run, and an overdue run — one that was due but that no worker has picked up (no worker alive).
 */
import { type ConnectionOptions, type Job, Queue } from 'bullmq';
import type { AlphalabConfig } from '../../core/config.ts';
import { type RedisConnectionInput, resolveRedisOptions } from '../bullmq/connection.ts';
import { DEFAULT_PREFIX } from '../bullmq/protocol.ts';
import { SCHEDULED_JOBS, type ScheduledJobName, scheduleCrons } from './jobs.ts';

export const SCHEDULE_QUEUE = 'alphalab-schedule';
/** A due run not started after this long counts as overdue. */
export const OVERDUE_GRACE_MS = 60_000;

export interface ScheduleJobData {
  readonly job: string;
  /** The configuration at registration time: workers on other machines run with it. */
  readonly config: AlphalabConfig;
}

export interface ScheduleQueueOptions {
  readonly connection: RedisConnectionInput;
  readonly prefix?: string;
}

export function openScheduleQueue(options: ScheduleQueueOptions): Queue<ScheduleJobData> {
  return new Queue<ScheduleJobData>(SCHEDULE_QUEUE, {
    connection: resolveRedisOptions(options.connection) as ConnectionOptions,
    prefix: options.prefix ?? DEFAULT_PREFIX,
  });
}

export interface RegisteredSchedule {
  readonly name: string;
  readonly pattern: string;
  readonly next: number | undefined;
}

/** Creates or updates a scheduler per job from `config.schedule.*` (UTC); returns what is registered. */
export async function registerSchedules(
  queue: Queue<ScheduleJobData>,
  config: AlphalabConfig,
  names: readonly ScheduledJobName[] = SCHEDULED_JOBS.map((j) => j.name),
): Promise<RegisteredSchedule[]> {
  const crons = scheduleCrons(config);
  const out: RegisteredSchedule[] = [];
  for (const name of names) {
    const job = await queue.upsertJobScheduler(
      name,
      { pattern: crons[name], tz: 'UTC' },
      {
        name,
        data: { job: name, config },
        opts: {
          attempts: 2,
          backoff: { type: 'exponential', delay: 60_000 },
          removeOnComplete: { count: 50 },
          removeOnFail: { count: 100 },
        },
      },
    );
    out.push({ name, pattern: crons[name], next: job ? job.timestamp + (job.delay ?? 0) : undefined });
  }
  return out;
}

export async function listSchedules(queue: Queue<ScheduleJobData>): Promise<RegisteredSchedule[]> {
  const all = await queue.getJobSchedulers(0, -1, true);
  return all.map((s) => ({
    name: s.key ?? s.name,
    pattern: s.pattern ?? `every ${s.every} ms`,
    next: s.next,
  }));
}

/** Removes the named schedulers (all when none given); returns the names removed. */
export async function removeSchedules(
  queue: Queue<ScheduleJobData>,
  names?: readonly string[],
): Promise<string[]> {
  const targets = names && names.length > 0 ? names : (await listSchedules(queue)).map((s) => s.name);
  const removed: string[] = [];
  for (const n of targets) if (await queue.removeJobScheduler(n)) removed.push(n);
  return removed;
}

export interface RunRecord {
  readonly jobId: string;
  readonly at: number;
  readonly durationMs: number | undefined;
  readonly worker: string | undefined;
}

export interface ScheduleStatus {
  readonly name: string;
  readonly pattern: string | undefined;
  readonly next: number | undefined;
  readonly lastRun:
    | (RunRecord & { readonly status: 'completed' | 'failed'; readonly result?: unknown })
    | undefined;
  readonly lastFailure: (RunRecord & { readonly error: string; readonly attempts: number }) | undefined;
  readonly running: boolean;
  /** Due time of a run that no worker has started within the grace period. */
  readonly overdueSince: number | undefined;
}

function dueTime(job: Job): number {
  return job.timestamp + (job.delay ?? 0);
}

/** Status of every registered scheduler (and of jobs with history whose scheduler was removed). */
export async function scheduleStatus(
  queue: Queue<ScheduleJobData>,
  now = Date.now(),
  graceMs = OVERDUE_GRACE_MS,
): Promise<ScheduleStatus[]> {
  const [schedulers, completed, failed, active, pending] = await Promise.all([
    listSchedules(queue),
    queue.getJobs(['completed'], 0, 499),
    queue.getJobs(['failed'], 0, 499),
    queue.getJobs(['active'], 0, 99),
    queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 499),
  ]);
  const all = [...completed, ...failed, ...active, ...pending];
  const names = [...new Set([...schedulers.map((s) => s.name), ...all.map((j) => j.name)])];
  const latest = (jobs: Job[], name: string) =>
    jobs
      .filter((j) => j.name === name && j.finishedOn !== undefined)
      .sort((a, b) => b.finishedOn! - a.finishedOn!)[0];
  const record = (j: Job): RunRecord => ({
    jobId: j.id ?? '',
    at: j.finishedOn!,
    durationMs: j.processedOn === undefined ? undefined : j.finishedOn! - j.processedOn,
    worker: (j as { processedBy?: string }).processedBy,
  });
  return names.map((name) => {
    const ok = latest(completed, name);
    const bad = latest(failed, name);
    const last = ok && (!bad || ok.finishedOn! >= bad.finishedOn!) ? ok : bad;
    // A job waiting for a retry has started before; only never-started runs can be overdue.
    const overdue = pending
      .filter((j) => j.name === name && j.attemptsStarted === 0 && j.attemptsMade === 0)
      .map(dueTime)
      .filter((t) => t < now - graceMs);
    const sched = schedulers.find((s) => s.name === name);
    return {
      name,
      pattern: sched?.pattern,
      next: sched?.next,
      lastRun:
        last === undefined
          ? undefined
          : last === ok
            ? { ...record(last), status: 'completed', result: last.returnvalue }
            : { ...record(last), status: 'failed' },
      lastFailure: bad ? { ...record(bad), error: bad.failedReason, attempts: bad.attemptsMade } : undefined,
      running: active.some((j) => j.name === name),
      overdueSince: overdue.length > 0 ? Math.min(...overdue) : undefined,
    };
  });
}
