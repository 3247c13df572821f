/**
 * `parallelMap(tasks, taskModule, options)`: runs `runTask(task, shared)` from `taskModule` for every task on
 * the chosen backend and returns the results in task order (architecture.md §7). Because every task is
 * independent and the results are ordered, anything reduced from them is bit-identical across backends and
 * worker counts. Progress is reported per task through `onProgress`; library code never prints.
 */
import { InvalidInputError } from '../core/errors.ts';
import { inlineBackend } from './inline.ts';
import { threadsBackend } from './threads.ts';
import type { BackendName, ComputeBackend, TaskProgress } from './types.ts';

export interface ParallelMapOptions<S> {
  /** A backend name or an instance (e.g. a BullMQ backend); default `inline`. */
  readonly backend?: BackendName | ComputeBackend;
  /** Worker threads for the `threads` backend; default: available parallelism. */
  readonly workers?: number;
  /** Read-only data for every task; typed arrays on SharedArrayBuffers are shared, not copied. */
  readonly shared?: S;
  readonly onProgress?: (p: TaskProgress) => void;
}

/** Builds a backend by name. The caller owns it and must `close()` it. */
export function createBackend(name: BackendName, options: { workers?: number } = {}): ComputeBackend {
  switch (name) {
    case 'inline':
      return inlineBackend();
    case 'threads':
      return threadsBackend(options.workers === undefined ? {} : { workers: options.workers });
    default:
      throw new InvalidInputError(`unknown compute backend '${String(name)}' (expected inline or threads)`, {
        where: { field: 'backend' },
      });
  }
}

function moduleUrl(taskModule: string | URL): string {
  if (taskModule instanceof URL) return taskModule.href;
  if (/^(file|data|node):/.test(taskModule)) return taskModule;
  throw new InvalidInputError(
    `task module must be a URL (e.g. new URL('./task.ts', import.meta.url)), got '${taskModule}'`,
    {
      where: { field: 'taskModule' },
    },
  );
}

export async function parallelMap<T, R, S = undefined>(
  tasks: readonly T[],
  taskModule: string | URL,
  options: ParallelMapOptions<S> = {},
): Promise<R[]> {
  const url = moduleUrl(taskModule);
  const given = options.backend;
  const owned = given === undefined || typeof given === 'string';
  const backend = owned
    ? createBackend(given ?? 'inline', options.workers === undefined ? {} : { workers: options.workers })
    : given;
  const results = new Array<R>(tasks.length);
  const seen = new Uint8Array(tasks.length);
  let done = 0;
  try {
    await backend.run<T, S, R>(tasks, url, options.shared as S, (index, result, ms) => {
      if (seen[index]) throw new Error(`backend ${backend.name} reported task ${index} twice`);
      seen[index] = 1;
      results[index] = result;
      done++;
      options.onProgress?.({ index, done, total: tasks.length, ms });
    });
  } finally {
    if (owned) await backend.close();
  }
  if (done !== tasks.length)
    throw new Error(`backend ${backend.name} returned ${done} of ${tasks.length} results`);
  return results;
}
