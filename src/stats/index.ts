export { accuracyOfLastResolved, type RollingAccuracyOptions, rollingAccuracy } from './accuracy.ts';
export { type CapmFit, type CapmOptions, capm } from './capm.ts';
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
  betaGatePasses,
  drawdownGateThreshold,
  minimumTrades,
  sharpeGateThreshold,
  sharpeTStat,
} from './gates.ts';
export {
  type HalfLifeFit,
  type IcPersistenceOptions,
  type IcSummary,
  type IcSummaryOptions,
  icDecayHalfLife,
  icPersistenceHalfLife,
  summarizeIC,
} from './icSummary.ts';
export {
  neweyWestCovariance,
  neweyWestLags,
  neweyWestMeanStandardError,
  neweyWestStandardErrors,
  type OlsFit,
  ols,
} from './ols.ts';
export {
  annualizedReturn,
  annualizedVolatility,
  cagr,
  type Drawdown,
  drawdowns,
  hitRate,
  informationRatio,
  MIN_RETURN_SD,
  maxDrawdown,
  type RollingSharpe,
  rollingSharpe,
  sharpeRatio,
  sharpeStandardError,
} from './performance.ts';
export {
  type PsiOptions,
  type PsiResult,
  psi,
  psiEqualWidth,
  quantile,
  quantileSorted,
  quantiles,
} from './psi.ts';
export {
  annualizedQuantileSpread,
  type QuantileSpreadOptions,
  quantileBuckets,
  quantileSpread,
} from './quantileSpread.ts';
export {
  argsortCompactedValues,
  percentileRank,
  RankWorkspace,
  rankAverageTies,
  rankAverageTiesStrided,
} from './rank.ts';
export { type RankedPanel, rankICSeries, rankTargetPanel } from './rankICSeries.ts';
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
export { selectOrderStatistics } from './select.ts';
export {
  type DataMatrixOptions,
  effectiveNumber,
  type LedoitWolfTerms,
  ledoitWolfIntensity,
  ledoitWolfTerms,
  oasIntensity,
  oasIntensityPaper,
  type ShrinkageMethod,
  type ShrinkageMoments,
  type ShrunkCorrelation,
  type ShrunkCovariance,
  shrinkageMomentsFromData,
  shrinkageMomentsFromGram,
  shrunkCorrelation,
  shrunkCovariance,
} from './shrinkage.ts';
export { annualizedTurnover, driftWeights, portfolioReturn, type Turnover, turnover } from './turnover.ts';
