/**
 * The inline backend: tasks run one after another in this thread. For tests, tiny runs and debugging (a
 * stack trace points straight at the task).
 */
import type { ComputeBackend, TaskModule } from './types.ts';

export function inlineBackend(): ComputeBackend {
  return {
    name: 'inline',
    async run<T, S, R>(
      tasks: readonly T[],
      taskModuleUrl: string,
      shared: S,
      onResult: (index: number, result: R, ms: number) => void,
    ): Promise<void> {
      const mod = (await import(taskModuleUrl)) as TaskModule<T, S, R>;
      for (let index = 0; index < tasks.length; index++) {
        const t0 = performance.now();
        const result = await mod.runTask(tasks[index]!, shared, { index });
        onResult(index, result, performance.now() - t0);
      }
    },
    async close() {},
  };
}
