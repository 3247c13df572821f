/**
 * The threads backend: a piscina worker-thread pool. `shared` travels once per worker as `workerData`
 * (structured clone), so typed arrays on a SharedArrayBuffer are shared, not copied; anything else in it is
 * copied once per worker, not once per task. Tasks are cloned per call, so keep them small (a spec, an
 * index). Results are cloned back.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { InvalidInputError } from '../core/errors.ts';
import { decodeTaskError, type EncodedTaskError } from './task-error.ts';
import type { ComputeBackend } from './types.ts';

type WorkerReply<R> = { ok: true; result: R; ms: number } | { ok: false; error: EncodedTaskError };

const workerUrl = new URL('./worker.js', import.meta.url).href;

export interface ThreadsBackendOptions {
  /** Number of worker threads; default: available parallelism. */
  readonly workers?: number;
}

export function threadsBackend(options: ThreadsBackendOptions = {}): ComputeBackend {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidInputError(`workers must be a positive integer, got ${workers}`, {
      where: { field: 'workers' },
    });
  }
  const pools: Piscina[] = [];
  return {
    name: 'threads',
    async run<T, S, R>(
      tasks: readonly T[],
      taskModuleUrl: string,
      shared: S,
      onResult: (index: number, result: R, ms: number) => void,
    ): Promise<void> {
      if (tasks.length === 0) return;
      const threads = Math.min(workers, tasks.length);
      // One pool per call: workerData (the shared payload) is fixed when a worker starts.
      const pool = new Piscina({
        filename: workerUrl,
        workerData: { taskModuleUrl, shared },
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: 1000,
      });
      pools.push(pool);
      try {
        let firstError: Error | undefined;
        await Promise.all(
          tasks.map(async (task, index) => {
            const reply = (await pool.run({ task, index })) as WorkerReply<R>;
            if (firstError) return;
            if (reply.ok) onResult(index, reply.result, reply.ms);
            else firstError = decodeTaskError(reply.error, index);
          }),
        );
        if (firstError) throw firstError;
      } finally {
        pools.splice(pools.indexOf(pool), 1);
        await pool.destroy();
      }
    },
    async close() {
      await Promise.all(pools.map((p) => p.destroy()));
      pools.length = 0;
    },
  };
}
