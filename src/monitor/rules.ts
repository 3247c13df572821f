/**
 * Alert rules are data: a YAML file (config `monitor.rules_file`) validated with zod, else the built-in
 * defaults, which encode seed 004's response matrix (docs/monitoring.md has the format and the matrix).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { SEVERITIES } from './types.ts';

const metricName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(:(\*|[A-Za-z0-9_.-]+))?$/, 'a metric name such as ic, sharpe_63d or psi:*');

const ruleSchema = z.strictObject({
  /** Stable rule id; also the `rule` column of the alerts table. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case rule name'),
  /** Metric read (see docs/monitoring.md); `psi:*` expands to one subject per feature. */
  metric: metricName,
  condition: z.enum(['below', 'above']),
  /** A number, or the name of another metric of the same day (e.g. `majority_rate`). */
  threshold: z.union([z.number().refine(Number.isFinite, 'must be finite'), metricName]),
  /** The condition must hold on this many consecutive monitored days, D included. */
  consecutive_days: z.number().int().positive().default(1),
  severity: z.enum(SEVERITIES),
  action: z.string().min(1),
  /** Rules of one group on one subject report only the most severe that fires; default: the metric's stem. */
  group: z.string().optional(),
  /** `alphalab daily --retrain` starts the training pipeline when a rule marked so fires. */
  retrain: z.boolean().default(false),
});

export const alertRulesSchema = z.strictObject({
  version: z.literal(1).default(1),
  rules: z.array(ruleSchema),
});

export type AlertRule = z.infer<typeof ruleSchema>;
export type AlertRules = z.infer<typeof alertRulesSchema>;
export type AlertRulesInput = z.input<typeof alertRulesSchema>;

/**
 * Seed 004's response matrix with the choices of docs/decisions/120-monitor-rules.md: IC streak rules read
 * the daily IC as the seed does, the one-day "IC < 0.01" reads the 5-batch mean (one day's IC has sd
 * ≈ 1/√N, so a single-day reading fires on healthy signals), Sharpe rules read the 63-day window
 * (methods.md §8: 5/20-day Sharpe thresholds are inside the sampling noise), PSI rules read each feature
 * with n ≥ psi_min_samples, and accuracy is compared with the majority-class rate (§9.9).
 */
export const DEFAULT_ALERT_RULES: AlertRulesInput = {
  version: 1,
  rules: [
    {
      name: 'ic_below_0_02_5d',
      metric: 'ic',
      condition: 'below',
      threshold: 0.02,
      consecutive_days: 5,
      severity: 'warning',
      action: 'check whether the feature calculations are correct',
      group: 'ic',
    },
    {
      name: 'ic_below_0_01',
      metric: 'ic_5d_avg',
      condition: 'below',
      threshold: 0.01,
      severity: 'severe',
      action: 'reduce position by 50%, start model diagnostics',
      group: 'ic',
    },
    {
      name: 'ic_negative_3d',
      metric: 'ic',
      condition: 'below',
      threshold: 0,
      consecutive_days: 3,
      severity: 'critical',
      action: 'pause the strategy, manual review',
      group: 'ic',
    },
    {
      name: 'psi_above_0_10',
      metric: 'psi:*',
      condition: 'above',
      threshold: 0.1,
      severity: 'warning',
      action: 'monitor subsequent changes',
    },
    {
      name: 'psi_above_0_25',
      metric: 'psi:*',
      condition: 'above',
      threshold: 0.25,
      severity: 'severe',
      action: 'trigger the retraining process',
      retrain: true,
    },
    {
      name: 'sharpe_below_0_5_10d',
      metric: 'sharpe_63d',
      condition: 'below',
      threshold: 0.5,
      consecutive_days: 10,
      severity: 'warning',
      action: 'check market conditions',
    },
    {
      name: 'sharpe_negative_5d',
      metric: 'sharpe_63d',
      condition: 'below',
      threshold: 0,
      consecutive_days: 5,
      severity: 'severe',
      action: 'reduce position, prepare for retraining',
      retrain: true,
    },
    {
      name: 'accuracy_below_majority',
      metric: 'accuracy',
      condition: 'below',
      threshold: 'majority_rate',
      severity: 'warning',
      action: 'review the model: it does no better than predicting the most frequent class',
    },
    {
      name: 'model_stale',
      metric: 'model_age_days',
      condition: 'above',
      threshold: 14,
      severity: 'warning',
      action: 'retrain the model',
      retrain: true,
    },
  ],
};

function describe(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates a rules document; InvalidInputError naming the file and the bad key. Names must be unique. */
export function parseAlertRules(doc: unknown, source = 'rules'): AlertRules {
  const r = alertRulesSchema.safeParse(doc ?? {});
  if (!r.success)
    throw new InvalidInputError(`invalid alert rules: ${describe(r.error, source)}`, {
      where: { file: source },
    });
  const seen = new Set<string>();
  for (const rule of r.data.rules) {
    if (seen.has(rule.name))
      throw new InvalidInputError(`alert rule '${rule.name}' is defined twice`, { where: { file: source } });
    seen.add(rule.name);
    if (typeof rule.threshold === 'string' && rule.threshold.endsWith(':*'))
      throw new InvalidInputError(`rule '${rule.name}': a threshold metric cannot be a wildcard`, {
        where: { file: source },
      });
  }
  return r.data;
}

/**
 * The rules in force: the YAML file when given, else the defaults. `staleness_days` (config
 * `ml.model_staleness_days`) replaces the default staleness threshold of 14 days.
 */
export function loadAlertRules(file?: string, options: { stalenessDays?: number } = {}): AlertRules {
  if (file === undefined) {
    const rules = parseAlertRules(DEFAULT_ALERT_RULES, 'built-in rules');
    if (options.stalenessDays === undefined) return rules;
    return {
      ...rules,
      rules: rules.rules.map((r) =>
        r.name === 'model_stale' ? { ...r, threshold: options.stalenessDays! } : r,
      ),
    };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidInputError('cannot read the alert rules file', { where: { file }, cause });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new InvalidInputError(`the alert rules file is not valid YAML: ${(cause as Error).message}`, {
      where: { file },
      cause,
    });
  }
  return parseAlertRules(doc, file);
}
