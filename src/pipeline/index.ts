export { gitSha, type RunManifest, startManifest, universeFingerprint } from './manifest.ts';
export { type ResearchOutputPaths, writeResearchOutputs } from './outputs.ts';
export {
  type BookEvaluation,
  benchmarkReturns,
  type Overfitting,
  type PipelineStage,
  type ResearchPipelineOptions,
  type ResearchPipelineResult,
  runResearchPipeline,
} from './research.ts';
export { buildResearchReport } from './research-report.ts';
export {
  decidePromotion,
  runTrainingPipeline,
  type TrainingPipelineOptions,
  type TrainingResult,
  type TrainingStage,
} from './training.ts';
export {
  type BookProblem,
  type BookSolution,
  type PortfolioStageInput,
  type PortfolioStageResult,
  type RebalanceRecord,
  type RebalanceSignals,
  runPortfolioStage,
  type SolveRecord,
  type StrategyBook,
  signalsAtRebalances,
  solveBook,
} from './walk-forward.ts';
export { type RiskOperatorSpec, riskOperatorFrom, windowEstimates } from './walk-forward-covariance.ts';
