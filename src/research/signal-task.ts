/**
 * The task module of the signal tier (one task per group of consecutive specs), run by compute/parallelMap on
 * any backend. For each of its signals a task computes the raw signal, smooths it, neutralises it date by
 * date and reduces each date at once into IC statistics, the decay curves, a duplicate hash and the snapshot
 * rows a backtest needs at its rebalance dates; it never holds the neutralised T×N panel.
 */
import type { SignalContext } from '../signals/context.ts';
import { builtinFamilies } from '../signals/families.ts';
import { missingInputs, NeutralizedSignalRows, type StageTimes, skipNote } from '../signals/pipeline.ts';
import { rawStateLength } from '../signals/raw-stream.ts';
import type { SignalFamily, SignalSpec } from '../signals/spec.ts';
import { type HorizonAccumulation, IcAccumulator, IcKernelMemory, type IcOptions } from './ic-accumulator.ts';
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

/**
 * One task: the specs `first … first + count − 1`, streamed through the dates in lockstep (decision 162):
 * each date's context rows (raw inputs, bases, forward returns and ranks) are fetched from memory once for
 * all of them instead of once per signal. Every signal's outputs are its own, so they do not depend on
 * how the specs are grouped into tasks.
 */
export interface SignalTask {
  readonly first: number;
  readonly count: number;
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

/** The signals of `task`, in spec order. */
export async function runTask(task: SignalTask, shared: SignalTierShared): Promise<SignalTaskResult[]> {
  const families = await loadFamilies(shared.familyModules);
  const indices = Array.from({ length: task.count }, (_, j) => task.first + j);
  const missing = indices.map((index) => missingInputs(shared.ctx, shared.specs[index]!));
  const live = indices.filter((_, j) => missing[j]!.length === 0);
  // One kernel memory for the task: the date's forward rows and rank rings once for all its signals.
  const memory = live.length > 0 ? new IcKernelMemory(shared.ctx, shared.ic, live.length) : undefined;
  const signals = live.map((index) => new SignalRun(shared, index, families, memory!));
  const results = indices.map((index, j) =>
    missing[j]!.length > 0 ? skipped(shared.specs[index]!, missing[j]!) : undefined,
  );
  // Date by date, every signal of the task in turn (they all visit the same rows 0 … T − 1).
  for (let running = signals.length; running > 0; ) {
    running = 0;
    for (const s of signals) if (s.step()) running++;
  }
  let k = 0;
  return results.map((r) => r ?? signals[k++]!.finish());
}

function skipped(spec: SignalSpec, missing: readonly string[]): SignalTaskResult {
  return {
    name: spec.name,
    status: 'skipped',
    note: skipNote(spec, missing),
    accumulations: [],
    stats: [],
    ms: { raw: 0, neutralize: 0, ic: 0, neutralizeAndIc: 0, total: 0 },
  };
}

/** One signal of a task: its row stream, its reductions and the snapshot rows it writes. */
class SignalRun {
  private readonly shared: SignalTierShared;
  private readonly spec: SignalSpec;
  private readonly rows: NeutralizedSignalRows;
  private readonly acc: IcAccumulator;
  private readonly slot: number;
  private readonly times: StageTimes = { rawMs: 0, neutralizeMs: 0, visitMs: 0 };
  private nextSnapshot = 0;
  /** Wall time spent in this signal's steps (the signals of a task interleave). */
  private ms = 0;

  constructor(
    shared: SignalTierShared,
    index: number,
    families: ReadonlyMap<string, SignalFamily>,
    memory: IcKernelMemory,
  ) {
    const t0 = performance.now();
    const { ctx } = shared;
    this.shared = shared;
    this.spec = shared.specs[index]!;
    this.acc = new IcAccumulator(ctx, shared.ic, memory);
    this.slot = index * shared.snapshotRows.length * ctx.N;
    const saveRows = shared.rawCheckpointRows;
    const stateSlot = saveRows.length * rawStateLength(ctx.N);
    this.rows = new NeutralizedSignalRows(
      ctx,
      this.spec,
      families,
      saveRows.length === 0
        ? {}
        : {
            save: {
              rows: saveRows,
              states: shared.rawCheckpointStates.subarray(index * stateSlot, (index + 1) * stateSlot),
            },
          },
      this.times,
    );
    this.ms += performance.now() - t0;
  }

  /** Streams, neutralises and reduces the next date; false when every date is done. */
  step(): boolean {
    const t0 = performance.now();
    const count = this.rows.next();
    if (count < 0) {
      this.ms += performance.now() - t0;
      return false;
    }
    const c0 = performance.now();
    const { shared, rows } = this;
    const t = rows.t;
    const z = rows.z;
    this.acc.visit(t, z, count > 0 && shared.computeIc);
    const snapshots = shared.snapshotRows;
    while (this.nextSnapshot < snapshots.length && snapshots[this.nextSnapshot]! < t) this.nextSnapshot++;
    if (this.nextSnapshot < snapshots.length && snapshots[this.nextSnapshot] === t)
      shared.snapshotValues.set(z, this.slot + this.nextSnapshot * z.length);
    const c1 = performance.now();
    this.times.visitMs += c1 - c0;
    this.ms += c1 - t0;
    return true;
  }

  finish(): SignalTaskResult {
    const t0 = performance.now();
    const { shared, spec, acc, times } = this;
    const stats = !shared.computeIc
      ? []
      : acc.horizons.map((a) =>
          summarizeHorizon(spec.name, a, { minObs: shared.minIcObs, skips: shared.ic.skips }),
        );
    const result: SignalTaskResult = {
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
        total: this.ms + performance.now() - t0,
      },
    };
    return result;
  }
}
