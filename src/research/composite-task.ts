/**
 * Task module of the composite-alpha pass: one task per block of dates. Each task streams the raw signals
 * with non-zero weight up to the end of its block (no raw panel), neutralises only its own dates and adds
 * w_j·z_j into its rows of the shared composite, in signal order — so every cell is summed in the same order
 * whatever the backend, the number of workers or the block boundaries.
 */
import type { SignalContext } from '../signals/context.ts';
import { forEachNeutralizedSignalRow } from '../signals/pipeline.ts';
import { rawStateLength } from '../signals/raw-stream.ts';
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
  /**
   * The signal tier's saved raw-stream states (tier `rawCheckpoints`): a block starting at one of `rows`
   * resumes there; `specIndex[j]` is spec j's index in the tier (its slot in `states`).
   */
  readonly resume?: {
    readonly rows: Int32Array;
    readonly states: Float64Array;
    readonly specIndex: Int32Array;
  };
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
  const saved = shared.resume;
  const at = saved ? saved.rows.indexOf(task.start) : -1;
  const L = rawStateLength(N);
  shared.specs.forEach((spec, j) => {
    const w = shared.weights[j]!;
    const slot = saved && at >= 0 ? (saved.specIndex[j]! * saved.rows.length + at) * L : -1;
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
      slot < 0
        ? { start: task.start, end: task.end }
        : {
            start: task.start,
            end: task.end,
            resume: { row: task.start, state: saved!.states.subarray(slot, slot + L) },
          },
    );
  });
  return performance.now() - t0;
}
