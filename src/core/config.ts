/**
 * Configuration flows one way (style.md habit 8): YAML file → zod schema with defaults taken from the seeds
 * → environment overrides `ALPHALAB_<SECTION>__<KEY>` → CLI overrides → frozen. Keys are snake_case, as in
 * the seeds (`ml.prediction_horizon`). The effective config is written into every run manifest.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError } from './errors.ts';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const prob = z.number().min(0).max(1);

const synthetic = z
  .strictObject({
    stocks: posInt.default(1500),
    days: posInt.default(2520),
    sectors: posInt.max(64).default(11),
    seed: z.number().int().default(42),
    start: z.string().default('2015-01-01'),
  })
  .prefault({});

const data = z
  .strictObject({
    /** A universe directory; when absent the synthetic market below is generated. */
    universe: z.string().optional(),
    synthetic,
  })
  .prefault({});

const research = z
  .strictObject({
    horizons: z.array(posInt).nonempty().default([1, 5, 21, 63]),
    /** Execution delay d in bars (architecture.md §4). */
    execution_delay: nonNegInt.default(1),
    variants: posInt.max(50).default(10),
    /** Minimum stocks for a daily IC (seed 002). */
    min_coverage: posInt.default(252),
    /** Minimum valid IC values for summary statistics (seed 002). */
    min_ic_obs: posInt.default(60),
    winsorize_k: z.number().positive().default(3),
    beta_window: posInt.default(60),
    beta_min_obs: posInt.default(45),
    decay_skips: z.array(nonNegInt).default([0, 1, 3, 5, 10, 20]),
    quantiles: posInt.default(5),
    /** Shrinkage of the IC correlation matrix in signal weighting (methods.md §4). */
    weight_shrinkage: z.enum(['ledoit_wolf', 'oas']).default('ledoit_wolf'),
  })
  .prefault({});

const risk = z
  .strictObject({
    lookback: posInt.default(504),
    pca_factors: posInt.default(15),
    methods: z
      .array(z.enum(['sample', 'ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca', 'fama_macbeth']))
      .default(['sample', 'ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca', 'fama_macbeth']),
    min_dates: posInt.default(60),
    min_tickers: posInt.default(30),
  })
  .prefault({});

const costs = z
  .strictObject({
    half_spread_bps: z.number().nonnegative().default(5),
    fee_bps: z.number().nonnegative().default(1),
    impact_y: z.number().nonnegative().default(1),
    nav: z.number().positive().default(100_000_000),
  })
  .prefault({});

const turnover = z
  .strictObject({
    /** Staggered rebalance buckets by FNV-1a (seed 001 P1.3); 0 or 1 disables. */
    buckets: nonNegInt.default(0),
    bands: z.boolean().default(false),
    band_enter: prob.default(0.9),
    band_exit: prob.default(0.85),
    /** EWMA half-life in rebalances; 0 disables. */
    ewma_halflife: z.number().nonnegative().default(0),
  })
  .prefault({});

const portfolio = z
  .strictObject({
    /** Risk aversion γ in αᵀw − (γ/2) wᵀΣw (methods.md §7; seed 002's λ = γ/2). */
    gamma: z.number().positive().default(4),
    /** Linear trading penalty κ per unit of |Δw|. */
    kappa: z.number().nonnegative().default(0.0005),
    max_position: z.number().positive().default(0.005),
    max_gross: z.number().positive().optional(),
    target_vol: z.number().positive().default(0.1),
    /**
     * How the volatility target binds (methods.md §7): `target` puts every book's ex-ante volatility on it from
     * either side by choosing γ (seed 002's scaling, done inside the optimiser; when the limits cap the risk
     * below it, the book takes 99 % of what they allow); `cap` keeps the configured γ and only raises it for a
     * book whose risk would exceed the target — the target as the constraint w′Σw ≤ σ*²/252.
     */
    vol_target_mode: z.enum(['target', 'cap']).default('target'),
    max_leverage: z.number().positive().default(3),
    sector_neutral: z.boolean().default(true),
    beta_neutral: z.boolean().default(true),
    dollar_neutral: z.boolean().default(true),
    rebalance_every: posInt.default(21),
    warmup: nonNegInt.default(252),
    costs,
    turnover,
  })
  .prefault({});

const xgbParams = z
  .strictObject({
    n_estimators: posInt.default(300),
    max_depth: posInt.default(6),
    learning_rate: z.number().positive().default(0.05),
    subsample: z.number().gt(0).max(1).default(0.8),
    colsample_bytree: z.number().gt(0).max(1).default(0.8),
    min_child_weight: z.number().nonnegative().default(5),
    reg_lambda: z.number().nonnegative().default(1),
    gamma: z.number().nonnegative().default(0),
    max_bin: posInt.max(256).default(256),
    early_stopping_rounds: nonNegInt.default(30),
    objective: z.literal('multi:softprob').default('multi:softprob'),
    num_class: z.literal(3).default(3),
    eval_metric: z.literal('mlogloss').default('mlogloss'),
  })
  .prefault({});

