/**
 * The narrow interface the drift monitor reads (seed 004 §4, seed 003 "Model Monitoring"): one strategy's
 * predictions with their horizon and later-resolved outcomes, its daily returns, feature samples today vs
 * the training baseline, and the deployed model. Anything that can produce these plugs in — the universe
 * adapter (universe-source.ts) for MLSignalStrategy, or a test's simulated market.
 */

/** One decision date's predictions over a cross-section of names. */
export interface PredictionBatch {
  /** Decision date s (ISO). */
  readonly date: string;
  /** Prediction horizon h in bars. */
  readonly horizon: number;
  /**
   * First date (ISO) on which the realised outcomes are known (s + d + h bars). Before it the batch is
   * unresolved and is never scored (methods.md §9.9).
   */
  readonly resolvesOn: string;
  /** The signal per name (e.g. P(UP) − P(DOWN)); NaN = no prediction for that name. */
  readonly score: Float64Array;
  /** Predicted class per name (0 DOWN, 1 FLAT, 2 UP); NaN = none. */
  readonly predictedClass: Float64Array;
  /** Realised forward return per name over the horizon; NaN while unresolved or missing. */
  readonly realisedReturn: Float64Array;
  /** Realised class per name; NaN while unresolved or missing. */
  readonly realisedClass: Float64Array;
}

/** A strategy's daily net returns, oldest first, up to and including the monitored date. */
export interface StrategyReturns {
  readonly dates: readonly string[];
  readonly values: Float64Array;
}

/** One feature's training baseline and today's sample (NaN = missing, counted in PSI's missing bin). */
export interface FeatureSample {
  readonly name: string;
  readonly baseline: Float64Array;
  readonly current: Float64Array;
}

/** The deployed model version. */
export interface DeployedModel {
  readonly name: string;
  readonly version: number;
  /** Registration time, epoch ms. */
  readonly createdAtMs: number;
}

/** Everything the monitor needs for one strategy on one date. */
export interface DriftInput {
  /** The monitored date D (ISO). */
  readonly date: string;
  readonly strategyId: string;
  /** Prediction batches, oldest first; only those with resolvesOn ≤ D are scored. */
  readonly predictions: readonly PredictionBatch[];
  readonly returns: StrategyReturns;
  readonly features: readonly FeatureSample[];
  readonly model: DeployedModel | null;
}

/** Alert severities, mildest first (the alerts table also knows 'info'). */
export const SEVERITIES = ['info', 'warning', 'severe', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Flat metric name → value map of one day (NaN = no data). Per-feature PSI is `psi:<feature>`. */
export type MetricMap = Readonly<Record<string, number>>;

/** PSI of one feature with the sample sizes that decide whether it may alert. */
export interface FeaturePsi {
  readonly feature: string;
  /** PSI (methods.md §9.8); NaN if either sample is empty. */
  readonly psi: number;
  readonly baselineCount: number;
  readonly currentCount: number;
  /** n_e and n_a both ≥ psi_min_samples: only then is the PSI a metric rules may read. */
  readonly eligible: boolean;
}

/** The day's drift metrics (NaN = no data, never 0; methods.md §0). */
export interface DriftMetrics {
  readonly date: string;
  readonly strategyId: string;
  /** Rank IC of the batch resolving on D (NaN if none resolves on D or too few names). */
  readonly ic: number;
  /** Decision date of that batch, or null. */
  readonly icBatchDate: string | null;
  /** Names in that IC. */
  readonly icCount: number;
  /** Mean rank IC of the last 5 resolved batches; NaN unless all 5 are defined. */
  readonly ic5dAvg: number;
  /** Rolling Sharpe (annualised) and Lo's standard error for each window (5, 20, 63 by default). */
  readonly sharpe: readonly { readonly window: number; readonly value: number; readonly se: number }[];
  /** Accuracy of the last N resolved predictions, the majority-class rate of the same N outcomes, and N. */
  readonly accuracy: number;
  readonly majorityRate: number;
  readonly accuracyCount: number;
  readonly psi: readonly FeaturePsi[];
  /** Largest eligible PSI (NaN if none is eligible). */
  readonly psiMax: number;
  /** Calendar days from the model's registration to the close of D; NaN without a model. */
  readonly modelAgeDays: number;
  /** The flat map rules read. */
  readonly values: MetricMap;
}

/** An alert raised by a rule on one day. */
export interface MonitorAlert {
  readonly date: string;
  readonly strategyId: string;
  readonly rule: string;
  readonly severity: Severity;
  /** The metric read, with its subject for per-feature rules (`psi:ret_5d`). */
  readonly metric: string;
  readonly value: number;
  readonly threshold: number;
  /** How far beyond the threshold the value is, ≥ 0 (threshold − value for 'below', value − threshold for 'above'). */
  readonly distance: number;
  /** Consecutive monitored days, including D, on which the condition held. */
  readonly consecutive: number;
  readonly action: string;
  /** The rule asks for retraining (`alphalab daily --retrain` acts on it). */
  readonly retrain: boolean;
  readonly message: string;
}
