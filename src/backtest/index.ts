export type { AssertionResult, PortfolioLimits } from './assertions.ts';
export { assertDates, assertForwardReturns, assertPortfolio } from './assertions.ts';
export type { BaselineSpec } from './baselines.ts';
export { decileBook, MOMENTUM_BASELINE, VALUE_BASELINE } from './baselines.ts';
export type { Evaluation, ExposureSummary, PerformanceSummary, RollingExposure } from './evaluate.ts';
export { evaluate, exposureSummary, rollingFactorExposures } from './evaluate.ts';
export type { GateConfig, GateResult } from './gates.ts';
export { DEFAULT_GATES, evaluateGates } from './gates.ts';
export type { DeflatedSharpe, PboResult, SharpeMoments } from './overfitting.ts';
export {
  deflatedSharpe,
  expectedMaxSharpe,
  probabilisticSharpe,
  probabilityOfBacktestOverfitting,
  sharpeMoments,
} from './overfitting.ts';
export type {
  Decision,
  MultiSimulationInput,
  Rebalance,
  SimulationInput,
  SimulationResult,
} from './simulate.ts';
export { rebalanceSchedule, simulateBooks, simulateWalkForward } from './simulate.ts';
export type { PointInTimeView } from './view.ts';
export { pointInTimeView } from './view.ts';
