/** Drift monitoring, alert rules, sinks and the daily operations job (seed 004 §4, seed 003 monitoring). */
export {
  activeModelStatus,
  type DailyJobOptions,
  type DailyJobResult,
  type FeatureFreshness,
  type FreshnessOptions,
  featureFreshness,
  type ModelStatus,
  runDailyJob,
} from './daily-job.ts';
export { conditionHolds, evaluateRules, type MetricDay, worseSeverity, worstSeverity } from './evaluate.ts';
export {
  accuracyAgainstMajority,
  computeDriftMetrics,
  DEFAULT_DRIFT_METRIC_OPTIONS,
  type DriftMetricOptions,
  driftMetricOptionsFromConfig,
  featurePsi,
  resolvedBatches,
  sharpeAt,
} from './metrics.ts';
export {
  type AlertRule,
  type AlertRules,
  type AlertRulesInput,
  alertRulesSchema,
  DEFAULT_ALERT_RULES,
  loadAlertRules,
  parseAlertRules,
} from './rules.ts';
export {
  decisionLine,
  exitCodeForSeverity,
  type MonitorDayOptions,
  type MonitorDayResult,
  metricsDetails,
  runMonitorDay,
  SEVERITY_EXIT_CODES,
} from './run-day.ts';
export {
  type AlertNotice,
  type AlertSink,
  alertJson,
  deliverAlerts,
  logSink,
  type RedisStreamSinkOptions,
  redisStreamSink,
  type SinkOutcome,
  type WebhookSinkOptions,
  webhookSink,
} from './sinks.ts';
export {
  type DeployedModel,
  type DriftInput,
  type DriftMetrics,
  type FeaturePsi,
  type FeatureSample,
  type MetricMap,
  type MonitorAlert,
  type PredictionBatch,
  SEVERITIES,
  type Severity,
  type StrategyReturns,
} from './types.ts';
export { type UniverseSourceOptions, universeDriftInput } from './universe-source.ts';
