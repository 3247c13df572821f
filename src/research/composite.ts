/**
 * Composite alpha α_{t,i} = Σ_j w_j z_{j,t,i} over neutralised signals (seed 002 `compute_composite_alpha`;
 * methods.md §0: NaN → 0 only at this final step; a stock without any signal stays NaN).
 * - `compositeAtSnapshots`: at the kept snapshot dates with weights chosen per date (walk-forward: what a
 *   backtest needs at each rebalance), from the snapshots the signal tier stored — no recomputation.
 * - `compositeAlphaPanel`: the full daily panel for one weight vector, by a second parallel pass over the
 *   signals with non-zero weight.
 */

import { type BackendName, type ComputeBackend, parallelMap } from '../compute/index.ts';
import { InvalidInputError } from '../core/errors.ts';
import { allocFloat64 } from '../core/panel.ts';
import type { CompositeShared, CompositeTask } from './composite-task.ts';
import type { SignalTierResult } from './tier.ts';
import type { IcSeriesSet, SignalWeights } from './weights.ts';

/** The IC series of every spec at horizon `h` (NaN series for skipped signals). */
export function icSeriesSet(tier: SignalTierResult, h: number): IcSeriesSet {
  const hi = tier.context.horizons.indexOf(h);
  if (hi < 0)
    throw new InvalidInputError(`horizon ${h} was not computed (have ${tier.context.horizons.join(', ')})`, {
      where: { field: 'horizon' },
    });
  const T = tier.context.T;
  return {
    names: tier.specs.map((s) => s.name),
    dates: tier.context.dates,
    horizon: h,
    executionDelay: tier.context.executionDelay,
    series: tier.signals.map((s) => s.accumulations[hi]?.ic ?? new Float64Array(T).fill(Number.NaN)),
  };
}

/** Names to keep out of weighting: every duplicate after the first of its group. */
export function duplicateExclusions(tier: SignalTierResult): Set<string> {
  return new Set(tier.duplicates.flatMap((g) => g.names.slice(1)));
}

/**
 * Composite cross-sections at the tier's snapshot dates: row r uses `weightsAt(t_r)`, which must only use
 * information available at t_r (e.g. `signalWeightsAsOf(set, { asOf: t_r })`). Returns rows × N.
 */
export function compositeAtSnapshots(
  tier: SignalTierResult,
  weightsAt: (t: number) => SignalWeights,
): Float64Array {
  const { rows, values } = tier.snapshots;
  const N = tier.context.N;
  const S = tier.specs.length;
  const out = new Float64Array(rows.length * N).fill(Number.NaN);
  rows.forEach((t, r) => {
    const w = weightsAt(t).weights;
    if (w.length !== S)
      throw new InvalidInputError(`weights have ${w.length} entries, expected ${S}`, {
        where: { field: 'weights' },
      });
    for (let j = 0; j < S; j++) {
      const wj = w[j]!;
      if (wj === 0) continue;
      const src = (j * rows.length + r) * N;
      for (let i = 0; i < N; i++) {
        const v = values[src + i]!;
        if (Number.isNaN(v)) continue;
        const prev = out[r * N + i]!;
        out[r * N + i] = (Number.isNaN(prev) ? 0 : prev) + wj * v;
      }
    }
  });
  return out;
}

export interface CompositePanelOptions {
  readonly backend?: BackendName | ComputeBackend;
  readonly workers?: number;
  /** Date blocks per worker (more blocks balance better, each re-derives the raw signals); default 1. */
  readonly blocksPerWorker?: number;
}

/**
 * Date blocks of equal cost. A block [s, e) streams the raw signals of rows 0 … e−1 (the windows and the
 * EWMA need the history) and neutralises only its own rows, so it costs ≈ a·e + b·(e − s) with a, b the
 * per-row costs of the raw rows and of neutralising and summing (measured about equal on the synthetic
 * market). Equal costs C give e_k = (C + b·e_{k−1})/(a + b), with C fixed by e_K = T; later blocks are
 * shorter. Boundaries only move work between tasks: every cell is still summed in signal order.
 */
export function compositeBlocks(T: number, blocks: number, rawShare = 0.5): CompositeTask[] {
  // Costs are shares: a = rawShare, b = 1 − a, so a + b = 1 and e_K = C·Σ_{j<K} b^j = T (e_0 = 0).
  const b = 1 - rawShare;
  let geometric = 0;
  for (let j = 0; j < blocks; j++) geometric += b ** j;
  const C = T / geometric;
  const tasks: CompositeTask[] = [];
  let start = 0;
  for (let k = 0; k < blocks; k++) {
    const end = k === blocks - 1 ? T : Math.min(T, Math.max(start, Math.round(C + b * start)));
    tasks.push({ start, end });
    start = end;
  }
  return tasks;
}

function compositeBlockCount(T: number, options: CompositePanelOptions): number {
  const workers = options.backend === 'inline' || options.backend === undefined ? 1 : (options.workers ?? 2);
  return Math.max(1, Math.min(T, workers * (options.blocksPerWorker ?? 1)));
}

/**
 * The rows where {@link compositeAlphaPanel}'s date blocks start after row 0, for the same options: run the
 * signal tier with these as `rawCheckpoints` and every block resumes the raw streams there (equal blocks)
 * instead of re-streaming the history before it.
 */
export function compositeCheckpointRows(T: number, options: CompositePanelOptions = {}): number[] {
  return compositeBlocks(T, compositeBlockCount(T, options), 0)
    .map((b) => b.start)
    .filter((s) => s > 0);
}

/** The daily composite panel (T×N, on a SharedArrayBuffer) for one signed weight vector over the tier's specs. */
export async function compositeAlphaPanel(
  tier: SignalTierResult,
  weights: Float64Array,
  options: CompositePanelOptions = {},
): Promise<Float64Array> {
  const { context: ctx, specs } = tier;
  if (weights.length !== specs.length) {
    throw new InvalidInputError(`weights have ${weights.length} entries, expected ${specs.length}`, {
      where: { field: 'weights' },
    });
  }
  const chosen = [...specs.keys()].filter((j) => weights[j] !== 0 && tier.signals[j]!.status === 'ok');
  const composite = allocFloat64(ctx.T * ctx.N, { shared: true });
  if (chosen.length === 0) return composite;
  const blocks = compositeBlockCount(ctx.T, options);
  // Blocks that start at saved raw states stream only their own rows, so equal blocks cost the same;
  // otherwise each block re-streams the history before it (compositeBlocks' costed split).
  const saved = tier.rawCheckpoints;
  const equal = compositeBlocks(ctx.T, blocks, 0);
  const resumable = equal.every((b) => b.start === 0 || saved.rows.includes(b.start));
  const tasks = resumable ? equal : compositeBlocks(ctx.T, blocks);
  const shared: CompositeShared = {
    ctx,
    specs: chosen.map((j) => specs[j]!),
    weights: Float64Array.from(chosen, (j) => weights[j]!),
    familyModules: tier.familyModules,
    composite,
    ...(resumable && blocks > 1
      ? { resume: { rows: saved.rows, states: saved.states, specIndex: Int32Array.from(chosen) } }
      : {}),
  };
  await parallelMap<CompositeTask, number, CompositeShared>(
    tasks,
    new URL('./composite-task.ts', import.meta.url),
    {
      shared,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
    },
  );
  return composite;
}
