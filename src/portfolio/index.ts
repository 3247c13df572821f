export type { EqualityConstraint, ReducedConstraints } from './constraints.ts';
export { dropDependentRows, neutralityConstraints } from './constraints.ts';
export type { CostCoefficients, CostModelParams } from './costs.ts';
export { costCoefficients, singleTradeCost, tradeCost } from './costs.ts';
export type {
  AdmmOptions,
  AdmmState,
  PortfolioProblem,
  PortfolioSolution,
  RiskOperator,
} from './optimizer.ts';
export { AdmmSolver, initialRho, portfolioObjective, solvePortfolio } from './optimizer.ts';
export { proxTradeCost } from './prox.ts';
export { SpectralRiskOperator } from './spectral-operator.ts';
export type { BandThresholds, Side } from './turnover.ts';
export {
  bandedSide,
  DEFAULT_BANDS,
  ewmaLambda,
  ewmaTowardTarget,
  rebalanceBucket,
  tradableByBucket,
} from './turnover.ts';
export type { VolTargetOptions, VolTargetSolution } from './vol-target.ts';
export { solveWithVolTarget } from './vol-target.ts';