const ml = z
  .strictObject({
    prediction_horizon: posInt.default(5),
    /**
     * What the three classes are cut from (src/ml/target.ts): seed 003's `absolute` forward return, or the
     * forward return minus the equal-weighted cross-sectional mean of the same window (`market_relative`,
     * the default — docs/decisions/067).
     */
    target: z.enum(['absolute', 'market_relative']).default('market_relative'),
    up_threshold: z.number().default(0.01),
    down_threshold: z.number().default(-0.01),
    min_training_samples: posInt.default(500),
    retrain_interval_days: posInt.default(7),
    model_staleness_days: posInt.default(14),
    confidence_threshold: prob.default(0.55),
    min_hold_days: posInt.default(3),
    kelly_fraction: prob.default(0.25),
    max_position_size: prob.default(0.05),
    train_months: posInt.default(24),
    test_months: posInt.default(6),
    step_months: posInt.default(3),
    tuning_trials: nonNegInt.default(30),
    promote_margin: z.number().default(0.0),
    model_name: z.string().default('ml_signal'),
    xgb_params: xgbParams,
  })
  .prefault({});

const monitor = z
  .strictObject({
    rules_file: z.string().optional(),
    webhook_url: z.string().optional(),
    webhook_timeout_ms: posInt.default(5000),
    webhook_retries: nonNegInt.default(3),
    redis_stream: z.string().optional(),
    psi_min_samples: posInt.default(500),
    accuracy_window: posInt.default(100),
  })
  .prefault({});

const store = z
  .strictObject({
    /** Workspace folder holding the DuckDB file and the artifact store. */
    workspace: z.string().default('.alphalab'),
    /** PostgreSQL URL; when set, PostgreSQL is used instead of DuckDB. */
    db_url: z.string().optional(),
  })
  .prefault({});

const compute = z
  .strictObject({
    backend: z.enum(['inline', 'threads', 'bullmq']).default('threads'),
    workers: posInt.optional(),
    redis_url: z.string().optional(),
  })
  .prefault({});

const server = z
  .strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8737),
    token: z.string().optional(),
  })
  .prefault({});

const schedule = z
  .strictObject({
    risk_build: z.string().default('0 2 * * 6'),
    retrain: z.string().default('0 2 * * 0'),
    monitor: z.string().default('0 6 * * 1-5'),
  })
  .prefault({});

export const configSchema = z.strictObject({
  data,
  research,
  risk,
  portfolio,
  ml,
  monitor,
  store,
  compute,
  server,
  schedule,
});

export type AlphalabConfig = z.infer<typeof configSchema>;
/** The shape a user writes: every key optional. */
export type AlphalabConfigInput = z.input<typeof configSchema>;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let k = 0; k < path.length - 1; k++) {
    const key = path[k]!;
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next))
      node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Reads `ALPHALAB_<SECTION>__<KEY>[__<SUBKEY>]` variables into a nested object; values are YAML scalars. */
export function environmentOverrides(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith('ALPHALAB_') || !name.includes('__')) continue;
    const path = name
      .slice('ALPHALAB_'.length)
      .split('__')
      .map((p) => p.toLowerCase());
    if (path.some((p) => p.length === 0)) continue;
    setPath(out, path, parseYaml(raw) as Json);
  }
  if (env.ALPHALAB_DB_URL) setPath(out, ['store', 'db_url'], env.ALPHALAB_DB_URL);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars in `b` replace those in `a`. */
export function mergeConfig(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeConfig(prev, v) : v;
  }
  return out;
}

function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export interface LoadConfigOptions {
  /** Path of a YAML file; when absent, `alphalab.yaml` in the working directory is used if it exists. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides from CLI flags, applied last. */
  readonly overrides?: Record<string, unknown>;
}

/** Validates a config object (file contents + overrides) and returns the frozen, defaulted config. */
export function resolveConfig(input: unknown, source = 'config'): AlphalabConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success)
    throw new InvalidInputError(`invalid configuration: ${describeIssues(parsed.error, source)}`);
  return deepFreeze(parsed.data);
}

/** File → environment → CLI overrides → validated, frozen config. */
export function loadConfig(options: LoadConfigOptions = {}): AlphalabConfig {
  let fromFile: Record<string, unknown> = {};
  let source = 'defaults';
  const file = options.file ?? (fileExists('alphalab.yaml') ? 'alphalab.yaml' : undefined);
  if (file) {
    source = file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new InvalidInputError(`cannot read the configuration file`, { where: { file }, cause });
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (cause) {
      throw new InvalidInputError(`the configuration file is not valid YAML: ${(cause as Error).message}`, {
        where: { file },
        cause,
      });
    }
    if (doc !== null && doc !== undefined && !isPlainObject(doc)) {
      throw new InvalidInputError('the configuration file must hold a mapping of sections', {
        where: { file },
      });
    }
    fromFile = (doc as Record<string, unknown> | null) ?? {};
  }
  const merged = mergeConfig(
    mergeConfig(fromFile, environmentOverrides(options.env ?? process.env)),
    options.overrides ?? {},
  );
  return resolveConfig(merged, `${source} + environment + flags`);
}

function fileExists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The default configuration (seed defaults), frozen. */
export function defaultConfig(): AlphalabConfig {
  return resolveConfig({});
}
