export {
  BucketRankWorkspace,
  bucketRankFunction,
  bucketRankLayout,
  rankAverageTiesBucketed,
  WasmBucketRanker,
} from './bucket-rank.ts';
export {
  buildSignalContext,
  type SharedFwlBases,
  type SignalContext,
  type SignalContextOptions,
} from './context.ts';
export { type DuplicateGroup, duplicateNotes, findDuplicateSignals, ValueHasher } from './duplicates.ts';
export { ewmaDecay, ewmaSmooth, ewmaSmoothInPlace } from './ewma.ts';
export {
  baseSignalSpecs,
  builtinFamilies,
  builtinFamilyList,
  MIN_OBS_SHARE,
  trailingMeanSkip,
  trailingWindowOf,
  variantSweep,
  windowMinObs,
} from './families.ts';
export { forwardReturns, forwardReturnsInto } from './forward-returns.ts';
export { NeutralizeScratch, neutralizeRow, residualizerAt, withSharedFwlBases } from './neutralize.ts';
export {
  computeRawSignal,
  forEachNeutralizedRow,
  forEachNeutralizedSignalRow,
  missingInputs,
  neutralizedSignal,
  type SignalRowRange,
  type StageTimes,
  skipNote,
} from './pipeline.ts';
export {
  type RawRowSource,
  rawRowSource,
  rawStateLength,
  type TrailingWindow,
  TrailingWindowStream,
} from './raw-stream.ts';
export {
  checkSpecs,
  defineSignalFamily,
  defineSignalSpec,
  type RawSignalInputs,
  type SignalFamily,
  type SignalSpec,
} from './spec.ts';
