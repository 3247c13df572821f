/**
 * The research pipeline at full size (issue 6's target: 1500 stocks × 2520 days in ≤ 20 s wall and ≤ 1.5 GB)
 * and its walk-forward portfolio stage alone, with the per-stage split in the extra metrics. CPU time is
 * process time (worker threads included), so with the machine shared, cpuS is the honest cost of a run.
 */
import { loadavg } from 'node:os';
import { rebalanceSchedule } from '../src/backtest/simulate.ts';
import { type AlphalabConfig, resolveConfig } from '../src/core/config.ts';
import type { Panel } from '../src/core/panel.ts';
import type { Universe } from '../src/core/universe.ts';
import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { runResearchPipeline } from '../src/pipeline/research.ts';
import { runPortfolioStage, signalsAtRebalances } from '../src/pipeline/walk-forward.ts';
import { windowEstimates } from '../src/pipeline/walk-forward-covariance.ts';
import { WalkForwardFactorModel } from '../src/pipeline/walk-forward-factor-model.ts';
import { runResearch, type SignalTierResult } from '../src/research/index.ts';
import { CovarianceWindow } from '../src/risk/covariance/window.ts';
import { defaultLoadings, logReturnsFromUniverse } from '../src/risk/factor-model/loadings.ts';
import { defineBenchmarks } from './harness.ts';

const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

function setupMarket(stocks: number, days: number): { universe: Universe; config: AlphalabConfig } {
  const config = resolveConfig({ data: { synthetic: { stocks, days } } });
  return { universe: generateSyntheticMarket({ stocks, days, shared: true }).universe, config };
}

/** The schedule and signal tier exactly as runResearchPipeline builds them (untimed setup of the stage case). */
async function tierFor(universe: Universe, config: AlphalabConfig) {
  const rc = config.research;
  const pc = config.portfolio;
  const T = universe.dates.length;
  const schedule = rebalanceSchedule(
    T,
    Math.min(pc.warmup, Math.max(0, T - 2)),
    pc.rebalance_every,
    rc.execution_delay,
  );
  const research = await runResearch(universe, {
    until: 'weights',
    horizons: rc.horizons,
    executionDelay: rc.execution_delay,
    betaWindow: rc.beta_window,
    betaMinObs: rc.beta_min_obs,
    winsorizeK: rc.winsorize_k,
    variants: rc.variants,
    minIcObs: rc.min_ic_obs,
    ic: {
      minCoverage: Math.min(rc.min_coverage, Math.max(10, Math.floor(0.5 * universe.tickers.length))),
      quantiles: rc.quantiles,
      skips: rc.decay_skips,
    },
    snapshots: schedule,
    shrinkage: rc.weight_shrinkage === 'oas' ? 'oas' : 'ledoit-wolf',
    compositePanel: false,
    backend: 'threads',
    workers: 2,
  });
  return { universe, config, schedule, tier: research.tier };
}

function portfolioStage(
  stocks: number,
  days: number,
  target?: string,
  backend: 'threads' | 'inline' = 'threads',
) {
  return {
    name: `pipeline.portfolio.${stocks}x${days}${backend === 'inline' ? '.inline' : ''}`,
    size: `${stocks}x${days}, 7 risk models + 2 baselines, rebalance every 21 days, ${backend === 'inline' ? 'inline' : '2 worker threads'}`,
    ...(target ? { target } : {}),
    setup: () => {
      const { universe, config } = setupMarket(stocks, days);
      return tierFor(universe, config);
    },
    async run(s: { universe: Universe; config: AlphalabConfig; schedule: number[]; tier: SignalTierResult }) {
      const cpu0 = process.cpuUsage();
      const res = await runPortfolioStage({ ...s, backend, workers: 2 });
      const cpuS = cpuSeconds(process.cpuUsage(cpu0));
      const solves = res.records.flatMap((r) => r.solves);
      return {
        ...Object.fromEntries(Object.entries(res.timingsMs).map(([k, v]) => [k, v])),
        cpuS,
        load1: loadavg()[0]!,
        rebalances: res.records.length,
        solvesPerRebalance: solves.reduce((a, x) => a + x.solves, 0) / Math.max(1, res.records.length),
        admmIterationsPerRebalance:
          solves.reduce((a, x) => a + x.totalIterations, 0) / Math.max(1, res.records.length),
        failedSolves: solves.filter((x) => x.status !== 'ok' && x.status !== 'no-model').length,
      };
    },
  };
}

function wholePipeline(stocks: number, days: number, target?: string) {
  return {
    name: `pipeline.research.${stocks}x${days}.threads2`,
    size: `${stocks}x${days}, default config, signals → report tables`,
    ...(target ? { target } : {}),
    setup: () => setupMarket(stocks, days),
    async run(s: { universe: Universe; config: AlphalabConfig }) {
      const cpu0 = process.cpuUsage();
      const res = await runResearchPipeline({ ...s, backend: 'threads', workers: 2 });
      const cpuS = cpuSeconds(process.cpuUsage(cpu0));
      const timings = Object.fromEntries(
        Object.entries(res.manifest.timingsMs).map(([k, v]) => [`${k.replace('portfolios.', 'pf.')}`, v]),
      );
      return { ...timings, cpuS, load1: loadavg()[0]!, rebalances: res.schedule.length };
    },
  };
}

/**
 * The window estimates of one rebalance as the portfolio stage computes them (slide and shareable parts on the
 * main thread, then `windowEstimates` on the rebuilt window for the six window methods), on the synthetic
 * market's returns at full size.
 */
