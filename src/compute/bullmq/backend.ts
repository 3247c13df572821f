/**
 * The `bullmq` compute backend (architecture.md §7): the same `ComputeBackend` contract as `inline` and
 * `threads`, with the tasks executed by `alphalab worker` processes on any machine that reaches Redis.
 *
 * A run publishes `shared` once by content hash (shared-inputs.ts), adds one job per task, and collects
 * completions from the queue's event stream, with a poll of the outstanding jobs as a safety net for events
 * lost across a reconnect. Each task's result and shared-memory writes come back bit-exact (codec.ts,
 * write-back.ts). A worker killed mid-task loses its lock; another worker's stalled check moves the job back
 * to wait within lockDuration + stalledInterval and it runs again; only BullMQ's single completion of a job
 * is reported, and `onResult` sees each index once.
 */
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidInputError, UnavailableError } from '../../core/errors.ts';
import { decodeTaskError } from '../task-error.ts';
import type { ComputeBackend } from '../types.ts';
import { type BlobStore, type BlobStoreRef, DirBlobStore, RedisBlobStore } from './blob-store.ts';
import { decodeInline, encodeInline } from './codec.ts';
import { describeRedis, type RedisConnectionInput, resolveRedisOptions } from './connection.ts';
import { toModuleRef } from './module-ref.ts';
import {
  COMPUTE_JOB_NAME,
  COMPUTE_QUEUE,
  type ComputeJobData,
  type ComputeJobResult,
  DEFAULT_PREFIX,
  jobId,
  PROTOCOL_VERSION,
} from './protocol.ts';
import { publishShared } from './shared-inputs.ts';
import { applyWrites } from './write-back.ts';

export interface BullmqBackendOptions {
  /** `redis://…`, `rediss://…` (TLS), `{ url, options }` or ioredis options (password, tls, …). */
  readonly connection: RedisConnectionInput;
  /** Redis key prefix shared by drivers and workers; default `alphalab`. */
  readonly prefix?: string;
  readonly queueName?: string;
  /** Write blobs to this directory (shared by every worker, e.g. NFS) instead of Redis. */
  readonly artifactDir?: string;
  /** Attempts per task for infrastructure failures (a task's own error is never retried); default 3. */
  readonly attempts?: number;
  /** First retry delay in ms, doubled each attempt; default 1000. */
  readonly backoffMs?: number;
  /** Send tasks' writes into `shared` back to the caller (default true); false only if tasks never write. */
  readonly writeBack?: boolean;
  /** Fail a run when no worker has been connected for this long (ms); default 60 000; 0 disables. */
  readonly noWorkerTimeoutMs?: number;
  /** Quiet period after which outstanding jobs are polled directly (ms); default 2000. */
  readonly pollMs?: number;
  /** Expiry of blobs in Redis after their last run; default one day. */
  readonly blobTtlSeconds?: number;
  /** Notified once the shared inputs are stored (bytes sent vs total). */
  readonly onPublished?: (info: { hash: string; bytesWritten: number; bytesTotal: number }) => void;
}

export interface BullmqBackend extends ComputeBackend {
  readonly name: 'bullmq';
  /** Where the backend connects, password redacted. */
  readonly describe: string;
}

function positiveInt(x: number | undefined, fallback: number, field: string): number {
  const v = x ?? fallback;
  if (!Number.isInteger(v) || v < 0)
    throw new InvalidInputError(`${field} must be a non-negative integer, got ${v}`, { where: { field } });
  return v;
}

