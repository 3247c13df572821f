export {
  type GrownTree,
  type GrowParams,
  MIN_SPLIT_GAIN_EPS,
  partitionRowsStable,
  TreeGrower,
} from './grow.ts';
export {
  accumulateEightFeatureHistograms,
  accumulateFeatureHistogram,
  accumulateFeatureHistogramGathered,
  accumulateFourFeatureHistograms,
  gatherGradients,
  subtractHistogramRange,
} from './histogram.ts';
export {
  GBDT_FORMAT,
  GBDT_FORMAT_VERSION,
  type GbdtModelJson,
  type GbdtTreeJson,
  gbdtToJson,
  loadGbdt,
  saveGbdt,
} from './json.ts';
export { checkFeatureMatrix, type FeatureMatrix, featureMatrixFromRows, selectRows } from './matrix.ts';
export { type FeatureImportance, GbdtModel, type GbdtTrainingInfo } from './model.ts';
export { HESSIAN_FLOOR, logPriorIntercept, softmaxGradients, softmaxRowsInPlace } from './objective.ts';
export { DEFAULT_GBDT_PARAMS, type GbdtParams, gbdtParamsFromConfig, resolveGbdtParams } from './params.ts';
export {
  addForestMargins,
  addForestMarginsJs,
  addForestMarginsKeyed,
  type FlatForest,
  flattenForest,
} from './predict.ts';
export {
  type BinCuts,
  type BinnedMatrix,
  binMatrix,
  featureCutsFromDistinct,
  numBins,
  radixSortFloat32,
  searchBin,
  sentinelCut,
  sketchCuts,
  transposeToFloat32Columns,
} from './quantize.ts';
export {
  emptyCandidate,
  evaluateFeatureSplits,
  leafWeight,
  nodeGain,
  type SplitCandidate,
  type SplitParams,
  thresholdL1,
} from './split.ts';
export { type GbdtEvalSet, type TrainGbdtOptions, trainGbdt } from './train.ts';
export { type Tree, treeLeafValue, treeNodeCount } from './tree.ts';
export { forestRowKeys, MAX_WASM_PREDICT_DEPTH } from './wasm-predict.ts';
