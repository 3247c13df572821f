/**
 * The research pipeline, seed 002 end to end (architecture.md §1): universe → signals and IC → weights →
 * composite → covariance estimates (five estimators plus the Fama–MacBeth model) → walk-forward portfolios →
 * evaluations, gates, baselines, assertions, overfitting statistics → report, with a run manifest. It holds no
 * maths of its own: every step is a call into the library.
 */

import {
  type AssertionResult,
  assertDates,
  assertForwardReturns,
  assertPortfolio,
} from '../backtest/assertions.ts';
import {
  type Evaluation,
  type ExposureSummary,
  evaluate,
  exposureSummary,
  type RollingExposure,
  rollingFactorExposures,
} from '../backtest/evaluate.ts';
import { evaluateGates, type GateResult } from '../backtest/gates.ts';
import {
  type DeflatedSharpe,
  deflatedSharpe,
  type PboResult,
  probabilityOfBacktestOverfitting,
  sharpeMoments,
} from '../backtest/overfitting.ts';
import { rebalanceSchedule } from '../backtest/simulate.ts';
import type { BackendName, ComputeBackend } from '../compute/index.ts';
import type { AlphalabConfig } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import { newRunId, silentLogger } from '../core/log.ts';
import type { Universe } from '../core/universe.ts';
import { type ResearchResult, runResearch, type SignalTierResult } from '../research/index.ts';
import type { SignalContext } from '../signals/index.ts';
import { type RunManifest, startManifest } from './manifest.ts';
import { type PortfolioStageResult, runPortfolioStage, signalsAtRebalances } from './walk-forward.ts';

export type PipelineStage = 'signals' | 'ic' | 'weights' | 'full';

export interface ResearchPipelineOptions {
  readonly universe: Universe;
  readonly config: AlphalabConfig;
  readonly until?: PipelineStage;
  readonly runId?: string;
  /** Compute backend for the signal tier: a name, or an instance such as `createBullmqBackend(...)`. */
  readonly backend?: BackendName | ComputeBackend;
  readonly workers?: number;
  readonly logger?: Logger;
  /** Progress of the long stages, for progress bars in the CLI. */
  readonly onProgress?: (stage: 'signals' | 'rebalances', done: number, total: number) => void;
}

export interface BookEvaluation {
  readonly name: string;
  readonly kind: 'portfolio' | 'baseline';
  readonly evaluation: Evaluation;
  readonly gates: readonly GateResult[];
  readonly assertions: readonly AssertionResult[];
  readonly exposures: ExposureSummary;
  readonly rolling: readonly RollingExposure[];
}

export interface Overfitting {
  /** Deflated Sharpe of the best portfolio over every portfolio configuration tried. */
  readonly dsr: DeflatedSharpe & { readonly strategy: string };
  readonly pbo: PboResult | undefined;
  readonly configurations: readonly string[];
  readonly signalVariantsTried: number;
}

export interface ResearchPipelineResult {
  readonly runId: string;
  readonly universe: Universe;
  readonly config: AlphalabConfig;
  readonly research: ResearchResult;
  readonly schedule: readonly number[];
  /**
   * Forward returns at each rebalance, per horizon (schedule.length × N, row k for schedule[k]). With a
   * portfolio stage, `research.tier.context` no longer holds the full forward panels (they are released
   * before the stage, as are its forward ranks, log returns, regressors and neutralised snapshots).
   */
  readonly forwardAtRebalances?: readonly Float64Array[];
  readonly portfolio?: PortfolioStageResult;
  readonly books?: readonly BookEvaluation[];
  readonly overfitting?: Overfitting;
  readonly dataAssertions: readonly AssertionResult[];
  readonly manifest: RunManifest;
}

/** Daily simple returns of the benchmark: the `market` series if present, else the equal-weight mean. */
export function benchmarkReturns(
  u: Universe,
  returns: Float64Array,
): { values: Float64Array; source: string } {
  const T = u.dates.length;
  const N = u.tickers.length;
  const level = u.series.get('market');
  const out = new Float64Array(T).fill(Number.NaN);
  if (level) {
    for (let t = 1; t < T; t++) out[t] = level[t]! / level[t - 1]! - 1;
    return { values: out, source: 'series:market' };
  }
  for (let t = 0; t < T; t++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < N; i++) {
      const r = returns[t * N + i]!;
      if (Number.isFinite(r)) {
        s += r;
        n++;
      }
    }
    if (n) out[t] = s / n;
  }
  return { values: out, source: 'equal-weight universe' };
}

