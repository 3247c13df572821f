export {
  type GbdtSearchData,
  gbdtParamsFromSearch,
  SEED003_SEARCH_SPACE,
  type TuneGbdtOptions,
  type TuneGbdtResult,
  tuneGbdt,
} from './gbdt-search.ts';
export { erfc, logGaussMass, logNormalCdf, logNormalPdf, normalCdf, normalPpf } from './normal.ts';
export {
  buildParzenEstimator,
  logPdfParzen,
  type ParzenEstimator,
  sampleParzen,
  tpeGamma,
  tpeObservationWeights,
} from './parzen.ts';
export {
  checkSearchSpace,
  type ParamSpec,
  type ParamValues,
  type TpeOptions,
  type TpeResult,
  TpeSampler,
  type Trial,
  tpeMinimize,
} from './tpe.ts';