/** Creates the backend; the caller owns it and must `close()` it (connections are opened lazily). */
export function createBullmqBackend(options: BullmqBackendOptions): BullmqBackend {
  const connection: RedisOptions = resolveRedisOptions(options.connection);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const queueName = options.queueName ?? COMPUTE_QUEUE;
  const attempts = Math.max(1, positiveInt(options.attempts, 3, 'attempts'));
  const backoffMs = positiveInt(options.backoffMs, 1000, 'backoffMs');
  const noWorkerTimeoutMs = positiveInt(options.noWorkerTimeoutMs, 60_000, 'noWorkerTimeoutMs');
  const pollMs = Math.max(50, positiveInt(options.pollMs, 2000, 'pollMs'));
  const writeBack = options.writeBack ?? true;
  const storeRef: BlobStoreRef = options.artifactDir
    ? { kind: 'dir', dir: options.artifactDir }
    : { kind: 'redis' };

  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let redis: Redis | undefined;
  let store: BlobStore | undefined;
  let closed = false;
  const active = new Set<(e: Error) => void>();

  async function open(): Promise<{ queue: Queue; events: QueueEvents; store: BlobStore }> {
    if (closed) throw new UnavailableError('the bullmq backend is closed');
    queue ??= new Queue(queueName, { connection, prefix });
    if (!events) {
      events = new QueueEvents(queueName, { connection, prefix });
      events.on('error', () => {}); // reconnects on its own; a run's poll covers the gap
    }
    if (!store) {
      if (storeRef.kind === 'dir') store = new DirBlobStore(storeRef.dir);
      else {
        redis = new Redis({ ...connection, maxRetriesPerRequest: 3 } as never);
        store = new RedisBlobStore(redis, {
          prefix,
          ...(options.blobTtlSeconds === undefined ? {} : { ttlSeconds: options.blobTtlSeconds }),
        });
      }
    }
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events, store };
  }

  async function run<T, S, R>(
    tasks: readonly T[],
    taskModuleUrl: string,
    shared: S,
    onResult: (index: number, result: R, ms: number) => void,
  ): Promise<void> {
    if (tasks.length === 0) return;
    const { queue: q, events: ev, store: st } = await open();
    const runId = `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const published = await publishShared(shared, st);
    options.onPublished?.({
      hash: published.hash,
      bytesWritten: published.bytesWritten,
      bytesTotal: published.bytesTotal,
    });
    const module = toModuleRef(taskModuleUrl);
    const outstanding = new Set<number>(tasks.keys());
    const ids = tasks.map((_, index) => jobId(runId, index));
    const indexOf = (id: string): number | undefined => {
      if (!id.startsWith(`${runId}.`)) return undefined;
      const k = Number(id.slice(runId.length + 1));
      return Number.isInteger(k) && k >= 0 && k < tasks.length ? k : undefined;
    };

    let settle!: (e?: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (e) => (e ? reject(e) : resolve());
    });
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      settle(e);
    };
    active.add(fail);

    const accept = (index: number, raw: unknown) => {
      if (done || !outstanding.has(index)) return;
      const r = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ComputeJobResult;
      outstanding.delete(index);
      if (!r.ok) {
        fail(decodeTaskError(r.error, index));
        return;
      }
      try {
        if (r.writes.length > 0) applyWrites(published.encoded.buffers, r.writes);
        onResult(index, decodeInline(r.result) as R, r.ms);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (outstanding.size === 0 && !done) {
        done = true;
        settle();
      }
    };
    const rejectFailed = (index: number, reason: string) => {
      if (done || !outstanding.has(index)) return;
      fail(
        new UnavailableError(`task ${index} failed on the workers after retries: ${reason}`, {
          where: { row: index },
        }),
      );
    };

    let lastEvent = Date.now();
    const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const k = indexOf(id);
      if (k === undefined) return;
      lastEvent = Date.now();
      accept(k, returnvalue);
    };
    const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }) => {
      const k = indexOf(id);
      if (k === undefined) return;
      lastEvent = Date.now();
      rejectFailed(k, failedReason);
    };
    ev.on('completed', onCompleted);
    ev.on('failed', onFailed);

    let noWorkersSince = Date.now();
    const poll = async () => {
      if (done) return;
      if (Date.now() - lastEvent >= pollMs) {
        for (const k of [...outstanding]) {
          const job = await q.getJob(ids[k]!);
          if (!job) {
            // Only after addBulk (the timer starts then): a job that is gone was lost (Redis restarted
            // without persistence, or someone removed it); waiting would hang forever.
            rejectFailed(k, 'its job vanished from Redis');
            continue;
          }
          if (job.finishedOn && job.returnvalue !== undefined && job.returnvalue !== null)
            accept(k, job.returnvalue);
          else if (job.finishedOn && job.failedReason) rejectFailed(k, job.failedReason);
        }
      }
      if (noWorkerTimeoutMs > 0 && !done) {
        const n = await q.getWorkersCount().catch(() => 1); // CLIENT LIST may be disabled: then do not judge
        if (n > 0) noWorkersSince = Date.now();
        else if (Date.now() - noWorkersSince > noWorkerTimeoutMs) {
          fail(
            new UnavailableError(
              `no alphalab worker has been connected to queue '${queueName}' on ${describeRedis(connection)} for ${Math.round(noWorkerTimeoutMs / 1000)} s; start one with \`alphalab worker --redis URL\``,
            ),
          );
        }
      }
    };
    let timer: ReturnType<typeof setInterval> | undefined;

    try {
      const jobs = tasks.map((task, index) => {
        const data: ComputeJobData = {
          v: PROTOCOL_VERSION,
          run: runId,
          module,
          shared: published.hash,
          store: storeRef,
          index,
          task: encodeInline(task, `tasks[${index}]`),
          writeBack,
        };
        return {
          name: COMPUTE_JOB_NAME,
          data,
          opts: {
            jobId: ids[index]!,
            attempts,
            backoff: { type: 'exponential', delay: backoffMs },
            removeOnComplete: { age: 3600 },
            removeOnFail: { age: 24 * 3600 },
          },
        };
      });
      await q.addBulk(jobs);
      timer = setInterval(() => {
        poll().catch((e) => fail(e instanceof Error ? e : new Error(String(e))));
      }, pollMs);
      await finished;
    } finally {
      clearInterval(timer);
      ev.off('completed', onCompleted);
      ev.off('failed', onFailed);
      active.delete(fail);
      done = true;
      // Finished jobs are read; unfinished ones (after a failure) must not keep workers busy. Active jobs
      // are locked and refuse removal: they finish and expire with removeOnComplete.
      await Promise.all(ids.map((id) => q.remove(id).catch(() => 0)));
    }
  }

  return {
    name: 'bullmq',
    describe: `${describeRedis(connection)} queue ${prefix}:${queueName}`,
    run,
    async close() {
      if (closed) return;
      closed = true;
      for (const fail of active) fail(new UnavailableError('the bullmq backend was closed during a run'));
      await Promise.all([queue?.close(), events?.close()]);
      redis?.disconnect();
    },
  };
}
