/**
 * The context build spread over a threads pool (docs/decisions/027). The context's units (context.ts
 * `planSignalContext`: β, log market cap, each horizon's labels and ranks, log returns, blocks of dates of
 * the FWL bases) are independent panels on shared memory, so any thread may write any of them: the main
 * thread and one helper task per worker claim the units from one shared counter until none is left (the
 * bases blocks excepted: the main thread builds those itself, see below). The main thread starts at once
 * while the pool's workers are still booting (decision 023 warms them during the context build) and the
 * workers join as they come up, so the serial part of a research run shrinks to whatever the booting leaves
 * of the cores. Each unit writes its own cells with the same arithmetic in any thread, so the context is the
 * same to the bit on every backend and worker count.
 *
 * This module is also the helpers' task module (`runTask`).
 */
import { type ComputeBackend, parallelMap, type ThreadsBackend } from '../compute/index.ts';
import type { Universe } from '../core/universe.ts';
import {
  type ContextUnit,
  planSignalContext,
  runContextUnit,
  type SignalContext,
  type SignalContextOptions,
} from './context.ts';

/** What the helper tasks share with the main thread. */
export interface ContextBuildShared {
  readonly ctx: SignalContext;
  /** Units any thread may run: the regressors first, then the rest (no `bases`). */
  readonly units: readonly ContextUnit[];
  readonly regressorUnits: number;
  /** [next unit to claim, regressor units not yet finished, 1 once a unit failed]. */
  readonly state: Int32Array;
}

const NEXT = 0;
const REGRESSORS_LEFT = 1;
const FAILED = 2;

/** Blocks until every regressor unit has finished (a `bases` unit reads them). */
function awaitRegressors(state: Int32Array): void {
  for (;;) {
    const left = Atomics.load(state, REGRESSORS_LEFT);
    if (left === 0) return;
    if (Atomics.load(state, FAILED))
      throw new Error('context build: a regressor unit failed in another thread');
    Atomics.wait(state, REGRESSORS_LEFT, left, 50);
  }
}

/** Runs `unit`; a failure is flagged first, so a thread waiting for the regressors stops waiting. */
function runUnit(s: ContextBuildShared, unit: ContextUnit): void {
  try {
    if (unit.kind === 'bases') awaitRegressors(s.state);
    runContextUnit(s.ctx, unit);
  } catch (e) {
    Atomics.store(s.state, FAILED, 1);
    Atomics.notify(s.state, REGRESSORS_LEFT);
    throw e;
  }
}

/** Claims and runs the next shared unit; false when none is left. */
function runNextUnit(s: ContextBuildShared): boolean {
  const u = Atomics.add(s.state, NEXT, 1);
  if (u >= s.units.length) return false;
  runUnit(s, s.units[u]!);
  // Units before `regressorUnits` are the regressors (the plan lists them first).
  if (u < s.regressorUnits && Atomics.sub(s.state, REGRESSORS_LEFT, 1) === 1)
    Atomics.notify(s.state, REGRESSORS_LEFT);
  return true;
}

/** A helper task: runs shared units until none is left; returns how many it ran. */
export function runTask(_task: null, shared: ContextBuildShared): number {
  let ran = 0;
  while (runNextUnit(shared)) ran++;
  return ran;
}

/**
 * The context with its shared FWL bases (neutralize.ts), built by this thread and, on a threads backend
 * instance, by one helper task per worker as the workers come up. Any other backend (or none): this thread
 * alone.
 */
export async function buildSharedSignalContext(
  universe: Universe,
  options: SignalContextOptions,
  backend?: ComputeBackend,
): Promise<SignalContext> {
  const plan = planSignalContext(universe, options, true);
  // The bases stay on this thread: a date's residualiser is ≈ 50 kB of short-lived arrays, and built in a
  // worker that garbage sat in the worker's heap into the signal pass (+40–50 MB peak RSS measured).
  const bases = plan.units.filter((u) => u.kind === 'bases');
  const shared: ContextBuildShared = {
    ctx: plan.ctx,
    units: plan.units.filter((u) => u.kind !== 'bases'),
    regressorUnits: plan.regressorUnits,
    state: new Int32Array(new SharedArrayBuffer(12)),
  };
  shared.state[REGRESSORS_LEFT] = plan.regressorUnits;
  // Only the threads backend shares memory with this thread; a copy of the payload would write nowhere.
  if (backend?.name !== 'threads') {
    while (runNextUnit(shared));
    for (const unit of bases) runUnit(shared, unit);
    return plan.ctx;
  }
  let helperError: unknown;
  const helping = parallelMap<null, number, ContextBuildShared>(
    Array.from({ length: (backend as Partial<ThreadsBackend>).workers ?? 1 }, () => null),
    new URL(import.meta.url),
    { backend, shared },
  ).catch((e: unknown) => {
    helperError = e;
  });
  try {
    // The regressors first (the bases need them), then the bases, then what the workers left. Yield between
    // units: the pool hands the helper tasks to its workers from this thread's event loop.
    let b = 0;
    for (;;) {
      const regressorsClaimed = Atomics.load(shared.state, NEXT) >= shared.regressorUnits;
      if (regressorsClaimed && b < bases.length) runUnit(shared, bases[b++]!);
      else if (!runNextUnit(shared)) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await helping;
  }
  if (helperError !== undefined) throw helperError;
  return plan.ctx;
}
