/**
 * The signal tier of a research run (seed 002's 110 "signal + IC" tasks, done right): build the shared
 * context once, run the specs on a compute backend in tasks of a few signals streamed in lockstep (decision
 * 162), and gather the compact per-signal outputs — IC series and statistics per horizon, decay curves,
 * duplicate hashes and neutralised snapshots at the rebalance dates. Skipped signals (missing input
 * fields) and exact duplicates are reported in `notes`.
 */

import { type BackendName, type ComputeBackend, parallelMap, type TaskProgress } from '../compute/index.ts';
import { InvalidInputError } from '../core/errors.ts';
import { allocFloat64 } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';
import type { SignalContext, SignalContextOptions } from '../signals/context.ts';
import { buildSharedSignalContext } from '../signals/context-task.ts';
import { type DuplicateGroup, duplicateNotes, findDuplicateSignals } from '../signals/duplicates.ts';
import { builtinFamilies, variantSweep } from '../signals/families.ts';
import { rawStateLength } from '../signals/raw-stream.ts';
import { checkSpecs, type SignalSpec } from '../signals/spec.ts';
import { defaultIcOptions, type IcOptions } from './ic-accumulator.ts';
import {
  loadFamilies,
  type SignalTask,
  type SignalTaskResult,
  type SignalTierShared,
} from './signal-task.ts';
import type { SignalHorizonStats } from './summary.ts';

export interface SignalTierOptions extends SignalContextOptions {
  /** Specs to run; default the seed-002 sweep of `variants` variants of the 11 families. */
  readonly specs?: readonly SignalSpec[];
  /** Variants per family for the default sweep; default 10 (110 specs). */
  readonly variants?: number;
  /** URLs of modules exporting `signalFamilies` for user specs. */
  readonly familyModules?: readonly (string | URL)[];
  /** IC options (coverage, quantiles, bucket size, decay skips). */
  readonly ic?: Partial<IcOptions>;
  /** Compute IC statistics (default true); false stops after the signals (hashes, snapshots). */
  readonly computeIc?: boolean;
  /** Minimum valid ICs for summary statistics; default 60. */
  readonly minIcObs?: number;
  /** Dates whose neutralised cross-sections are kept: explicit indices or every `every` rows from `start`. */
  readonly snapshots?: readonly number[] | { readonly start: number; readonly every: number };
  /**
   * Date indices (increasing, in (0, T)) before which every task saves its raw stream's state, so a later
   * pass (the composite panel's date blocks) can start there instead of re-streaming the history.
   */
  readonly rawCheckpoints?: readonly number[];
  /**
   * Signals per task, streamed through the dates in lockstep (decision 162); default
   * {@link DEFAULT_LOCKSTEP}. The last tasks of a run are smaller, so the workers finish together. Outputs do
   * not depend on it.
   */
  readonly lockstep?: number;
  readonly backend?: BackendName | ComputeBackend;
  readonly workers?: number;
  readonly onProgress?: (p: TaskProgress & { readonly signal: string }) => void;
}

export interface SignalSnapshots {
  /** Date indices, increasing. */
  readonly rows: Int32Array;
  /** specs × rows × N neutralised values (NaN for skipped signals). */
  readonly values: Float64Array;
}

/** Raw-stream states saved by the tasks (signals/raw-stream.ts `save`). */
export interface RawCheckpoints {
  /** Date indices, increasing. */
  readonly rows: Int32Array;
  /** specs × rows × rawStateLength(N) values (unset for skipped signals). */
  readonly states: Float64Array;
}

export interface SignalTierResult {
  readonly context: SignalContext;
  readonly specs: readonly SignalSpec[];
  /** Family modules the specs were resolved with (needed again by the composite pass). */
  readonly familyModules: readonly string[];
  /** The IC options used (skips sorted, starting at 0). */
  readonly ic: IcOptions;
  /** One per spec, in spec order. */
  readonly signals: readonly SignalTaskResult[];
  /** Full-sample (in-sample) statistics per computed signal and horizon. */
  readonly table: readonly SignalHorizonStats[];
  readonly duplicates: readonly DuplicateGroup[];
  readonly snapshots: SignalSnapshots;
  readonly rawCheckpoints: RawCheckpoints;
  readonly notes: readonly string[];
  /**
   * Wall milliseconds of the context and of the signal pass, and the signal pass's process CPU (user +
   * system, every thread of the process: the workers on a threads backend, not BullMQ's).
   */
  readonly timings: { readonly contextMs: number; readonly signalsMs: number; readonly signalsCpuMs: number };
}

function snapshotRows(T: number, s: SignalTierOptions['snapshots']): Int32Array {
  const spec = s ?? { start: Math.min(252, T - 1), every: 21 };
  let rows: number[];
  if (Array.isArray(spec)) rows = [...spec];
  else {
    const { start, every } = spec as { start: number; every: number };
    if (!Number.isInteger(every) || every < 1 || !Number.isInteger(start) || start < 0) {
      throw new InvalidInputError(
        `snapshots need an integer start ≥ 0 and every ≥ 1, got ${start}, ${every}`,
        { where: { field: 'snapshots' } },
      );
    }
    rows = [];
    for (let t = start; t < T; t += every) rows.push(t);
  }
  rows.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 0 || r >= T || (k > 0 && r <= rows[k - 1]!)) {
      throw new InvalidInputError(`snapshot rows must be increasing date indices in [0, ${T}), got ${r}`, {
        where: { field: 'snapshots' },
      });
    }
  });
  return Int32Array.from(rows);
}

