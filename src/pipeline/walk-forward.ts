/**
 * The portfolio stage of the research pipeline (seed 002's construct_portfolio + walk_forward_evaluate, done
 * walk-forward for real — methods.md Appendix A item 11): at every rebalance t, using only data available at
 * t, choose the horizon and the signal weights from resolved ICs, form the composite, estimate every
 * covariance on the trailing window (one shared window per rebalance, slid from the previous one), turn scores
 * into expected returns and solve one constrained mean–variance problem per covariance method.
 *
 * The work runs on a task pool (inline or worker threads, docs/decisions/154-parallel-portfolio-stage.md):
 * this thread slides the window and fits the factor model in rebalance order; two tasks per rebalance compute
 * the window's estimates (one eigendecomposition shared by the spectral estimators and PCA; RMT apart,
 * docs/decisions/164); each covariance method is a chain of warm-started solves, one task per rebalance, that
 * runs as soon as its own estimate and its own previous solve are done — so the methods' chains run side by
 * side. The books are then simulated in lockstep with the baselines, and the simulator's held weights are
 * checked against the ones each chain decided from.
 */

import { type BaselineSpec, decileBook, MOMENTUM_BASELINE, VALUE_BASELINE } from '../backtest/baselines.ts';
import { type Decision, type SimulationResult, simulateBooks } from '../backtest/simulate.ts';
import { openTaskPool, type TaskPoolBackend } from '../compute/task-pool.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InfeasibleError, InvalidInputError, NotConvergedError } from '../core/errors.ts';
import type { Panel } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';
import { type EqualityConstraint, neutralityConstraints } from '../portfolio/constraints.ts';
import type { AdmmState } from '../portfolio/optimizer.ts';
import { tradableByBucket } from '../portfolio/turnover.ts';
import { solveWithVolTarget } from '../portfolio/vol-target.ts';
import type { SignalTierResult } from '../research/index.ts';
import {
  compositeAtSnapshots,
  duplicateExclusions,
  type HorizonChoice,
  type IcSeriesSet,
  icSeriesSet,
} from '../research/index.ts';
import { chooseHorizonsAsOf } from '../research/weights.ts';
import type { CovarianceDiagnostics } from '../risk/covariance/types.ts';
import { CovarianceWindow } from '../risk/covariance/window.ts';
import { defaultLoadings, logReturnsFromUniverse } from '../risk/factor-model/loadings.ts';
import { alphaFromScores, expectedCompositeIc } from './alpha.ts';
import {
  type RiskOperatorSpec,
  riskOperatorFrom,
  structuredSpec,
  type WindowMethod,
} from './walk-forward-covariance.ts';
import { WalkForwardFactorModel } from './walk-forward-factor-model.ts';
import { DriftedBook } from './walk-forward-held.ts';
import type { EstimatesTask, SolveTask, StageResult, StageTask } from './walk-forward-task.ts';

export type PortfolioMethod = AlphalabConfig['risk']['methods'][number];

export interface SolveRecord {
  readonly method: string;
  readonly status: 'ok' | 'infeasible' | 'not-converged' | 'no-model';
  readonly names: number;
  readonly iterations: number;
  readonly solves: number;
  /** ADMM iterations over every solve of the volatility-target search. */
  readonly totalIterations: number;
  readonly gamma: number;
  readonly exAnteVol: number;
  readonly volTargetReached: boolean;
  readonly note?: string;
}

export interface RebalanceRecord {
  readonly k: number;
  readonly t: number;
  readonly date: string;
  readonly horizon: number;
  readonly effectiveN: number;
  readonly expectedIc: number;
  readonly windowStocks: number;
  readonly investable: number;
  readonly solves: readonly SolveRecord[];
  /** Time spent on this rebalance's estimates and solves, summed over the threads that ran them. */
  readonly ms: { readonly covariance: number; readonly optimise: number };
}

export interface StrategyBook {
  readonly name: string;
  readonly kind: 'portfolio' | 'baseline';
  readonly sim: SimulationResult;
}

