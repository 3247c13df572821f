/**
 * A task pool that stays open: tasks are submitted one at a time, as they become ready, and each submission
 * returns a promise of its result. `parallelMap` needs every task up front; a computation whose tasks depend
 * on earlier results (the walk-forward portfolio stage: a chain of warm-started solves per covariance
 * method, docs/decisions/154-parallel-portfolio-stage.md) submits them here instead.
 *
 * The task module contract is `parallelMap`'s (types.ts): `runTask(task, shared, meta)`. Results depend only
 * on the task and `shared`, so they are identical on either backend and any worker count; only the order in
 * which promises settle differs. On the threads backend a typed array on a SharedArrayBuffer inside a task or
 * a result is shared between threads, anything else is copied.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { InvalidInputError } from '../core/errors.ts';
import { decodeTaskError, type EncodedTaskError } from './task-error.ts';
import type { TaskModule } from './types.ts';
import { workerExecArgv } from './worker-exec-argv.ts';

export type TaskPoolBackend = 'inline' | 'threads';

export interface TaskPoolOptions<S> {
  /** `inline` runs each task in this thread when it is submitted; `threads` on a worker pool. */
  readonly backend?: TaskPoolBackend;
  /** Worker threads for `threads`; default: available parallelism. */
  readonly workers?: number;
  /** Read-only data handed to every task (once per worker on `threads`). */
  readonly shared?: S;
}

export interface TaskPool<T, R> {
  readonly backend: TaskPoolBackend;
  readonly workers: number;
  /** Runs one task; rejects with the task's error (typed errors keep their class). */
  run(task: T): Promise<R>;
  /** Stops the workers; the pool is unusable afterwards. */
  close(): Promise<void>;
}

type WorkerReply<R> = { ok: true; result: R; ms: number } | { ok: false; error: EncodedTaskError };

const workerUrl = new URL('./worker.js', import.meta.url).href;

export async function openTaskPool<T, R, S = undefined>(
  taskModule: URL,
  options: TaskPoolOptions<S> = {},
): Promise<TaskPool<T, R>> {
  const backend = options.backend ?? 'inline';
  if (backend === 'inline') {
    const mod = (await import(taskModule.href)) as TaskModule<T, S, R>;
    let index = 0;
    return {
      backend,
      workers: 1,
      // a microtask boundary first, so a caller sees the same asynchronous shape on both backends
      run: async (task) => {
        await Promise.resolve();
        return mod.runTask(task, options.shared as S, { index: index++ });
      },
      close: async () => {},
    };
  }
  if (backend !== 'threads') {
    throw new InvalidInputError(
      `unknown task-pool backend '${String(backend)}' (expected inline or threads)`,
      {
        where: { field: 'backend' },
      },
    );
  }
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidInputError(`workers must be a positive integer, got ${workers}`, {
      where: { field: 'workers' },
    });
  }
  const pool = new Piscina({
    filename: workerUrl,
    workerData: { taskModuleUrl: taskModule.href, shared: options.shared },
    execArgv: workerExecArgv(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
  });
  let index = 0;
  return {
    backend,
    workers,
    async run(task) {
      const i = index++;
      const reply = (await pool.run({ task, index: i })) as WorkerReply<R>;
      if (!reply.ok) throw decodeTaskError(reply.error, i);
      return reply.result;
    },
    close: () => pool.destroy(),
  };
}
