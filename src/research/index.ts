export {
  type CompositePanelOptions,
  compositeAlphaPanel,
  compositeAtSnapshots,
  compositeCheckpointRows,
  duplicateExclusions,
  icSeriesSet,
} from './composite.ts';
export {
  defaultIcOptions,
  dotCentredRanks,
  type HorizonAccumulation,
  IcAccumulator,
  type IcOptions,
} from './ic-accumulator.ts';
export { type ResearchOptions, type ResearchResult, type ResearchStage, runResearch } from './pipeline.ts';
export { loadFamilies, type SignalTaskResult, type SignalTierShared } from './signal-task.ts';
export {
  maxSharpeSimplexWeights,
  nonNegativeQuadraticProgram,
  type SimplexWeights,
} from './simplex-weights.ts';
export { type SignalHorizonStats, type SummaryOptions, summarizeHorizon } from './summary.ts';
export {
  type RawCheckpoints,
  runSignalTier,
  type SignalSnapshots,
  type SignalTierOptions,
  type SignalTierResult,
} from './tier.ts';
export {
  chooseHorizonAsOf,
  type HorizonChoice,
  type IcSeriesSet,
  type SignalWeightOptions,
  type SignalWeights,
  signalWeightsAsOf,
} from './weights.ts';
