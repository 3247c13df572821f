/**
 * The task module of the walk-forward portfolio stage (src/compute/task-pool.ts): the two kinds of work the
 * stage runs in parallel — the window estimates of a rebalance, and one book's solve at one rebalance. Each
 * is a pure function of its task, so inline and worker-thread runs give the same numbers.
 */
import type { TaskMeta } from '../compute/types.ts';
import type { WindowParts } from '../risk/covariance/window.ts';
import { CovarianceWindow } from '../risk/covariance/window.ts';
import { type BookProblem, type BookSolution, solveBook } from './walk-forward.ts';
import { type WindowEstimates, type WindowMethod, windowEstimates } from './walk-forward-covariance.ts';

export interface EstimatesTask {
  readonly kind: 'estimates';
  readonly window: WindowParts;
  readonly methods: readonly WindowMethod[];
  readonly pcaFactors: number;
  readonly diagnostics: boolean;
}

export interface SolveTask {
  readonly kind: 'solve';
  readonly problem: BookProblem;
}

export type StageTask = EstimatesTask | SolveTask;

export type StageResult<T extends StageTask> = T extends EstimatesTask
  ? WindowEstimates & { readonly ms: number }
  : BookSolution & { readonly ms: number };

export function runTask(task: StageTask, _shared: undefined, _meta: TaskMeta): StageResult<StageTask> {
  const t0 = performance.now();
  if (task.kind === 'estimates') {
    const est = windowEstimates(CovarianceWindow.fromParts(task.window), task.methods, {
      pcaFactors: task.pcaFactors,
      diagnostics: task.diagnostics,
    });
    return { ...est, ms: performance.now() - t0 };
  }
  return { ...solveBook(task.problem), ms: performance.now() - t0 };
}
