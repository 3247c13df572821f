/**
 * The threads backend: ONE piscina worker-thread pool, kept alive across `run` calls until `close()`, so the
 * signal pass and the composite pass of a research run pay the worker start-up (tsx + the module graph,
 * ≈0.45 s CPU per worker) once, and a caller can start the workers early (`warm`) while it prepares the
 * first run's data (docs/decisions/023-compute-backends.md).
 *
 * Because the pool outlives a run, `shared` cannot be fixed at worker start (`workerData`): it travels with
 * every task together with an id of this run's payload. Typed arrays on a SharedArrayBuffer are shared, not
 * copied; the rest (names, specs, options) is cloned per task, which is why it must stay small. Each worker
 * keeps the first copy it receives for an id and hands that same object to every task of the run, so
 * per-thread caches keyed on the payload's identity (e.g. neutralize.ts's per-context kernels) hit across
 * tasks; it drops it when a task of a later run arrives. Task modules are imported by URL on first use and
 * cached per worker. Tasks are cloned per call, so keep them small (a spec, an index). Results are cloned
 * back.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { InvalidInputError } from '../core/errors.ts';
import { decodeTaskError, type EncodedTaskError } from './task-error.ts';
import type { ComputeBackend } from './types.ts';
import { workerExecArgv } from './worker-exec-argv.ts';

type WorkerReply<R> = { ok: true; result: R; ms: number } | { ok: false; error: EncodedTaskError };

const workerUrl = new URL('./worker.js', import.meta.url).href;

export interface ThreadsBackendOptions {
  /** Number of worker threads; default: available parallelism. */
  readonly workers?: number;
  /**
   * Task modules every worker imports as soon as it starts, so the first run does not wait for them (e.g.
   * the modules of every stage the caller will run). Others are imported on first use.
   */
  readonly preload?: readonly (string | URL)[];
}

export interface ThreadsBackend extends ComputeBackend {
  readonly name: 'threads';
  readonly workers: number;
  /**
   * Starts the workers now (they boot and import `preload` in the background) instead of at the first
   * `run`; returns at once. Calling it again, or after a run, does nothing.
   */
  warm(): void;
}

/** Ids of `run` payloads; unique across every threads backend of the process. */
let nextPayloadId = 1;

export function threadsBackend(options: ThreadsBackendOptions = {}): ThreadsBackend {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidInputError(`workers must be a positive integer, got ${workers}`, {
      where: { field: 'workers' },
    });
  }
  const preload = (options.preload ?? []).map((m) => (m instanceof URL ? m.href : m));
  let pool: Piscina | undefined;
  let closed = false;
  const open = (): Piscina => {
    if (closed) throw new Error('the threads backend is closed');
    pool ??= new Piscina({
      filename: workerUrl,
      workerData: { mode: 'backend', preload },
      execArgv: workerExecArgv(),
      // piscina starts minThreads workers in its constructor: `warm` relies on it.
      minThreads: workers,
      maxThreads: workers,
    });
    return pool;
  };
  return {
    name: 'threads',
    workers,
    warm() {
      open();
    },
    async run<T, S, R>(
      tasks: readonly T[],
      taskModuleUrl: string,
      shared: S,
      onResult: (index: number, result: R, ms: number) => void,
    ): Promise<void> {
      if (tasks.length === 0) return;
      const p = open();
      const payloadId = nextPayloadId++;
      let firstError: Error | undefined;
      await Promise.all(
        tasks.map(async (task, index) => {
          const reply = (await p.run({ task, index, taskModuleUrl, payloadId, shared })) as WorkerReply<R>;
          if (firstError) return;
          if (reply.ok) onResult(index, reply.result, reply.ms);
          else firstError = decodeTaskError(reply.error, index);
        }),
      );
      if (firstError) throw firstError;
    },
    async close() {
      closed = true;
      const p = pool;
      pool = undefined;
      await p?.destroy();
    },
  };
}
