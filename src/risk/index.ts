/**
 * risk/: covariance estimators as structured operators (methods.md §5), the Fama–MacBeth factor risk
 * model (§6) and its persistence. See docs/api/risk.md.
 */
export {
  asWindow,
  type CovarianceOptions,
} from './covariance/common.ts';
export {
  closedFormDiagnostics,
  DENSE_SPECTRUM_MAX_P,
  operatorDiagnostics,
  samplingErrorFrobenius,
} from './covariance/diagnostics.ts';
export {
  fitLW2020,
  LedoitWolf2020,
  type LW2020Details,
  type LW2020Fit,
  type LW2020Spectrum,
  ledoitWolf2020,
  lw2020DensityAndHilbert,
  lw2020HilbertKernel,
  lw2020ShrunkSpectrum,
} from './covariance/lw2020.ts';
export {
  DEFAULT_PCA_FACTORS,
  fitPCA,
  PCACovariance,
  type PCADetails,
  type PCAFit,
  type PCAOptions,
  pcaCovariance,
} from './covariance/pca.ts';
export { fitRMT, RMTCovariance, type RMTDetails, type RMTFit, rmtCovariance } from './covariance/rmt.ts';
export {
  fitSampleCovariance,
  SampleCovariance,
  type SampleCovarianceFit,
  sampleCovariance,
} from './covariance/sample.ts';
export {
  fitLedoitWolf,
  fitOAS,
  LedoitWolf,
  type LedoitWolfFit,
  ledoitWolf,
  OAS,
  type OASFit,
  oas,
  type ShrinkageDetails,
} from './covariance/shrinkage.ts';
export {
  type CovarianceSuite,
  type CovarianceSuiteOptions,
  fitCovarianceSuite,
} from './covariance/suite.ts';
export {
  COVARIANCE_METHODS,
  type CovarianceDiagnostics,
  type CovarianceMethod,
  type FittedCovariance,
  type SharedEigenSpectrum,
  type SpectrumSource,
} from './covariance/types.ts';
export {
  CovarianceWindow,
  type ShrinkageStatistics,
  type WindowParts,
  type WindowSpectrum,
} from './covariance/window.ts';
export {
  centreColumns,
  DEFAULT_LOOKBACK,
  type ExcludedStock,
  extractWindow,
  type MissingPolicy,
  type RawWindow,
  type WindowOptions,
} from './covariance/window-extract.ts';
export {
  columnCovarianceDdof1,
  factorCovarianceOperator,
  restrictFactorCovariance,
} from './factor-model/assemble.ts';
export {
  buildRiskModel,
  type PersistenceStatus,
  type RiskBuildOptions,
  type RiskBuildResult,
} from './factor-model/build.ts';
export { FM_DEFAULTS, fitFamaMacBeth } from './factor-model/fama-macbeth.ts';
export {
  DEFAULT_LOADING_NAMES,
  type DefaultLoadings,
  defaultLoadings,
  logReturnsFromUniverse,
} from './factor-model/loadings.ts';
export { factorPremia, neweyWestDefaultLags } from './factor-model/premia.ts';
export type {
  DateSkipReason,
  DroppedItem,
  FactorPremium,
  FactorRiskModel,
  FamaMacBethDiagnostics,
  FamaMacBethOptions,
  FamaMacBethResult,
  LoadingInput,
  SkippedDate,
} from './factor-model/types.ts';
export { type LoadedRiskModel, loadRiskModel } from './persistence/read.ts';
export {
  RISK_MODEL_FILES,
  RISK_MODEL_FORMAT,
  RISK_MODEL_FORMAT_VERSION,
  type RiskModelFileEntry,
  type RiskModelMetadata,
  sha256File,
  type WriteRiskModelOptions,
  writeRiskModel,
} from './persistence/write.ts';
