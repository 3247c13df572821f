/**
 * The task module of the signal tier (one task per signal spec), run by compute/parallelMap on any backend.
 * A task computes the raw signal, smooths it, neutralises it date by date and reduces each date at once
 * into IC statistics, the decay curves, a duplicate hash and the snapshot rows a backtest needs at its
 * rebalance dates; it never holds the neutralised T×N panel.
 */
import type { SignalContext } from '../signals/context.ts';
import { builtinFamilies } from '../signals/families.ts';
import {
  forEachNeutralizedSignalRow,
  missingInputs,
  type StageTimes,
  skipNote,
} from '../signals/pipeline.ts';
import { rawStateLength } from '../signals/raw-stream.ts';
import type { SignalFamily, SignalSpec } from '../signals/spec.ts';
import { type HorizonAccumulation, IcAccumulator, type IcOptions } from './ic-accumulator.ts';
import { type SignalHorizonStats, summarizeHorizon } from './summary.ts';

/** What every task of a run shares (big arrays on SharedArrayBuffers). */
export interface SignalTierShared {
  readonly ctx: SignalContext;
  readonly specs: readonly SignalSpec[];
  /** URLs of modules exporting `signalFamilies: SignalFamily[]` (user families); built-ins always present. */
  readonly familyModules: readonly string[];
  readonly ic: IcOptions;
  readonly minIcObs: number;
  /** False: neutralise, hash and snapshot only. */
  readonly computeIc: boolean;
  /** Date indices whose neutralised cross-sections are kept (e.g. the rebalance dates). */
  readonly snapshotRows: Int32Array;
  /** specs × snapshotRows × N, written by the tasks (each into its own slot). */
  readonly snapshotValues: Float64Array;
  /** Dates before which the raw stream's state is saved (tier option `rawCheckpoints`). */
  readonly rawCheckpointRows: Int32Array;
  /** specs × rawCheckpointRows × rawStateLength(N), written by the tasks (each into its own slot). */
  readonly rawCheckpointStates: Float64Array;
}

export interface SignalTask {
  readonly index: number;
}

export interface SignalTaskResult {
  readonly name: string;
  readonly status: 'ok' | 'skipped';
  readonly note?: string;
  /** Hash of the neutralised values (duplicates.ts). */
  readonly hash?: string;
  readonly accumulations: readonly HorizonAccumulation[];
  readonly stats: readonly SignalHorizonStats[];
  /**
   * Milliseconds: raw signal (streamed, so interleaved with the rest), neutralisation, the per-date
   * reductions (IC, spreads, hash, snapshots), neutralizeAndIc = the two together, and the task's total.
   */
  readonly ms: {
    readonly raw: number;
    readonly neutralize: number;
    readonly ic: number;
    readonly neutralizeAndIc: number;
    readonly total: number;
  };
}

const familyCache = new Map<string, Promise<ReadonlyMap<string, SignalFamily>>>();

/** Built-in families plus those exported as `signalFamilies` by each module (cached per thread). */
export function loadFamilies(modules: readonly string[]): Promise<ReadonlyMap<string, SignalFamily>> {
  const key = modules.join('\n');
  let p = familyCache.get(key);
  if (!p) {
    p = (async () => {
      const all = new Map(builtinFamilies);
      for (const url of modules) {
        const mod = (await import(url)) as { signalFamilies?: readonly SignalFamily[] };
        for (const f of mod.signalFamilies ?? []) all.set(f.name, f);
      }
      return all;
    })();
    familyCache.set(key, p);
  }
  return p;
}

export async function runTask(task: SignalTask, shared: SignalTierShared): Promise<SignalTaskResult> {
  const t0 = performance.now();
  const { ctx, ic } = shared;
  const spec = shared.specs[task.index]!;
  const missing = missingInputs(ctx, spec);
  if (missing.length > 0) {
    return {
      name: spec.name,
      status: 'skipped',
      note: skipNote(spec, missing),
      accumulations: [],
      stats: [],
      ms: { raw: 0, neutralize: 0, ic: 0, neutralizeAndIc: 0, total: 0 },
    };
  }
  const families = await loadFamilies(shared.familyModules);
  const acc = new IcAccumulator(ctx, ic);
  const N = ctx.N;
  const rows = shared.snapshotRows;
  const slot = task.index * rows.length * N;
  let next = 0;
  const times: StageTimes = { rawMs: 0, neutralizeMs: 0, visitMs: 0 };
  const saveRows = shared.rawCheckpointRows;
  const stateSlot = saveRows.length * rawStateLength(N);
  forEachNeutralizedSignalRow(
    ctx,
    spec,
    families,
    (t, z, count) => {
      acc.visit(t, z, count > 0 && shared.computeIc);
      while (next < rows.length && rows[next]! < t) next++;
      if (next < rows.length && rows[next] === t) shared.snapshotValues.set(z, slot + next * N);
    },
    saveRows.length === 0
      ? {}
      : {
          save: {
            rows: saveRows,
            states: shared.rawCheckpointStates.subarray(task.index * stateSlot, (task.index + 1) * stateSlot),
          },
        },
    times,
  );
  const stats = !shared.computeIc
    ? []
    : acc.horizons.map((a) => summarizeHorizon(spec.name, a, { minObs: shared.minIcObs, skips: ic.skips }));
  return {
    name: spec.name,
    status: 'ok',
    hash: acc.digest(),
    accumulations: shared.computeIc ? acc.horizons : [],
    stats,
    ms: {
      raw: times.rawMs,
      neutralize: times.neutralizeMs,
      ic: times.visitMs,
      neutralizeAndIc: times.neutralizeMs + times.visitMs,
      total: performance.now() - t0,
    },
  };
}