export interface PortfolioStageResult {
  readonly books: readonly StrategyBook[];
  readonly records: readonly RebalanceRecord[];
  readonly choices: ReadonlyMap<number, HorizonChoice>;
  /** Diagnostics of each covariance method at the last rebalance. */
  readonly diagnostics: ReadonlyMap<string, CovarianceDiagnostics>;
  /** Equality rows each book had to satisfy at a decision index (over all N names), for the assertions. */
  constraintsAt(decisionIndex: number): readonly EqualityConstraint[];
  readonly notes: readonly string[];
  /**
   * weightsMs, factorModelMs and simulationMs are this thread's; covarianceMs and optimiseMs are summed over
   * the threads that ran them; chainsMs is the wall time of the parallel part (window, estimates, solves).
   */
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** One book's problem at one rebalance, over the names of its risk model (in model order). */
export interface BookProblem {
  readonly operator: RiskOperatorSpec;
  readonly alpha: Float64Array;
  /** Held (drifted) weights. */
  readonly w0: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly impact: Float64Array;
  readonly neutrality: {
    readonly dollar: boolean;
    readonly sectorOf?: Int32Array;
    readonly sectorNames?: readonly string[];
    readonly beta?: Float64Array;
  };
  /** Where the volatility-target search starts (the previous rebalance's γ). */
  readonly gamma: number;
  readonly warm?: AdmmState;
  readonly portfolio: AlphalabConfig['portfolio'];
}

export type BookSolution =
  | {
      readonly status: 'ok';
      readonly w: Float64Array;
      readonly state: AdmmState;
      readonly gamma: number;
      readonly iterations: number;
      readonly solves: number;
      readonly totalIterations: number;
      readonly exAnteVol: number;
      readonly volTargetReached: boolean;
    }
  | { readonly status: 'infeasible' | 'not-converged'; readonly message: string };

/** Dollar-, sector- and beta-neutrality rows of a book's problem (as configured). */
export function bookEqualities(pr: BookProblem): EqualityConstraint[] {
  return neutralityConstraints({ n: pr.alpha.length, ...pr.neutrality });
}

/** Solves one book's problem; infeasible and non-converged problems are reported, not thrown. */
export function solveBook(problem: BookProblem): BookSolution {
  const pc = problem.portfolio;
  const warm = problem.warm;
  const n = problem.alpha.length;
  // α and Σ are per day while a trade is paid once and held for `rebalance_every` days: amortise the
  // costs over the holding period so the optimiser compares like with like.
  const linear = new Float64Array(n).fill(
    (pc.kappa + (pc.costs.half_spread_bps + pc.costs.fee_bps) / 1e4) / pc.rebalance_every,
  );
  try {
    const sol = solveWithVolTarget(
      {
        alpha: problem.alpha,
        Sigma: riskOperatorFrom(problem.operator),
        // the previous rebalance's root in 'target' mode, the configured γ in 'cap' (runPortfolioStage)
        gamma: problem.gamma,
        w0: problem.w0,
        lower: problem.lower,
        upper: problem.upper,
        linearCost: linear,
        impactCost: problem.impact,
        equalities: bookEqualities(problem),
        maxGross: pc.max_gross ?? pc.max_leverage,
      },
      {
        targetVol: pc.target_vol,
        mode: pc.vol_target_mode,
        // methods.md §7's backtest tolerances (docs/decisions/153-portfolio-admm-iterations.md)
        epsAbs: 1e-8,
        epsRel: 1e-6,
        maxIterations: 5000,
        ...(warm ? { warmStart: warm } : {}),
      },
    );
    return {
      status: 'ok',
      w: sol.w,
      state: sol.state,
      gamma: sol.gamma,
      iterations: sol.iterations,
      solves: sol.solves,
      totalIterations: sol.totalIterations,
      exAnteVol: sol.exAnteVol,
      volTargetReached: sol.volTargetReached,
    };
  } catch (e) {
    if (!(e instanceof InfeasibleError || e instanceof NotConvergedError)) throw e;
    return { status: e instanceof InfeasibleError ? 'infeasible' : 'not-converged', message: e.message };
  }
}

function movingAverageVolume(volume: Panel | undefined, t: number, i: number, N: number, days = 20): number {
  if (!volume) return Number.NaN;
  let s = 0;
  let n = 0;
  for (let u = Math.max(0, t - days + 1); u <= t; u++) {
    const v = volume.values[u * N + i]!;
    if (Number.isFinite(v) && v > 0) {
      s += v;
      n++;
    }
  }
  return n ? s / n : Number.NaN;
}

export interface PortfolioStageInput {
  readonly universe: Universe;
  readonly tier: SignalTierResult;
  readonly config: AlphalabConfig;
  /** Decision indices; must equal the tier's snapshot rows. */
  readonly schedule: readonly number[];
  /**
   * `signalsAtRebalances(tier, config, schedule)` when the caller has formed it already — then the tier's
   * neutralised snapshots are not read, and the caller can let them go before the stage (research.ts does).
   */
  readonly signals?: RebalanceSignals;
  /** Where the estimates and solves run (default inline); the books are the same on either. */
  readonly backend?: TaskPoolBackend;
  /** Worker threads for `threads` (default: available parallelism). */
  readonly workers?: number;
  readonly onRebalance?: (done: number, total: number) => void;
}

/** How many rebalances the window and the estimates may run ahead of the slowest method's solves. */
const LOOKAHEAD = 2;

/**
 * The window methods split into the tasks of one rebalance's estimates: RMT (its own correlation Gram matrix
 * and eigenpairs, nothing shared) apart from the methods that share the covariance Gram matrix's spectrum
 * (sample, LW, OAS, LW-2020 and PCA), so that the two run side by side and RMT's chain need not wait for the
 * longer task.
 */
function estimateGroups<M extends string>(methods: readonly M[]): M[][] {
  const alone = methods.filter((m) => m === 'rmt');
  const together = methods.filter((m) => m !== 'rmt');
  return [together, alone].filter((g) => g.length > 0);
}

/** A rebalance's window (slid on this thread) and its estimates (tasks under way, one per method group). */
interface WindowStep {
  readonly w: CovarianceWindow;
  readonly windowNames: Int32Array;
  readonly estimates: readonly {
    readonly methods: readonly WindowMethod[];
    readonly result: Promise<StageResult<EstimatesTask>>;
  }[];
  readonly sigmaAll: Float64Array;
  readonly covarianceMs: number;
}

/** A risk model at one rebalance: its operator and the universe index of each of its names. */
interface Fit {
  readonly op: RiskOperatorSpec;
  readonly names: Int32Array;
}

/** What every book needs at one rebalance, and what its chains leave for the simulation and the report. */
interface Plan {
  readonly k: number;
  readonly t: number;
  readonly date: string;
  readonly choice: HorizonChoice;
  readonly expectedIc: number;
  readonly scores: Float64Array;
  /** σ of each name over the window (NaN outside it), and whether the name can be traded at all. */
  readonly sigmaAll: Float64Array;
  readonly valid: Uint8Array;
  readonly tradable: Uint8Array;
  readonly adv: Float64Array;
  readonly windowStocks: number;
  readonly investable: number;
  /** Each method's risk model at this rebalance, as soon as its own estimate is done (undefined: none). */
  fits: ReadonlyMap<string, Promise<Fit | undefined>> | undefined;
  /** Settles when every estimates task of the rebalance is done. */
  estimated: Promise<void>;
  readonly fmNotes: string[];
  covarianceMs: number;
  optimiseMs: number;
  readonly solves: SolveRecord[];
  readonly solveNotes: (string | undefined)[];
  readonly decisions: Decision[];
  /** Each chain's held weights at t, checked against the simulator's. */
  readonly held: Float64Array[];
  rowsForAssertions: EqualityConstraint[];
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** What the books need of the signal tier: per rebalance, the horizon, the signal weights and the composite. */
export interface RebalanceSignals {
  readonly sets: readonly IcSeriesSet[];
  readonly choices: ReadonlyMap<number, HorizonChoice>;
  /** One row of N scores per snapshot row of the tier. */
  readonly composite: Float64Array;
  /** Date index → composite row. */
  readonly rowOf: ReadonlyMap<number, number>;
}

/** Horizon and signal weights as of every rebalance (resolved ICs only), and the composite there. */
export function signalsAtRebalances(
  tier: SignalTierResult,
  config: AlphalabConfig,
  schedule: readonly number[],
): RebalanceSignals {
  const ctx = tier.context;
  const exclude = duplicateExclusions(tier);
  const sets: IcSeriesSet[] = ctx.horizons.map((h) => icSeriesSet(tier, h));
  const asOf = chooseHorizonsAsOf(sets, schedule, {
    exclude,
    shrinkage: config.research.weight_shrinkage === 'oas' ? 'oas' : 'ledoit-wolf',
    minObs: config.research.min_ic_obs,
  });
  const choices = new Map<number, HorizonChoice>(schedule.map((t, k) => [t, asOf[k]!]));
  const composite = compositeAtSnapshots(tier, (t) => choices.get(t)!.weights);
  const rowOf = new Map<number, number>();
  tier.snapshots.rows.forEach((t, r) => rowOf.set(t, r));
  return { sets, choices, composite, rowOf };
}

export async function runPortfolioStage(input: PortfolioStageInput): Promise<PortfolioStageResult> {
  const { universe: u, config, schedule, onRebalance } = input;
  const ctx = input.tier.context;
  const N = ctx.N;
  const pc = config.portfolio;
  const rc = config.risk;
  const K = schedule.length;
  const notes: string[] = [];
  const timings: Record<string, number> = {
    weightsMs: 0,
    covarianceMs: 0,
    optimiseMs: 0,
    factorModelMs: 0,
    chainsMs: 0,
    simulationMs: 0,
  };

  // 1. Horizon, signal weights and composite at every rebalance (given, or from the tier's snapshots).
  let t0 = performance.now();
  const { sets, choices, composite, rowOf } =
    input.signals ?? signalsAtRebalances(input.tier, config, schedule);
  timings.weightsMs = performance.now() - t0;

  // 2. Inputs shared by every rebalance.
  const returnsPanel: Panel = { dates: ctx.dates, tickers: ctx.tickers, values: ctx.returns };
  const close = u.panels.get('close');
  const volume = u.panels.get('volume');
  const tickerIndex = new Map(ctx.tickers.map((t, i) => [t, i] as const));
  const methods = rc.methods;
  const covMethods = methods.filter(
    (m): m is Exclude<PortfolioMethod, 'fama_macbeth'> => m !== 'fama_macbeth',
  );
  // The factor model's set-up (loadings over the whole panel, one regression per date) is built on first use,
  // once the first window's estimates are on their way, so that the workers start on them meanwhile.
  const fmSetupNotes: string[] = [];
  let factorModel: WalkForwardFactorModel | undefined;
  let factorModelPending = methods.includes('fama_macbeth');
  const factorModelOnce = (): WalkForwardFactorModel | undefined => {
    if (!factorModelPending) return factorModel;
    factorModelPending = false;
    const f0 = performance.now();
    const logReturns = logReturnsFromUniverse(u);
    const dl = defaultLoadings(u, logReturns);
    for (const s of dl.skipped) fmSetupNotes.push(`Fama–MacBeth loading ${s.name} skipped: ${s.reason}`);
    if (logReturns && dl.loadings.length > 0) {
      factorModel = new WalkForwardFactorModel(logReturns, dl.loadings, {
        lookback: rc.lookback,
        minDates: rc.min_dates,
        minTickers: rc.min_tickers,
      });
    } else fmSetupNotes.push('Fama–MacBeth risk model skipped: no loadings can be built from this universe');
    timings.factorModelMs! += performance.now() - f0;
    return factorModel;
  };
  const baselines: BaselineSpec[] = [MOMENTUM_BASELINE, VALUE_BASELINE].filter((b) => {
    const ok = b.requires.every((f) => u.panels.has(f));
    if (!ok) notes.push(`${b.name} skipped: the universe has no ${b.requires.join(', ')}`);
    return ok;
  });
  const bookNames = [...methods, ...baselines.map((b) => b.name)];
  const diagnostics = new Map<string, CovarianceDiagnostics>();
  const lookbackOf = (t: number) => Math.min(rc.lookback, t + 1);

  const backend = input.backend ?? 'inline';
  const workers = input.workers;
  const pool = await openTaskPool<StageTask, StageResult<StageTask>>(
    new URL('./walk-forward-task.ts', import.meta.url),
    { backend, ...(workers ? { workers } : {}) },
  );
  const estimatesOf = (task: EstimatesTask) => pool.run(task) as Promise<StageResult<EstimatesTask>>;
  const solveOn = (task: SolveTask) => pool.run(task) as Promise<StageResult<SolveTask>>;

  // 3. Per rebalance, in order: this thread slides the window and fits the factor model; the window's
  //    estimates run as a task. Nothing here reads data after t (the window ends at t, the factor model
  //    is fitted as of t).
  let window: CovarianceWindow | undefined;
  const slideWindow = (k: number): WindowStep => {
    const t = schedule[k]!;
    const c0 = performance.now();
    const lookback = lookbackOf(t);
    const wopts = { lookback, end: t, minHistory: Math.ceil(0.9 * lookback) };
    window =
      window && window.T === lookback
        ? window.slide(returnsPanel, wopts)
        : CovarianceWindow.fromPanel(returnsPanel, wopts);
    const w = window;
    // the T × T cross-product is cheap here (the slid Gram matrix); a p × p one is left to the task
    if (w.side === 'gram') w.crossProduct();
    const windowNames = Int32Array.from(w.tickers, (tk) => tickerIndex.get(tk)!);
    const groups = estimateGroups(covMethods);
    const parts = groups.length > 0 ? w.shareableParts() : undefined;
    const estimates = groups.map((group) => ({
      methods: group,
      result: estimatesOf({
        kind: 'estimates',
        window: parts!,
        methods: group,
        pcaFactors: rc.pca_factors,
        diagnostics: k === K - 1,
      }),
    }));
    const sigmaAll = new Float64Array(N).fill(Number.NaN);
    const winSd = w.sd();
    windowNames.forEach((i, j) => {
      sigmaAll[i] = winSd[j]!;
    });
    return { w, windowNames, estimates, sigmaAll, covarianceMs: performance.now() - c0 };
  };
  const preparePlan = (k: number, step: WindowStep): Plan => {
    const t = schedule[k]!;
    const choice = choices.get(t)!;
    const set = sets[ctx.horizons.indexOf(choice.horizon)]!;
    const row = rowOf.get(t)!;
    const scores = composite.subarray(row * N, (row + 1) * N);
    const { w, windowNames, estimates, sigmaAll, covarianceMs } = step;

    const fmNotes: string[] = [];
    let fm: Fit | undefined;
    const model = factorModelOnce();
    if (model) {
      const f0 = performance.now();
      const res = model.fit(t);
      if (res.status === 'ok') {
        try {
          fm = {
            op: structuredSpec(res.model.covariance()),
            names: Int32Array.from(res.model.tickers, (tk) => tickerIndex.get(tk)!),
          };
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
          fmNotes.push(
            `fama_macbeth on ${u.dates[t]}: the model cannot be assembled (${e.message}); the held book was kept`,
          );
        }
      } else fmNotes.push(`fama_macbeth on ${u.dates[t]}: ${res.reason}`);
      timings.factorModelMs! += performance.now() - f0;
    }

    const beta = ctx.beta.subarray(t * N, (t + 1) * N);
    const valid = new Uint8Array(N);
    let investable = 0;
    for (let i = 0; i < N; i++) {
      const ok =
        Number.isFinite(scores[i]!) &&
        Number.isFinite(sigmaAll[i]!) &&
        sigmaAll[i]! > 0 &&
        (!pc.beta_neutral || Number.isFinite(beta[i]!));
      if (ok) {
        valid[i] = 1;
        investable++;
      }
    }
    const adv = new Float64Array(N);
    for (let i = 0; i < N; i++) adv[i] = movingAverageVolume(volume, t, i, N);
    const plan: Plan = {
      k,
      t,
      date: u.dates[t]!,
      choice,
      expectedIc: expectedCompositeIc(set, choice.weights, t),
      scores,
      sigmaAll,
      valid,
      tradable: tradableByBucket(ctx.tickers, pc.turnover.buckets, k),
      adv,
      windowStocks: w.p,
      investable,
      fits: undefined,
      estimated: Promise.resolve(),
      fmNotes,
      covarianceMs,
      optimiseMs: 0,
      solves: new Array<SolveRecord>(methods.length),
      solveNotes: new Array<string | undefined>(methods.length),
      decisions: new Array<Decision>(methods.length),
      held: new Array<Float64Array>(methods.length),
      rowsForAssertions: [],
    };
    const fits = new Map<string, Promise<Fit | undefined>>();
    for (const { methods: group, result } of estimates) {
      const done = result.then((e) => {
        plan.covarianceMs += e.ms;
        return e;
      });
      for (const m of group)
        fits.set(
          m,
          done.then((e) => {
            const op = e.operators.get(m);
            return op && { op, names: windowNames };
          }),
        );
    }
    fits.set('fama_macbeth', Promise.resolve(fm));
    plan.fits = fits;
    // every task of the rebalance; the last one's diagnostics in method order, whichever task finishes first
    plan.estimated = Promise.all(estimates.map((e) => e.result)).then((ests) => {
      for (const m of covMethods)
        for (const e of ests) {
          const d = e.diagnostics.get(m);
          if (d) diagnostics.set(m, d);
        }
    });
    return plan;
  };

  // 4. One chain per covariance method: its held weights drift from its own last decision, and each solve is
  //    warm-started from its previous one, so a chain is sequential — but the chains are independent.
  const solveStep = async (b: number, plan: Plan, book: DriftedBook, state: ChainState): Promise<void> => {
    const m = methods[b]!;
    const { t, choice, scores, sigmaAll, valid, tradable, adv } = plan;
    const h = choice.horizon;
    const fit = await plan.fits!.get(m);
    const w0All = book.heldAt(t);
    plan.held[b] = w0All;
    const hold = (status: SolveRecord['status'], note?: string) => {
      plan.solves[b] = {
        method: m,
        status,
        names: fit ? fit.names.length : 0,
        iterations: 0,
        solves: 0,
        totalIterations: 0,
        gamma: Number.NaN,
        exAnteVol: Number.NaN,
        volTargetReached: false,
        ...(note !== undefined ? { note } : {}),
      };
      // keep the held book (drifted) rather than trade without a risk model or on an unsolved problem
      plan.decisions[b] = { weights: Float64Array.from(w0All), info: { status } };
      book.decided(t, plan.decisions[b]!.weights);
    };
    if (!fit) {
      hold('no-model');
      return;
    }
    // every name of the model, in model order; names not investable at t are held at 0 by their bounds
    const I = fit.names;
    const n = I.length;
    const liveIdx = I.filter((i) => valid[i] === 1);
    const sigma = valuesAt(new Float64Array(liveIdx.length), sigmaAll, liveIdx);
    const alphaLive = alphaFromScores(scores, sigma, liveIdx, plan.expectedIc, h);
    const alpha = new Float64Array(n);
    const w0 = valuesAt(new Float64Array(n), w0All, I);
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    const impact = new Float64Array(n);
    const price = close ? close.values.subarray(t * N, (t + 1) * N) : undefined;
    const holding = pc.rebalance_every;
    let q = 0;
    for (let a = 0; a < n; a++) {
      const i = I[a]!;
      if (valid[i]) {
        alpha[a] = alphaLive[q++]!;
        lower[a] = -pc.max_position;
        upper[a] = pc.max_position;
      }
      if (!tradable[i]) lower[a] = upper[a] = w0[a]!; // not this rebalance's bucket: hold
      const P = price?.[i] ?? Number.NaN;
      const sd = sigmaAll[i]!;
      if (P > 0 && adv[i]! > 0 && sd > 0)
        impact[a] = (pc.costs.impact_y * sd * Math.sqrt(pc.costs.nav / (P * adv[i]!))) / holding;
    }
    const beta = ctx.beta.subarray(t * N, (t + 1) * N);
    const betaRow = valuesAt(new Float64Array(n), beta, I);
    for (let a = 0; a < n; a++) if (!Number.isFinite(betaRow[a]!)) betaRow[a] = 0;
    const prev = state.last;
    const problem: BookProblem = {
      operator: fit.op,
      alpha,
      w0,
      lower,
      upper,
      impact,
      neutrality: {
        dollar: pc.dollar_neutral,
        ...(pc.sector_neutral
          ? { sectorOf: valuesAt(new Int32Array(n), ctx.sectorOf, I), sectorNames: u.sectors }
          : {}),
        ...(pc.beta_neutral ? { beta: betaRow } : {}),
      },
      // 'target' starts its search from the previous rebalance's root; 'cap' from the configured γ every
      // time, so that a rebalance where the cap bound does not carry its higher γ into the next
      gamma: pc.vol_target_mode === 'cap' ? pc.gamma : (prev?.gamma ?? pc.gamma),
      ...(prev
        ? {
            warm: {
              z: valuesAt(new Float64Array(n), prev.z, I),
              y: valuesAt(new Float64Array(n), prev.y, I),
              rho: prev.rho,
            },
          }
        : {}),
      portfolio: pc,
    };
    if (b === 0) {
      // the same rows over all N names (zeros outside the model) for the assertion suite
      plan.rowsForAssertions = bookEqualities(problem).map((c) => {
        const row = new Float64Array(N);
        I.forEach((i, a) => {
          row[i] = c.row[a]!;
        });
        return { name: c.name, row };
      });
    }
    const sol = await solveOn({ kind: 'solve', problem });
    plan.optimiseMs += sol.ms;
    if (sol.status !== 'ok') {
      plan.solveNotes[b] = `${m} on ${plan.date}: ${sol.message}; the held book was kept`;
      hold(sol.status, sol.message);
      return;
    }
    const weights = new Float64Array(N);
    const z = new Float64Array(N);
    const y = new Float64Array(N);
    I.forEach((i, a) => {
      weights[i] = sol.w[a]!;
      z[i] = sol.state.z[a]!;
      y[i] = sol.state.y[a]!;
    });
    state.last = { z, y, rho: sol.state.rho, gamma: sol.gamma };
    plan.solves[b] = {
      method: m,
      status: 'ok',
      names: n,
      iterations: sol.iterations,
      solves: sol.solves,
      totalIterations: sol.totalIterations,
      gamma: sol.gamma,
      exAnteVol: sol.exAnteVol,
      volTargetReached: sol.volTargetReached,
    };
    plan.decisions[b] = {
      weights,
      info: { status: 'ok', horizon: h, gamma: sol.gamma, exAnteVol: sol.exAnteVol },
    };
    book.decided(t, weights);
  };

  const plans: Plan[] = [];
  const planReady = Array.from({ length: K }, () => deferred<Plan>());
  const finished = Array.from({ length: K }, () => deferred<void>());
  const remaining = new Int32Array(K).fill(methods.length);
  const chainDone = (k: number) => {
    if (--remaining[k]! > 0) return;
    plans[k]!.fits = undefined; // the operators of a finished rebalance can go
    onRebalance?.(k + 1, K);
    finished[k]!.resolve();
  };
  t0 = performance.now();
  try {
    const producer = (async () => {
      const steps: (WindowStep | undefined)[] = [];
      const stepAt = (k: number) => {
        steps[k] ??= slideWindow(k);
        return steps[k]!;
      };
      for (let k = 0; k < K; k++) {
        if (k >= LOOKAHEAD) await finished[k - LOOKAHEAD]!.promise;
        stepAt(k);
        // the factor model's set-up (first plan) keeps this thread busy for a while: the workers get the
        // next windows' estimates first
        if (k === 0 && factorModelPending) for (let q = 1; q < Math.min(LOOKAHEAD, K); q++) stepAt(q);
        plans[k] = preparePlan(k, stepAt(k));
        steps[k] = undefined;
        planReady[k]!.resolve(plans[k]!);
      }
    })();
    const chains = methods.map(async (_, b) => {
      const book = new DriftedBook(ctx.returns, ctx.T, N, ctx.executionDelay);
      const state: ChainState = { last: undefined };
      for (let k = 0; k < K; k++) {
        await solveStep(b, await planReady[k]!.promise, book, state);
        chainDone(k);
      }
    });
    if (methods.length === 0) for (let k = 0; k < K; k++) finished[k]!.resolve();
    await Promise.all([producer, ...chains]);
    // a rebalance's estimates are awaited by its chains; with no chain, wait for them here
    await Promise.all(plans.map((p) => p.estimated));
  } finally {
    await pool.close();
  }
  timings.chainsMs = performance.now() - t0;
  notes.unshift(...fmSetupNotes);
  for (const p of plans) {
    timings.covarianceMs! += p.covarianceMs;
    timings.optimiseMs! += p.optimiseMs;
    notes.push(...p.fmNotes);
    for (const note of p.solveNotes) if (note !== undefined) notes.push(note);
  }

  // 5. The books and the baselines through the simulator, in lockstep; the baselines decide here.
  t0 = performance.now();
  // A name's impact inputs on an execution day (price, 20-day ADV, 60-day σ) are the same for every book:
  // computed on first use and kept for the other books of that day (the simulator runs them in lockstep).
  let impactDay = -1;
  const impactKnown = new Uint8Array(N);
  const impactPrice = new Float64Array(N);
  const impactAdv = new Float64Array(N);
  const impactSigma = new Float64Array(N);
  const impactInputs = (s: number, i: number) => {
    if (s !== impactDay) {
      impactDay = s;
      impactKnown.fill(0);
    }
    if (impactKnown[i]) return;
    impactKnown[i] = 1;
    impactPrice[i] = close?.values[s * N + i] ?? Number.NaN;
    impactAdv[i] = movingAverageVolume(volume, s, i, N);
    const r = ctx.returns;
    let ss = 0;
    let n = 0;
    for (let q = Math.max(1, s - 59); q <= s; q++) {
      const x = r[q * N + i]!;
      if (Number.isFinite(x)) {
        ss += x * x;
        n++;
      }
    }
    impactSigma[i] = n > 1 ? Math.sqrt(ss / n) : Number.NaN;
  };
  const costs = (from: Float64Array, to: Float64Array, s: number): number => {
    // the same cost model for every book (seed 001 P1.4): spread + fee on |Δw| and square-root impact
    const lin = (pc.costs.half_spread_bps + pc.costs.fee_bps) / 1e4;
    let c = 0;
    for (let i = 0; i < N; i++) {
      const dw = Math.abs(to[i]! - from[i]!);
      if (dw === 0) continue;
      c += lin * dw;
      impactInputs(s, i);
      const P = impactPrice[i]!;
      const adv = impactAdv[i]!;
      const sigma = impactSigma[i]!;
      if (P > 0 && adv > 0 && sigma > 0)
        c += pc.costs.impact_y * sigma * dw * Math.sqrt((pc.costs.nav * dw) / (P * adv));
    }
    return c;
  };
  const sims = simulateBooks({
    universe: u,
    returns: ctx.returns,
    decisionIndices: schedule,
    executionDelay: ctx.executionDelay,
    books: bookNames.length,
    decideAll: (view, held, k) => {
      const plan = plans[k]!;
      plan.held.forEach((h, b) => {
        if (!sameValues(h, held[b]!)) {
          throw new Error(`internal: book ${methods[b]} decided at ${plan.date} from other held weights`);
        }
      });
      return [...plan.decisions, ...baselines.map((bl) => ({ weights: decileBook(bl.score(view)) }))];
    },
    cost: costs,
  });
  timings.simulationMs = performance.now() - t0;
  const constraintRows = new Map(plans.map((p) => [p.t, p.rowsForAssertions] as const));
  return {
    books: bookNames.map((name, b) => ({
      name,
      kind: b < methods.length ? 'portfolio' : 'baseline',
      sim: sims[b]!,
    })),
    records: plans.map((p) => ({
      k: p.k,
      t: p.t,
      date: p.date,
      horizon: p.choice.horizon,
      effectiveN: p.choice.weights.effectiveN,
      expectedIc: p.expectedIc,
      windowStocks: p.windowStocks,
      investable: p.investable,
      solves: p.solves,
      ms: { covariance: p.covarianceMs, optimise: p.optimiseMs },
    })),
    choices,
    diagnostics,
    constraintsAt: (t) => constraintRows.get(t) ?? [],
    notes,
    timingsMs: timings,
  };
}

/** A chain's warm start: the previous solve's ADMM state (over all N names) and risk aversion. */
interface ChainState {
  last: { z: Float64Array; y: Float64Array; rho: number; gamma: number } | undefined;
}

/**
 * out[a] = values[idx[a]] for every a. A plain loop: TypedArray.from with a mapping function costs ≈ 80 ns an
 * element in V8, which over 7 methods × 108 rebalances × 1500 names was seconds of this thread's time.
 */
function valuesAt<T extends Float64Array | Int32Array>(
  out: T,
  values: ArrayLike<number>,
  idx: Int32Array,
): T {
  for (let a = 0; a < idx.length; a++) out[a] = values[idx[a]!]!;
  return out;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
