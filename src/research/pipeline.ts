/**
 * A research run in three stages (`until`): `signals` (compute, neutralise, hash, snapshot), `ic` (plus the
 * IC statistics of every signal and horizon) and `weights` (plus the horizon choice, signal weights and the
 * composite alpha). The weights and horizon reported here use the whole sample and are labelled in-sample;
 * a backtest calls `signalWeightsAsOf` / `chooseHorizonAsOf` at each rebalance instead.
 */
import { type ComputeBackend, threadsBackend } from '../compute/index.ts';
import type { Universe } from '../core/universe.ts';
import type { ShrinkageMethod } from '../stats/index.ts';
import {
  compositeAlphaPanel,
  compositeAtSnapshots,
  compositeCheckpointRows,
  duplicateExclusions,
  icSeriesSet,
} from './composite.ts';
import { runSignalTier, type SignalTierOptions, type SignalTierResult } from './tier.ts';
import { chooseHorizonAsOf, type HorizonChoice, type SignalWeights, signalWeightsAsOf } from './weights.ts';

export type ResearchStage = 'signals' | 'ic' | 'weights';

export interface ResearchOptions extends SignalTierOptions {
  readonly until?: ResearchStage;
  readonly shrinkage?: ShrinkageMethod;
  /** Horizon for the weights; default: chosen by `chooseHorizonAsOf` at the last date. */
  readonly weightHorizon?: number;
  /** Also build the full daily composite panel (a second pass over the weighted signals); default true. */
  readonly compositePanel?: boolean;
  /**
   * Also build the composite at every snapshot date with weights re-estimated as of that date (what a
   * walk-forward backtest does at each rebalance); default false — one weight fit per snapshot date.
   */
  readonly walkForward?: boolean;
}

export interface ResearchResult {
  readonly tier: SignalTierResult;
  readonly horizonChoice?: HorizonChoice;
  /** Full-sample (in-sample) weights at the chosen horizon. */
  readonly weights?: SignalWeights;
  /** Composite at the snapshot dates with walk-forward weights (as of each snapshot date). */
  readonly walkForwardComposite?: Float64Array;
  /** Daily composite panel with the in-sample weights. */
  readonly composite?: Float64Array;
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * The task modules of the context build (its workers help as they come up) and of the two parallel passes,
 * imported by the workers as they boot.
 */
const stageModules = [
  new URL('../signals/context-task.ts', import.meta.url),
  new URL('./signal-task.ts', import.meta.url),
  new URL('./composite-task.ts', import.meta.url),
];

export async function runResearch(
  universe: Universe,
  options: ResearchOptions = {},
): Promise<ResearchResult> {
  if (options.backend !== 'threads') return researchOn(universe, options, options.backend);
  // One pool for the context and both passes, started first so the workers boot and import the stage
  // modules while this thread starts the context, and join its build when up (decisions 023, 027).
  const pool = threadsBackend({
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    preload: stageModules,
  });
  pool.warm();
  try {
    return await researchOn(universe, options, pool);
  } finally {
    await pool.close();
  }
}

/** A research run whose parallel passes use `compute` (a name: a backend per pass; an instance: shared). */
async function researchOn(
  universe: Universe,
  options: ResearchOptions,
  compute: ResearchOptions['backend'] | ComputeBackend,
): Promise<ResearchResult> {
  const until = options.until ?? 'weights';
  const backend = {
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  };
  // The composite pass's date blocks resume the raw streams from states the tier saves at their starts.
  const rawCheckpoints =
    until === 'weights' && options.compositePanel !== false
      ? compositeCheckpointRows(universe.dates.length, backend)
      : undefined;
  const tier = await runSignalTier(universe, {
    ...options,
    ...(compute === undefined ? {} : { backend: compute }),
    computeIc: until !== 'signals',
    ...(rawCheckpoints && options.rawCheckpoints === undefined ? { rawCheckpoints } : {}),
  });
  const timings: Record<string, number> = {
    contextMs: tier.timings.contextMs,
    signalsMs: tier.timings.signalsMs,
    signalsCpuMs: tier.timings.signalsCpuMs,
  };
  if (until !== 'weights') return { tier, timings };
  const t0 = performance.now();
  const exclude = duplicateExclusions(tier);
  const base = {
    exclude,
    ...(options.shrinkage ? { shrinkage: options.shrinkage } : {}),
    ...(options.minIcObs ? { minObs: options.minIcObs } : {}),
  };
  const sets = tier.context.horizons.map((h) => icSeriesSet(tier, h));
  const horizonChoice = chooseHorizonAsOf(sets, base);
  const h = options.weightHorizon ?? horizonChoice.horizon;
  const set = sets[tier.context.horizons.indexOf(h)] ?? icSeriesSet(tier, h);
  const weights = h === horizonChoice.horizon ? horizonChoice.weights : signalWeightsAsOf(set, base);
  const walkForwardComposite = options.walkForward
    ? compositeAtSnapshots(tier, (t) => signalWeightsAsOf(set, { ...base, asOf: t }))
    : undefined;
  const t1 = performance.now();
  timings.weightsMs = t1 - t0;
  const done = {
    tier,
    horizonChoice,
    weights,
    ...(walkForwardComposite ? { walkForwardComposite } : {}),
    timings,
  };
  if (options.compositePanel === false) return done;
  // The block count follows the backend's name and `workers` (compositeCheckpointRows above), so the
  // instance passed here splits the dates exactly as the name would.
  const composite = await compositeAlphaPanel(tier, weights.weights, {
    ...backend,
    ...(compute === undefined ? {} : { backend: compute }),
  });
  timings.compositeMs = performance.now() - t1;
  return { ...done, composite };
}
