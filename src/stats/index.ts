export {
  pearson,
  pearsonComplete,
  pearsonOfRanks,
  type RankedTarget,
  rankIC,
  rankICWithRankedTarget,
  rankTarget,
  spearman,
} from './correlation.ts';
export {
  CROSS_SECTION_MIN_SD,
  demeanWithinGroups,
  demeanWithinGroupsKernel,
  nanMeanStdDdof0,
  winsorizeCrossSection,
  zscoreCrossSection,
} from './crossSection.ts';
export {
  argsortCompactedValues,
  percentileRank,
  RankWorkspace,
  rankAverageTies,
  rankAverageTiesStrided,
} from './rank.ts';
export {
  CrossSectionResidualizer,
  type ResidualizerFit,
  type ResidualizerOptions,
  residualizeCrossSection,
} from './residualize.ts';
export {
  type RollingOptions,
  RollingStat,
  type RollingVarianceOptions,
  rollingMean,
  rollingMomentsKernel,
  rollingStd,
  rollingSum,
  rollingVariance,
} from './rolling.ts';
export {
  advancePairWindow,
  BETA_MIN_MARKET_VARIANCE,
  PairAccumulators,
  type RollingBetaOptions,
  type RollingBetaResult,
  type RollingCovarianceOptions,
  rollingBeta,
  rollingCovariance,
} from './rollingBeta.ts';
