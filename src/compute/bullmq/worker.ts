/**
 * `startComputeWorker`: what `alphalab worker` runs on each machine. A BullMQ Worker on the compute queue
 * whose processor is sandboxed (processor.js in child processes, or worker threads), so CPU-bound tasks
 * never block the event loop that renews job locks. Stall settings are tuned for quick recovery: a worker
 * renews its locks every lockDuration/2; when it dies its locks expire after lockDuration and another
 * worker's stalled check (every stalledInterval) returns the job to the queue, so a killed worker's task
 * restarts within lockDuration + stalledInterval (≈ 6 s by default).
 */
import { hostname } from 'node:os';
import { type ConnectionOptions, Worker } from 'bullmq';
import { InvalidInputError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { describeRedis, type RedisConnectionInput, resolveRedisOptions } from './connection.ts';
import { COMPUTE_QUEUE, DEFAULT_PREFIX, PROCESSOR_ENV, type ProcessorSettings } from './protocol.ts';

export const DEFAULT_LOCK_DURATION_MS = 4000;
export const DEFAULT_STALLED_INTERVAL_MS = 2000;
export const DEFAULT_MAX_STALLED_COUNT = 2;
export const DEFAULT_CACHE_BYTES = 4 * 1024 ** 3;

export interface ComputeWorkerOptions {
  readonly connection: RedisConnectionInput;
  readonly prefix?: string;
  readonly queueName?: string;
  /** Tasks run at once (one sandboxed child each); default 1. */
  readonly concurrency?: number;
  /** Run tasks in worker threads instead of child processes. */
  readonly useWorkerThreads?: boolean;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it fails; default 2. */
  readonly maxStalledCount?: number;
  /** Byte budget of each child's cache of shared inputs; default 4 GiB. */
  readonly cacheBytes?: number;
  /** Name shown in job records; default `<host>:<pid>`. */
  readonly name?: string;
  readonly logger?: Logger;
}

export interface WorkerHandle {
  readonly name: string;
  readonly worker: Worker;
  /** Finishes the running tasks, stops the children and disconnects. */
  close(): Promise<void>;
}

function checkPositive(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1)
    throw new InvalidInputError(`${field} must be a positive integer, got ${v}`, { where: { field } });
  return v;
}

/** Settings every sandboxed child receives through its environment (never through argv, which `ps` shows). */
export function processorEnvironment(settings: ProcessorSettings): NodeJS.ProcessEnv {
  return {
    ...process.env,
    [PROCESSOR_ENV]: JSON.stringify(settings),
    // Native numeric libraries inside a task must not oversubscribe the cores the worker's children share.
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
}

const EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print', '--input-type']);

/**
 * The parent's node flags minus those that would make a forked child run something else than BullMQ's
 * child entry: a worker started from `node -e '…'` would otherwise fork copies of itself (each starting a
 * worker, which forks…). Inspector flags are dropped too (the port is taken by the parent).
 */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < execArgv.length; k++) {
    const a = execArgv[k]!;
    const flag = a.split('=')[0]!;
    if (EVAL_FLAGS.has(flag)) {
      if (!a.includes('=')) k++; // its value is the next argument
      continue;
    }
    if (flag.startsWith('--inspect')) continue;
    out.push(a);
  }
  return out;
}

/** Options of a sandboxed BullMQ Worker for `processorFile`, with the processor settings passed down. */
export function sandboxOptions(settings: ProcessorSettings, useWorkerThreads: boolean) {
  const env = processorEnvironment(settings);
  const execArgv = childExecArgv(process.execArgv);
  return useWorkerThreads
    ? { useWorkerThreads: true, workerThreadsOptions: { env, execArgv } }
    : { useWorkerThreads: false, workerForkOptions: { env, execArgv } };
}

export async function startComputeWorker(options: ComputeWorkerOptions): Promise<WorkerHandle> {
  const connection = resolveRedisOptions(options.connection);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const concurrency = checkPositive(options.concurrency ?? 1, 'concurrency');
  const lockDuration = checkPositive(options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS, 'lockDurationMs');
  const stalledInterval = checkPositive(
    options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
    'stalledIntervalMs',
  );
  const maxStalledCount = checkPositive(
    options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    'maxStalledCount',
  );
  const settings: ProcessorSettings = {
    connection,
    prefix,
    cacheBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
    worker: name,
  };
  const processorFile = new URL('./processor.js', import.meta.url);
  const worker = new Worker(options.queueName ?? COMPUTE_QUEUE, processorFile, {
    connection: connection as ConnectionOptions,
    prefix,
    name,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    ...sandboxOptions(settings, options.useWorkerThreads === true),
  });
  const log = options.logger;
  worker.on('error', (e) => log?.warn({ err: e.message }, 'worker connection error (retrying)'));
  worker.on('failed', (job, e) =>
    log?.warn({ job: job?.id, attempts: job?.attemptsMade, err: e.message }, 'job attempt failed'),
  );
  worker.on('stalled', (id) => log?.warn({ job: id }, 'job of a dead worker returned to the queue'));
  worker.on('completed', (job) => log?.debug({ job: job.id }, 'task done'));
  await worker.waitUntilReady();
  log?.info(
    { redis: describeRedis(connection), prefix, concurrency, lockDuration, stalledInterval },
    'worker ready',
  );
  return {
    name,
    worker,
    close: () => worker.close(),
  };
}
