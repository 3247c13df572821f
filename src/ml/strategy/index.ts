/** MLSignalStrategy: signals, Kelly sizing, minimum holding period, backtest adapter, registry bundle. */
export { type FeatureSource, featureSetSource, mlStrategyDecide } from './backtest.ts';
export {
  ARTIFACT_TYPES,
  calibratorFromJson,
  calibratorToJson,
  loadActiveModelBundle,
  loadModelBundle,
  payoffsFromJson,
  payoffsToJson,
} from './bundle.ts';
export { classPayoffs, kellyFractionDiscrete, suggestedPositionSize } from './kelly.ts';
export {
  type MLModelBundle,
  type MLSignal,
  MLSignalStrategy,
  type MLStrategyOptions,
  mlStrategyOptionsFromConfig,
  PositionBook,
  type SignalDirection,
} from './strategy.ts';
