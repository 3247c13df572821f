/** Point-in-time feature calculators of seed 003, the feature set, and the frozen whitelist (leakage guard). */
export { ALTERNATIVE_FEATURES, alternativeCalculator, trailingWindowEventSum } from './alternative.ts';
export { CROSS_ASSET_FEATURES, crossAssetCalculator } from './cross-asset.ts';
export {
  type ComputeFeaturesOptions,
  computeFeatures,
  FEATURE_CALCULATORS,
  type FeatureSet,
  featureMatrixAt,
  featureNames,
  resolveFeatureOptions,
} from './feature-set.ts';
export {
  FUNDAMENTAL_FEATURES,
  fundamentalCalculator,
  relativeToSectorMedian,
  sectorDummyName,
} from './fundamental.ts';
export {
  expAverageSeededDateMajor,
  laggedRatioMinusOneDateMajor,
  rollingCorrBetaOnSeriesDateMajor,
  rollingExtremeCompleteDateMajor,
  rollingSumCompleteDateMajor,
} from './kernels.ts';
export { broadcastSeries, PanelOps } from './panel-ops.ts';
export {
  closeTimes,
  eventsByTicker,
  fillFromVisibleHistory,
  firstAtOrAfterTime,
  latestAndLaggedPanels,
  latestVisiblePanel,
  trailingFourQuarterSumPanel,
  type VisibleHistory,
  weekdaysBetween,
} from './pit-events.ts';
export {
  adxWilder,
  macd,
  rsiWilder,
  TECHNICAL_FEATURES,
  technicalCalculator,
  trueRange,
} from './technical.ts';
export { TEMPORAL_FEATURES, temporalCalculator, temporalValues } from './temporal.ts';
export {
  FEATURE_FAMILIES,
  type FeatureBlock,
  type FeatureCalculator,
  type FeatureFamily,
  type FeatureOptions,
  type ResolvedFeatureOptions,
} from './types.ts';
export {
  assertWhitelistedColumns,
  FeatureLeakageError,
  type FeatureWhitelist,
  forwardLookingPattern,
  freezeWhitelist,
  parseWhitelist,
} from './whitelist.ts';
