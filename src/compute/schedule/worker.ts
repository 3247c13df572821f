/**
 * The schedule side of `alphalab worker`: one sandboxed BullMQ Worker on the schedule queue, so a long risk
 * build never blocks the event loop that renews the compute jobs' locks. Runs one scheduled job at a time;
 * long lock (a build takes minutes, and a stall retry would start it twice).
 */
import { hostname } from 'node:os';
import { type ConnectionOptions, Worker } from 'bullmq';
import type { Logger } from '../../core/log.ts';
import { type RedisConnectionInput, resolveRedisOptions } from '../bullmq/connection.ts';
import { DEFAULT_PREFIX, type ProcessorSettings } from '../bullmq/protocol.ts';
import { sandboxOptions, type WorkerHandle } from '../bullmq/worker.ts';
import { SCHEDULE_QUEUE } from './scheduler.ts';

export interface ScheduleWorkerOptions {
  readonly connection: RedisConnectionInput;
  readonly prefix?: string;
  /** Modules exporting `scheduleHandlers` (URLs), added to the default handlers. */
  readonly handlerModules?: readonly string[];
  readonly useWorkerThreads?: boolean;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly name?: string;
  readonly logger?: Logger;
}

export async function startScheduleWorker(options: ScheduleWorkerOptions): Promise<WorkerHandle> {
  const connection = resolveRedisOptions(options.connection);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const settings: ProcessorSettings = {
    connection,
    prefix,
    cacheBytes: 0,
    worker: name,
    scheduleHandlerModules: options.handlerModules ?? [],
  };
  const worker = new Worker(SCHEDULE_QUEUE, new URL('./processor.js', import.meta.url), {
    connection: connection as ConnectionOptions,
    prefix,
    name,
    concurrency: 1,
    lockDuration: options.lockDurationMs ?? 60_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 1,
    ...sandboxOptions(settings, options.useWorkerThreads === true),
  });
  const log = options.logger;
  worker.on('error', (e) => log?.warn({ err: e.message }, 'schedule worker connection error (retrying)'));
  worker.on('failed', (job, e) => log?.error({ job: job?.name, err: e.message }, 'scheduled job failed'));
  worker.on('completed', (job) => log?.info({ job: job.name }, 'scheduled job completed'));
  await worker.waitUntilReady();
  return { name, worker, close: () => worker.close() };
}
