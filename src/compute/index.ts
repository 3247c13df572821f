export { inlineBackend } from './inline.ts';
export { createBackend, type ParallelMapOptions, parallelMap } from './parallel-map.ts';
export { decodeTaskError, type EncodedTaskError, encodeTaskError, isEncodedTaskError } from './task-error.ts';
export { openTaskPool, type TaskPool, type TaskPoolBackend, type TaskPoolOptions } from './task-pool.ts';
export { type ThreadsBackend, type ThreadsBackendOptions, threadsBackend } from './threads.ts';
export type { BackendName, ComputeBackend, TaskMeta, TaskModule, TaskProgress } from './types.ts';
