export { BucketRankWorkspace, rankAverageTiesBucketed } from './bucket-rank.ts';
export { buildSignalContext, type SignalContext, type SignalContextOptions } from './context.ts';
export { type DuplicateGroup, duplicateNotes, findDuplicateSignals, ValueHasher } from './duplicates.ts';
export { ewmaDecay, ewmaSmooth, ewmaSmoothInPlace } from './ewma.ts';
export {
  baseSignalSpecs,
  builtinFamilies,
  builtinFamilyList,
  MIN_OBS_SHARE,
  trailingMeanSkip,
  variantSweep,
  windowMinObs,
} from './families.ts';
export { forwardReturns, forwardReturnsInto } from './forward-returns.ts';
export { NeutralizeScratch, neutralizeRow, residualizerAt } from './neutralize.ts';
export {
  computeRawSignal,
  forEachNeutralizedRow,
  missingInputs,
  neutralizedSignal,
  skipNote,
} from './pipeline.ts';
export {
  checkSpecs,
  defineSignalFamily,
  defineSignalSpec,
  type RawSignalInputs,
  type SignalFamily,
  type SignalSpec,
} from './spec.ts';
