export {
  accuracy,
  argmaxRow,
  checkProbLabels,
  confusionMatrix,
  LOG_LOSS_EPS,
  multiclassLogLoss,
  multiclassLogLossKernel,
  predictedClasses,
} from './metrics.ts';
export { arraySplitBounds, type Fold, type PurgedKFoldOptions, purgedKFold } from './purged-kfold.ts';
export {
  addMonths,
  type IndexRange,
  type InnerSplit,
  innerValidationSplit,
  lowerBoundDate,
  purgeLength,
  rowsInDateRange,
  type WalkForwardOptions,
  type WalkForwardWindow,
  walkForwardWindows,
} from './walk-forward.ts';