/** Fama–French factor returns on the universe's dates, when the universe carries them (`ff:*` series). */
function factorSeries(u: Universe): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [name, s] of u.series) if (name.startsWith('ff:') && name !== 'ff:RF') out.set(name.slice(3), s);
  return out;
}

/** Rows `schedule` of every horizon's forward-return panel (schedule.length × N each). */
function forwardRowsAt(ctx: SignalContext, schedule: readonly number[]): Float64Array[] {
  const N = ctx.N;
  return ctx.forward.map((f) => {
    const out = new Float64Array(schedule.length * N);
    schedule.forEach((t, k) => out.set(f.subarray(t * N, (t + 1) * N), k * N));
    return out;
  });
}

/**
 * The tier without its per-day working panels — forward returns and their ranks, log returns, neutralisation
 * regressors (the betas stay, as `beta`) — and without its neutralised snapshots (the composite has been
 * formed from them), which nothing after that reads: ≈ 0.4 GB at the seed's full size.
 */
function releaseWorkingPanels(tier: SignalTierResult): SignalTierResult {
  const empty = new Float64Array(0);
  // `fwlBases` (the dates' neutralisation bases, ≈ 60 MB at full size) is only read by the signal tier.
  const { fwlBases: _bases, ...kept } = tier.context;
  const context: SignalContext = {
    ...kept,
    logReturn: empty,
    regressors: [],
    regressorNames: [],
    forward: [],
    forwardRank: [],
    forwardRankCount: [],
    forwardRankSS: [],
    ...(tier.context.forwardRank16 ? { forwardRank16: [] } : {}),
  };
  return { ...tier, context, snapshots: { rows: tier.snapshots.rows, values: new Float64Array(0) } };
}