function checkpointRows(T: number, rows: readonly number[] | undefined): Int32Array {
  (rows ?? []).forEach((r, k) => {
    if (!Number.isInteger(r) || r <= 0 || r >= T || (k > 0 && r <= rows![k - 1]!)) {
      throw new InvalidInputError(`raw checkpoints must be increasing date indices in (0, ${T}), got ${r}`, {
        where: { field: 'rawCheckpoints' },
      });
    }
  });
  return Int32Array.from(rows ?? []);
}

/** Signals per task by default: each date's context rows serve four signals while in cache (decision 162). */
export const DEFAULT_LOCKSTEP = 4;

/**
 * The tasks of `count` specs: consecutive groups of `k`, shrinking towards the end (a group is at most a
 * quarter of what is left per worker), so the last tasks are short and no worker idles long at the end.
 */
export function signalTaskGroups(count: number, k: number, workers: number): SignalTask[] {
  if (!Number.isInteger(k) || k < 1)
    throw new InvalidInputError(`lockstep must be an integer ≥ 1, got ${k}`, {
      where: { field: 'lockstep' },
    });
  const tasks: SignalTask[] = [];
  for (let first = 0; first < count; ) {
    const size = Math.min(k, Math.max(1, Math.ceil((count - first) / (4 * workers))));
    tasks.push({ first, count: Math.min(size, count - first) });
    first += size;
  }
  return tasks;
}

function moduleHref(m: string | URL): string {
  return m instanceof URL ? m.href : m;
}

export async function runSignalTier(
  universe: Universe,
  options: SignalTierOptions = {},
): Promise<SignalTierResult> {
  const t0 = performance.now();
  // The dates' FWL bases once, here, instead of in every worker of this pass and of the composite's; on a
  // threads backend instance its workers help with the context as they come up (decision 027).
  const pool = typeof options.backend === 'object' ? options.backend : undefined;
  const ctx = await buildSharedSignalContext(universe, options, pool);
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const specs = options.specs ?? variantSweep(undefined, options.variants ?? 10);
  const familyModules = (options.familyModules ?? []).map(moduleHref);
  checkSpecs(specs, options.specs ? await loadFamilies(familyModules) : builtinFamilies);
  const ic: IcOptions = { ...defaultIcOptions, ...options.ic };
  if (!ic.skips.includes(0))
    throw new InvalidInputError('the decay skips must include 0', { where: { field: 'decay_skips' } });
  const rows = snapshotRows(ctx.T, options.snapshots);
  const checkpoints = checkpointRows(ctx.T, options.rawCheckpoints);
  const shared: SignalTierShared = {
    ctx,
    specs,
    familyModules,
    ic: { ...ic, skips: [...new Set([0, ...ic.skips])].sort((a, b) => a - b) },
    minIcObs: options.minIcObs ?? 60,
    computeIc: options.computeIc ?? true,
    snapshotRows: rows,
    snapshotValues: allocFloat64(specs.length * rows.length * ctx.N, { shared: true }),
    rawCheckpointRows: checkpoints,
    rawCheckpointStates: allocFloat64(specs.length * checkpoints.length * rawStateLength(ctx.N), {
      shared: true,
    }),
  };
  // The group sizes only balance the workers' ends (any grouping gives the same outputs); a backend instance
  // does not say its worker count, so 2 (the machine's cores) stands in.
  const tasks = signalTaskGroups(specs.length, options.lockstep ?? DEFAULT_LOCKSTEP, options.workers ?? 2);
  let done = 0;
  const onProgress = options.onProgress;
  const groups = await parallelMap<SignalTask, SignalTaskResult[], SignalTierShared>(
    tasks,
    new URL('./signal-task.ts', import.meta.url),
    {
      shared,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(onProgress
        ? {
            onProgress: (p: TaskProgress) => {
              // One report per signal; ms is its task's (the task's signals share it).
              const task = tasks[p.index]!;
              for (let j = 0; j < task.count; j++) {
                const index = task.first + j;
                onProgress({
                  index,
                  done: ++done,
                  total: specs.length,
                  ms: p.ms,
                  signal: specs[index]!.name,
                });
              }
            },
          }
        : {}),
    },
  );
  const signals = groups.flat();
  const t2 = performance.now();
  const cpu2 = process.cpuUsage(cpu1);
  const duplicates = findDuplicateSignals(signals.map((s) => ({ name: s.name, hash: s.hash })));
  const notes = [
    ...ctx.notes,
    ...signals.flatMap((s) => (s.note ? [s.note] : [])),
    ...duplicateNotes(duplicates),
  ];
  return {
    context: ctx,
    specs,
    familyModules,
    ic: shared.ic,
    signals,
    table: signals.flatMap((s) => s.stats),
    duplicates,
    snapshots: { rows, values: shared.snapshotValues },
    rawCheckpoints: { rows: checkpoints, states: shared.rawCheckpointStates },
    notes,
    timings: { contextMs: t1 - t0, signalsMs: t2 - t1, signalsCpuMs: (cpu2.user + cpu2.system) / 1000 },
  };
}