function rebalanceEstimates(stocks: number, days: number, rebalances: number) {
  return {
    name: `pipeline.estimates.${stocks}x${days}`,
    size: `${stocks} stocks, 504-day window slid 21 days, ${rebalances} rebalances, 6 estimators`,
    target: 'per-rebalance covariance cost of the portfolio stage',
    setup: () => {
      const { universe } = setupMarket(stocks, days);
      const returns = universe.panels.get('return')!;
      // Warm up on an earlier full-size window (untimed): two slides and one set of estimates, so that the
      // timed rebalances run compiled code, as all but the first few of the stage's 108 rebalances do.
      const warm = (end: number) => ({ lookback: 504, end, minHistory: Math.ceil(0.9 * 504) });
      let w = CovarianceWindow.fromPanel(returns, warm(1000));
      w.crossProduct();
      for (const end of [1021, 1042]) {
        w = w.slide(returns, warm(end));
        w.crossProduct();
      }
      windowEstimates(CovarianceWindow.fromParts(w.shareableParts()), ESTIMATORS, {
        pcaFactors: 15,
        diagnostics: false,
      });
      return returns;
    },
    run(returns: Panel) {
      const opts = (end: number) => ({ lookback: 504, end, minHistory: Math.ceil(0.9 * 504) });
      let w = CovarianceWindow.fromPanel(returns, opts(days - 1 - 21 * rebalances));
      w.crossProduct();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let slideMs = 0;
      for (let r = rebalances - 1; r >= 0; r--) {
        const s0 = performance.now();
        w = w.slide(returns, opts(days - 1 - 21 * r));
        w.crossProduct();
        // what the stage posts to the estimates task (walk-forward.ts), rebuilt there with fromParts
        const parts = w.shareableParts();
        slideMs += performance.now() - s0;
        windowEstimates(CovarianceWindow.fromParts(parts), ESTIMATORS, {
          pcaFactors: 15,
          diagnostics: false,
        });
      }
      return {
        msPerRebalance: (performance.now() - t0) / rebalances,
        cpuMsPerRebalance: (cpuSeconds(process.cpuUsage(c0)) * 1e3) / rebalances,
        slideMsPerRebalance: slideMs / rebalances,
        T: w.T,
        p: w.p,
        load1: loadavg()[0]!,
      };
    },
  };
}

/**
 * The stage's serial start on the main thread, one part at a time (single-threaded, so cpuS is this thread's):
 * the horizon and signal weights as of every rebalance (decision 160; the weighting's cost depends on the
 * signals and dates, not on the stock count, so the tier is built small), and the walk-forward Fama–MacBeth
 * model — loadings, set-up and the fit of every rebalance (decisions 151, 161).
 */
function rebalanceWeights(stocks: number, days: number) {
  return {
    name: `pipeline.weights.${stocks}x${days}`,
    size: `${stocks}x${days}, 4 horizons × every rebalance (110 signals)`,
    target: 'weightsMs ≤ 1 s',
    setup: () => {
      const { universe, config } = setupMarket(stocks, days);
      return tierFor(universe, config);
    },
    run(s: { config: AlphalabConfig; schedule: number[]; tier: SignalTierResult }) {
      const cpu0 = process.cpuUsage();
      const signals = signalsAtRebalances(s.tier, s.config, s.schedule);
      return {
        cpuS: cpuSeconds(process.cpuUsage(cpu0)),
        load1: loadavg()[0]!,
        rebalances: signals.choices.size,
      };
    },
  };
}

function walkForwardFactorModel(stocks: number, days: number) {
  return {
    name: `pipeline.factor-model.${stocks}x${days}`,
    size: `${stocks}x${days}, default loadings, 504-day window at every rebalance`,
    target: 'factor model ≤ 1.5 s on the main thread',
    setup: () => {
      const { universe, config } = setupMarket(stocks, days);
      const pc = config.portfolio;
      const T = universe.dates.length;
      const schedule = rebalanceSchedule(T, Math.min(pc.warmup, T - 2), pc.rebalance_every, 1);
      return { universe, config, schedule };
    },
    run(s: { universe: Universe; config: AlphalabConfig; schedule: number[] }) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const logReturns = logReturnsFromUniverse(s.universe)!;
      const { loadings } = defaultLoadings(s.universe, logReturns);
      const rc = s.config.risk;
      const model = new WalkForwardFactorModel(logReturns, loadings, {
        lookback: rc.lookback,
        minDates: rc.min_dates,
        minTickers: rc.min_tickers,
      });
      const setupMs = performance.now() - t0;
      let ok = 0;
      for (const t of s.schedule) if (model.fit(t).status === 'ok') ok++;
      return {
        setupMs,
        fitsMs: performance.now() - t0 - setupMs,
        cpuS: cpuSeconds(process.cpuUsage(cpu0)),
        load1: loadavg()[0]!,
        fits: ok,
      };
    },
  };
}

const ESTIMATORS = ['sample', 'ledoit_wolf', 'oas', 'lw2020', 'rmt', 'pca'] as const;

export default defineBenchmarks([
  rebalanceEstimates(1500, 2520, 6),
  rebalanceWeights(300, 2520),
  walkForwardFactorModel(1500, 2520),
  portfolioStage(1500, 2520, 'stage ≤ 8 s wall (≤ 20 s with the signal tier)'),
  wholePipeline(1500, 2520, '≤ 20 s wall, ≤ 1.5 GB peak RSS'),
  portfolioStage(500, 1260),
  wholePipeline(500, 1260),
  portfolioStage(500, 1260, undefined, 'inline'),
  portfolioStage(300, 800),
  portfolioStage(300, 800, undefined, 'inline'),
]);
