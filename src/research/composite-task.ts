/**
 * Task module of the composite-alpha pass: one task per block of dates. Each task streams the raw signals
 * with non-zero weight up to the end of its block (no raw panel), neutralises only its own dates and adds
 * w_j·z_j into its rows of the shared composite, in signal order — so every cell is summed in the same order
 * whatever the backend, the number of workers or the block boundaries.
 */
import type { SignalContext } from '../signals/context.ts';
import { forEachNeutralizedSignalRow } from '../signals/pipeline.ts';
import type { SignalSpec } from '../signals/spec.ts';
import { loadFamilies } from './signal-task.ts';

export interface CompositeShared {
  readonly ctx: SignalContext;
  /** The specs with non-zero weight, and their signed weights (same order). */
  readonly specs: readonly SignalSpec[];
  readonly weights: Float64Array;
  readonly familyModules: readonly string[];
  /** T×N output (shared), pre-filled with NaN. */
  readonly composite: Float64Array;
}

export interface CompositeTask {
  readonly start: number;
  readonly end: number;
}

export async function runTask(task: CompositeTask, shared: CompositeShared): Promise<number> {
  const { ctx, composite } = shared;
  const N = ctx.N;
  const families = await loadFamilies(shared.familyModules);
  const t0 = performance.now();
  shared.specs.forEach((spec, j) => {
    const w = shared.weights[j]!;
    forEachNeutralizedSignalRow(
      ctx,
      spec,
      families,
      (t, z) => {
        const row = t * N;
        for (let i = 0; i < N; i++) {
          const v = z[i]!;
          if (Number.isNaN(v)) continue;
          // NaN → 0 only here, at the final linear combination (methods.md §0): a stock with no signal at
          // all stays NaN, one missing some signals gets the others.
          const prev = composite[row + i]!;
          composite[row + i] = (Number.isNaN(prev) ? 0 : prev) + w * v;
        }
      },
      { start: task.start, end: task.end },
    );
  });
  return performance.now() - t0;
}
