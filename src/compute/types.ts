/**
 * The compute contract (architecture.md §7): a task module, a list of independent tasks and a backend that
 * runs them. Backends differ only in where `runTask` executes; results come back in task order, so any
 * reduction the caller does over them has a fixed order and the output is identical across backends and
 * worker counts.
 */

/**
 * A task module is an ES module (TypeScript or JavaScript) that exports `runTask`. It is imported by URL in
 * every worker, so it must not rely on state set up by the caller other than `shared`.
 */
export interface TaskModule<T, S, R> {
  runTask(task: T, shared: S, meta: TaskMeta): R | Promise<R>;
}

/** What a task learns about itself. */
export interface TaskMeta {
  /** Position of the task in the input list. */
  readonly index: number;
}

/** One finished task, reported through `onProgress` in completion order (which varies between runs). */
export interface TaskProgress {
  readonly index: number;
  /** Tasks finished so far, including this one. */
  readonly done: number;
  readonly total: number;
  /** Wall time of this task inside its worker, in milliseconds. */
  readonly ms: number;
}

/**
 * A backend runs tasks somewhere. `run` must call `onResult` exactly once per task (any order) or reject.
 * `shared` is handed to every task unchanged; typed arrays in it that live on a SharedArrayBuffer must
 * reach the task without a copy. Keep implementations small: the BullMQ backend implements this too.
 */
export interface ComputeBackend {
  readonly name: string;
  run<T, S, R>(
    tasks: readonly T[],
    taskModuleUrl: string,
    shared: S,
    onResult: (index: number, result: R, ms: number) => void,
  ): Promise<void>;
  /** Releases workers or connections; the backend is unusable afterwards. */
  close(): Promise<void>;
}

export type BackendName = 'inline' | 'threads';