export async function runResearchPipeline(options: ResearchPipelineOptions): Promise<ResearchPipelineResult> {
  const { universe: u, config } = options;
  const log = options.logger ?? silentLogger;
  const runId = options.runId ?? newRunId();
  const until = options.until ?? 'full';
  const manifest = startManifest({
    runId,
    command: `research --until ${until}`,
    config,
    universe: u,
    seeds: { synthetic: config.data.synthetic.seed },
  });
  const rc = config.research;
  const pc = config.portfolio;
  const T = u.dates.length;
  const schedule = rebalanceSchedule(
    T,
    Math.min(pc.warmup, Math.max(0, T - 2)),
    pc.rebalance_every,
    rc.execution_delay,
  );

  let t0 = performance.now();
  log.info({ stocks: u.tickers.length, days: T, until }, 'signal tier');
  let research = await runResearch(u, {
    until: until === 'full' ? 'weights' : until,
    horizons: rc.horizons,
    executionDelay: rc.execution_delay,
    betaWindow: rc.beta_window,
    betaMinObs: rc.beta_min_obs,
    winsorizeK: rc.winsorize_k,
    variants: rc.variants,
    minIcObs: rc.min_ic_obs,
    ic: {
      minCoverage: Math.min(rc.min_coverage, Math.max(10, Math.floor(0.5 * u.tickers.length))),
      quantiles: rc.quantiles,
      skips: rc.decay_skips,
    },
    snapshots: schedule.length ? schedule : { start: 0, every: Math.max(1, T) },
    shrinkage: rc.weight_shrinkage === 'oas' ? 'oas' : 'ledoit-wolf',
    compositePanel: false,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.onProgress
      ? {
          onProgress: (p: { done: number; total: number }) => options.onProgress!('signals', p.done, p.total),
        }
      : {}),
  });
  manifest.timingsMs.signalTier = performance.now() - t0;
  for (const note of research.tier.notes) log.info(note);
  let ctx = research.tier.context;
  const dataAssertions: AssertionResult[] = [
    ...assertDates(u.dates, u.tickers),
    ...ctx.horizons.map((h, k) =>
      assertForwardReturns(ctx.returns, ctx.forward[k]!, ctx.T, ctx.N, h, ctx.executionDelay),
    ),
  ];
  if (until !== 'full' || schedule.length === 0) {
    if (until === 'full')
      log.warn('too few dates for a walk-forward backtest: stopping after the signal tier');
    manifest.finishedAt = new Date().toISOString();
    return { runId, universe: u, config, research, schedule, dataAssertions, manifest };
  }

  // Memory: the portfolio stage needs the composite's inputs, returns, betas, sectors, prices and volumes;
  // the tier's per-day working panels are not read again (the report needs the forward returns at the
  // rebalances only). They are let go before the stage allocates its own, and the neutralised snapshots as
  // soon as the stage has formed the composite from them.
  t0 = performance.now();
  const forwardAtRebalances = forwardRowsAt(ctx, schedule);
  const signals = signalsAtRebalances(research.tier, config, schedule);
  research = { ...research, tier: releaseWorkingPanels(research.tier) };
  ctx = research.tier.context;
  const signalsMs = performance.now() - t0;

  t0 = performance.now();
  log.info({ rebalances: schedule.length, methods: config.risk.methods }, 'walk-forward portfolios');
  const portfolio = await runPortfolioStage({
    universe: u,
    tier: research.tier,
    signals,
    config,
    schedule,
    // the stage's tasks share large arrays with its threads, so it runs on local worker threads (also when
    // the signal tier went to BullMQ workers) or inline
    backend: options.backend === undefined || options.backend === 'inline' ? 'inline' : 'threads',
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.onProgress
      ? { onRebalance: (d: number, n: number) => options.onProgress!('rebalances', d, n) }
      : {}),
  });
  manifest.timingsMs.portfolios = performance.now() - t0 + signalsMs;
  for (const [k, v] of Object.entries(portfolio.timingsMs)) manifest.timingsMs[`portfolios.${k}`] = v;
  manifest.timingsMs['portfolios.weightsMs'] = signalsMs;
  for (const note of portfolio.notes) log.warn(note);

  t0 = performance.now();
  const bench = benchmarkReturns(u, ctx.returns);
  const factors = factorSeries(u);
  const exposureFactors = factors.size ? factors : new Map([['market', bench.values]]);
  const betaAt = (t: number) => ctx.beta.subarray(t * ctx.N, (t + 1) * ctx.N);
  const books: BookEvaluation[] = portfolio.books.map((b) => {
    const evaluation = evaluate(b.sim, bench.values);
    const r = b.sim.netReturns;
    return {
      name: b.name,
      kind: b.kind,
      evaluation,
      gates: evaluateGates(evaluation),
      assertions: assertPortfolio(b.sim, {
        ...(b.kind === 'portfolio'
          ? {
              box: pc.max_position,
              maxGross: pc.max_gross ?? pc.max_leverage,
              equalities: portfolio.constraintsAt,
              tolerance: 1e-4,
            }
          : {}),
      }),
      exposures: exposureSummary(b.sim, ctx.sectorOf, u.sectors, betaAt),
      rolling: [20, 60].map((wdw) => rollingFactorExposures(r, exposureFactors, wdw)),
    };
  });
  // Overfitting over the portfolio configurations this run tried (one per covariance method).
  const configs = books.filter((b) => b.kind === 'portfolio');
  const s0 = Math.max(...portfolio.books.map((b) => b.sim.firstActiveIndex));
  const Teval = T - s0;
  const best = configs.reduce(
    (a, b) => (b.evaluation.net.sharpe > a.evaluation.net.sharpe ? b : a),
    configs[0]!,
  );
  const bestBook = portfolio.books.find((b) => b.name === best.name)!;
  const trialSharpes = configs.map(
    (c) => sharpeMoments(portfolio.books.find((b) => b.name === c.name)!.sim.netReturns.subarray(s0)).sharpe,
  );
  const dsr = { ...deflatedSharpe(bestBook.sim.netReturns.subarray(s0), trialSharpes), strategy: best.name };
  let pbo: PboResult | undefined;
  if (configs.length >= 2 && Teval >= 32) {
    const M = new Float64Array(Teval * configs.length);
    configs.forEach((c, j) => {
      const r = portfolio.books.find((b) => b.name === c.name)!.sim.netReturns;
      for (let t = 0; t < Teval; t++) M[t * configs.length + j] = r[s0 + t]!;
    });
    pbo = probabilityOfBacktestOverfitting(M, Teval, configs.length, Teval >= 16 * 20 ? 16 : 8);
  }
  manifest.timingsMs.evaluation = performance.now() - t0;
  manifest.finishedAt = new Date().toISOString();
  return {
    runId,
    universe: u,
    config,
    research,
    schedule,
    forwardAtRebalances,
    portfolio,
    books,
    overfitting: {
      dsr,
      pbo,
      configurations: configs.map((c) => c.name),
      signalVariantsTried: research.tier.specs.length,
    },
    dataAssertions,
    manifest,
  };
}
