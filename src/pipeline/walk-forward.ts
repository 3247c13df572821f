/**
 * The portfolio stage of the research pipeline (seed 002's construct_portfolio + walk_forward_evaluate, done
 * walk-forward for real — methods.md Appendix A item 11): at every rebalance t, using only data available at
 * t, choose the horizon and the signal weights from resolved ICs, form the composite, estimate every
 * covariance on the trailing window (one shared window per rebalance, slid from the previous one), turn scores
 * into expected returns and solve one constrained mean–variance problem per covariance method. The books and
 * the baselines run in lockstep through the simulator so the shared work is done once per rebalance.
 */

import { type BaselineSpec, decileBook, MOMENTUM_BASELINE, VALUE_BASELINE } from '../backtest/baselines.ts';
import { type Decision, type SimulationResult, simulateBooks } from '../backtest/simulate.ts';
import type { PointInTimeView } from '../backtest/view.ts';
import type { AlphalabConfig } from '../core/config.ts';
import { InfeasibleError, InvalidInputError, NotConvergedError } from '../core/errors.ts';
import type { Panel } from '../core/panel.ts';
import type { Universe } from '../core/universe.ts';
import type { StructuredCovariance } from '../linalg/index.ts';
import { type EqualityConstraint, neutralityConstraints } from '../portfolio/constraints.ts';
import type { AdmmState, RiskOperator } from '../portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../portfolio/spectral-operator.ts';
import { tradableByBucket } from '../portfolio/turnover.ts';
import { solveWithVolTarget } from '../portfolio/vol-target.ts';
import type { SignalTierResult } from '../research/index.ts';
import {
  chooseHorizonAsOf,
  compositeAtSnapshots,
  duplicateExclusions,
  type HorizonChoice,
  type IcSeriesSet,
  icSeriesSet,
} from '../research/index.ts';
import { fitLW2020, lw2020ShrunkSpectrum } from '../risk/covariance/lw2020.ts';
import { fitPCA } from '../risk/covariance/pca.ts';
import { fitRMT } from '../risk/covariance/rmt.ts';
import { fitSampleCovariance } from '../risk/covariance/sample.ts';
import { fitLedoitWolf, fitOAS } from '../risk/covariance/shrinkage.ts';
import type { CovarianceDiagnostics } from '../risk/covariance/types.ts';
import { CovarianceWindow } from '../risk/covariance/window.ts';
import { defaultLoadings, logReturnsFromUniverse } from '../risk/factor-model/loadings.ts';
import { ledoitWolfTerms, oasIntensity } from '../stats/shrinkage.ts';
import { alphaFromScores, expectedCompositeIc } from './alpha.ts';
import { WalkForwardFactorModel } from './walk-forward-factor-model.ts';

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
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** What the portfolio stage uses of a fitted estimator. */
interface CovarianceFit {
  readonly covariance: StructuredCovariance;
  readonly tickers: readonly string[];
  readonly details: unknown;
  diagnostics(): CovarianceDiagnostics;
}

/** The window estimators whose operator the walk-forward assembles from the shared spectrum. */
const FULL_FIT: Record<'sample' | 'ledoit_wolf' | 'oas' | 'lw2020', (w: CovarianceWindow) => CovarianceFit> =
  {
    sample: (w) => fitSampleCovariance(w),
    ledoit_wolf: (w) => fitLedoitWolf(w),
    oas: (w) => fitOAS(w),
    lw2020: (w) => fitLW2020(w),
  };

/** The window's eigenvectors shared by the spectral estimators: V (p × q) for the eigenvalues `indices`. */
interface SharedSpectrum {
  readonly indices: readonly number[];
  readonly V: Float64Array;
  readonly lambda: Float64Array;
  readonly T: number;
}

/**
 * The eigenbasis form a·I + V·diag(c)·Vᵀ (orthonormal V) of the estimators that share the window's spectrum
 * (methods.md §5): sample c = λ/(T − 1), a = 0; Ledoit–Wolf and OAS c = (1 − ρ)λ/T, a = ρμ; LW-2020
 * c = d̃ − d̃_0, a = d̃_0 (or a = max(min d̃, 0) at full rank, as its fit does). One V serves all of them, so
 * (γΣ + ρI)⁻¹ costs O(pq) for any γ and ρ, and the estimators themselves need only their scalars: the p-space
 * eigenvectors (a p·T·q product) are formed once per rebalance, not once per estimator
 * (docs/decisions/152-walk-forward-shared-spectrum.md). Other estimators (RMT, PCA, Fama–MacBeth: diagonal
 * D + small k) go through Woodbury.
 */
function spectralOperatorFor(
  method: 'sample' | 'ledoit_wolf' | 'oas' | 'lw2020',
  w: CovarianceWindow,
  shared: () => SharedSpectrum,
): SpectralRiskOperator {
  if (method === 'lw2020') {
    const s = lw2020ShrunkSpectrum(w);
    const sh = shared();
    const same = s.indices.length === sh.indices.length && s.indices.every((i, j) => i === sh.indices[j]);
    const V = same ? sh.V : w.pSpaceVectors(w.covarianceSpectrum(), s.indices);
    let a = s.d0;
    if (s.fullRank) {
      a = Number.POSITIVE_INFINITY;
      for (const x of s.d) a = Math.min(a, x);
      a = Math.max(a, 0);
    }
    return new SpectralRiskOperator(
      a,
      V,
      s.d.map((x) => x - a),
    );
  }
  const { V, lambda, T } = shared();
  if (method === 'sample') {
    const scale = 1 / (T - 1);
    return new SpectralRiskOperator(
      0,
      V,
      lambda.map((l) => scale * l),
    );
  }
  const m = w.shrinkageStatistics();
  const { rho, mu } =
    method === 'ledoit_wolf'
      ? (() => {
          const t = ledoitWolfTerms(m);
          return { rho: t.intensity, mu: t.mu };
        })()
      : { rho: oasIntensity(m), mu: m.traceS / m.p };
  const scale = (1 - rho) / T;
  return new SpectralRiskOperator(
    rho * mu,
    V,
    lambda.map((l) => scale * l),
  );
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
  readonly onRebalance?: (done: number, total: number) => void;
}

export function runPortfolioStage(input: PortfolioStageInput): PortfolioStageResult {
  const { universe: u, tier, config } = input;
  const ctx = tier.context;
  const T = ctx.T;
  const N = ctx.N;
  const pc = config.portfolio;
  const rc = config.risk;
  const schedule = input.schedule;
  const notes: string[] = [];
  const timings: Record<string, number> = { weightsMs: 0, covarianceMs: 0, optimiseMs: 0, factorModelMs: 0 };

  // 1. Horizon and signal weights as of every rebalance (resolved ICs only), and the composite there.
  let t0 = performance.now();
  const exclude = duplicateExclusions(tier);
  const sets: IcSeriesSet[] = ctx.horizons.map((h) => icSeriesSet(tier, h));
  const choices = new Map<number, HorizonChoice>();
  const weightOptions = {
    exclude,
    shrinkage: config.research.weight_shrinkage === 'oas' ? ('oas' as const) : ('ledoit-wolf' as const),
    minObs: config.research.min_ic_obs,
  };
  for (const t of schedule) choices.set(t, chooseHorizonAsOf(sets, { ...weightOptions, asOf: t }));
  const composite = compositeAtSnapshots(tier, (t) => choices.get(t)!.weights);
  const rowOf = new Map<number, number>();
  tier.snapshots.rows.forEach((t, r) => rowOf.set(t, r));
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
  const useFm = methods.includes('fama_macbeth');
  let factorModel: WalkForwardFactorModel | undefined;
  let fmSetupMs = 0;
  if (useFm) {
    const f0 = performance.now();
    const logReturns = logReturnsFromUniverse(u);
    const dl = defaultLoadings(u, logReturns);
    for (const s of dl.skipped) notes.push(`Fama–MacBeth loading ${s.name} skipped: ${s.reason}`);
    if (logReturns && dl.loadings.length > 0) {
      factorModel = new WalkForwardFactorModel(logReturns, dl.loadings, {
        lookback: rc.lookback,
        minDates: rc.min_dates,
        minTickers: rc.min_tickers,
      });
    } else notes.push('Fama–MacBeth risk model skipped: no loadings can be built from this universe');
    fmSetupMs = performance.now() - f0;
    timings.factorModelMs! += fmSetupMs;
  }
  const baselines: BaselineSpec[] = [MOMENTUM_BASELINE, VALUE_BASELINE].filter((b) => {
    const ok = b.requires.every((f) => u.panels.has(f));
    if (!ok) notes.push(`${b.name} skipped: the universe has no ${b.requires.join(', ')}`);
    return ok;
  });
  const bookNames = [...methods, ...baselines.map((b) => b.name)];
  const states = new Map<string, { z: Float64Array; y: Float64Array; rho: number; gamma: number }>();
  const records: RebalanceRecord[] = [];
  const constraintRows = new Map<number, EqualityConstraint[]>();
  const diagnostics = new Map<string, CovarianceDiagnostics>();
  let window: CovarianceWindow | undefined;
  const lookbackOf = (t: number) => Math.min(rc.lookback, t + 1);

  const decideAll = (view: PointInTimeView, held: readonly Float64Array[], k: number): Decision[] => {
    const t = view.t;
    const choice = choices.get(t)!;
    const h = choice.horizon;
    const set = sets[ctx.horizons.indexOf(h)]!;
    const scores = composite.subarray(rowOf.get(t)! * N, (rowOf.get(t)! + 1) * N);
    const expectedIc = expectedCompositeIc(set, choice.weights, t);

    // covariance window over the trailing lookback, slid from the previous rebalance
    let c0 = performance.now();
    const lookback = lookbackOf(t);
    const wopts = { lookback, end: t, minHistory: Math.ceil(0.9 * lookback) };
    window =
      window && window.T === lookback
        ? window.slide(returnsPanel, wopts)
        : CovarianceWindow.fromPanel(returnsPanel, wopts);
    const w = window;
    const fits = new Map<string, { op: RiskOperator; tickers: readonly string[] }>();
    let sharedSpectrum: SharedSpectrum | undefined;
    const spectrum = (): SharedSpectrum => {
      if (!sharedSpectrum) {
        const spec = w.covarianceSpectrum();
        let max = 0;
        for (const v of spec.values) max = Math.max(max, v);
        const idx: number[] = [];
        spec.values.forEach((v, i) => {
          if (v > 1e-12 * max) idx.push(i);
        });
        sharedSpectrum = {
          indices: idx,
          V: w.pSpaceVectors(spec, idx),
          lambda: Float64Array.from(idx, (i) => spec.values[i]!),
          T: w.T,
        };
      }
      return sharedSpectrum;
    };
    for (const m of covMethods) {
      if (m === 'rmt' || m === 'pca') {
        const f = m === 'rmt' ? fitRMT(w) : fitPCA(w, rc.pca_factors);
        fits.set(m, { op: f.covariance, tickers: f.tickers });
        if (k === schedule.length - 1) diagnostics.set(m, f.diagnostics());
        continue;
      }
      fits.set(m, { op: spectralOperatorFor(m, w, spectrum), tickers: w.tickers });
      // the full fit only where its diagnostics are reported
      if (k === schedule.length - 1) diagnostics.set(m, FULL_FIT[m](w).diagnostics());
    }
    timings.covarianceMs! += performance.now() - c0;
    if (factorModel) {
      c0 = performance.now();
      const fm = factorModel.fit(t);
      if (fm.status === 'ok') {
        try {
          fits.set('fama_macbeth', { op: fm.model.covariance(), tickers: fm.model.tickers });
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
          notes.push(
            `fama_macbeth on ${view.date}: the model cannot be assembled (${e.message}); the held book was kept`,
          );
        }
      } else notes.push(`fama_macbeth on ${view.date}: ${fm.reason}`);
      timings.factorModelMs! += performance.now() - c0;
    }

    // per-name inputs at t
    const sigmaAll = new Float64Array(N).fill(Number.NaN);
    const winSd = w.sd();
    w.tickers.forEach((tk, j) => {
      sigmaAll[tickerIndex.get(tk)!] = winSd[j]!;
    });
    const beta = ctx.beta.subarray(t * N, (t + 1) * N);
    const price = close ? close.values.subarray(t * N, (t + 1) * N) : undefined;
    const tradable = tradableByBucket(ctx.tickers, pc.turnover.buckets, k);
    const valid = (i: number) =>
      Number.isFinite(scores[i]!) &&
      Number.isFinite(sigmaAll[i]!) &&
      sigmaAll[i]! > 0 &&
      (!pc.beta_neutral || Number.isFinite(beta[i]!));
    let investableCount = 0;
    for (let i = 0; i < N; i++) if (valid(i)) investableCount++;

    const o0 = performance.now();
    const decisions: Decision[] = [];
    const solves: SolveRecord[] = [];
    const rowsForAssertions: EqualityConstraint[] = [];
    methods.forEach((m, b) => {
      const fit = fits.get(m);
      const w0All = held[b]!;
      if (!fit) {
        solves.push({
          method: m,
          status: 'no-model',
          names: 0,
          iterations: 0,
          solves: 0,
          totalIterations: 0,
          gamma: Number.NaN,
          exAnteVol: Number.NaN,
          volTargetReached: false,
        });
        // without a risk model there is nothing to optimise: hold the drifted book, as on a failed solve
        decisions.push({ weights: Float64Array.from(w0All), info: { status: 'no-model' } });
        return;
      }
      // every name of the model, in model order; names not investable at t are held at 0 by their bounds
      const I = Int32Array.from(fit.tickers, (tk) => tickerIndex.get(tk)!);
      const m_ = I.length;
      const Sigma = fit.op;
      const live = Uint8Array.from(I, (i) => (valid(i) ? 1 : 0));
      const liveIdx = Int32Array.from(I.filter((_, a) => live[a] === 1));
      const sigma = Float64Array.from(liveIdx, (i) => sigmaAll[i]!);
      const alphaLive = alphaFromScores(scores, sigma, liveIdx, expectedIc, h);
      const alpha = new Float64Array(m_);
      const w0 = Float64Array.from(I, (i) => w0All[i]!);
      const lower = new Float64Array(m_);
      const upper = new Float64Array(m_);
      // α and Σ are per day while a trade is paid once and held for `rebalance_every` days: amortise the
      // costs over the holding period so the optimiser compares like with like.
      const holding = pc.rebalance_every;
      const linear = new Float64Array(m_).fill(
        (pc.kappa + (pc.costs.half_spread_bps + pc.costs.fee_bps) / 1e4) / holding,
      );
      const impact = new Float64Array(m_);
      let q = 0;
      for (let a = 0; a < m_; a++) {
        const i = I[a]!;
        if (live[a]) {
          alpha[a] = alphaLive[q++]!;
          lower[a] = -pc.max_position;
          upper[a] = pc.max_position;
        }
        if (!tradable[i]) lower[a] = upper[a] = w0[a]!; // not this rebalance's bucket: hold
        const P = price?.[i] ?? Number.NaN;
        const adv = movingAverageVolume(volume, t, i, N);
        const sd = sigmaAll[i]!;
        if (P > 0 && adv > 0 && sd > 0)
          impact[a] = (pc.costs.impact_y * sd * Math.sqrt(pc.costs.nav / (P * adv))) / holding;
      }
      const betaRow = Float64Array.from(I, (i) => (Number.isFinite(beta[i]!) ? beta[i]! : 0));
      const equalities = neutralityConstraints({
        n: m_,
        dollar: pc.dollar_neutral,
        ...(pc.sector_neutral
          ? { sectorOf: Int32Array.from(I, (i) => ctx.sectorOf[i]!), sectorNames: u.sectors }
          : {}),
        ...(pc.beta_neutral ? { beta: betaRow } : {}),
      });
      if (b === 0) {
        // the same rows over all N names (zeros outside the model) for the assertion suite
        for (const c of equalities) {
          const row = new Float64Array(N);
          I.forEach((i, a) => {
            row[i] = c.row[a]!;
          });
          rowsForAssertions.push({ name: c.name, row });
        }
      }
      const prev = states.get(m);
      const warm: AdmmState | undefined = prev
        ? {
            z: Float64Array.from(I, (i) => prev.z[i]!),
            y: Float64Array.from(I, (i) => prev.y[i]!),
            rho: prev.rho,
          }
        : undefined;
      const weights = new Float64Array(N);
      try {
        const sol = solveWithVolTarget(
          {
            alpha,
            Sigma,
            // start the volatility-target search from the previous rebalance's risk aversion
            gamma: prev?.gamma ?? pc.gamma,
            w0,
            lower,
            upper,
            linearCost: linear,
            impactCost: impact,
            equalities,
            maxGross: pc.max_gross ?? pc.max_leverage,
          },
          {
            targetVol: pc.target_vol,
            mode: 'target',
            epsAbs: 1e-7,
            epsRel: 1e-5,
            maxIterations: 5000,
            ...(warm ? { warmStart: warm } : {}),
          },
        );
        I.forEach((i, a) => {
          weights[i] = sol.w[a]!;
        });
        const z = new Float64Array(N);
        const y = new Float64Array(N);
        I.forEach((i, a) => {
          z[i] = sol.state.z[a]!;
          y[i] = sol.state.y[a]!;
        });
        states.set(m, { z, y, rho: sol.state.rho, gamma: sol.gamma });
        solves.push({
          method: m,
          status: 'ok',
          names: m_,
          iterations: sol.iterations,
          solves: sol.solves,
          totalIterations: sol.totalIterations,
          gamma: sol.gamma,
          exAnteVol: sol.exAnteVol,
          volTargetReached: sol.volTargetReached,
        });
        decisions.push({
          weights,
          info: { status: 'ok', horizon: h, gamma: sol.gamma, exAnteVol: sol.exAnteVol },
        });
      } catch (e) {
        if (!(e instanceof InfeasibleError || e instanceof NotConvergedError)) throw e;
        // keep the held book (drifted) rather than trade on an unsolved problem; recorded in the report
        const status = e instanceof InfeasibleError ? 'infeasible' : 'not-converged';
        solves.push({
          method: m,
          status,
          names: m_,
          iterations: 0,
          solves: 0,
          totalIterations: 0,
          gamma: Number.NaN,
          exAnteVol: Number.NaN,
          volTargetReached: false,
          note: e.message,
        });
        notes.push(`${m} on ${view.date}: ${e.message}; the held book was kept`);
        decisions.push({ weights: Float64Array.from(w0All), info: { status } });
      }
    });
    for (const bl of baselines) decisions.push({ weights: decileBook(bl.score(view)) });
    constraintRows.set(t, rowsForAssertions);
    const optimiseMs = performance.now() - o0;
    timings.optimiseMs! += optimiseMs;
    records.push({
      k,
      t,
      date: view.date,
      horizon: h,
      effectiveN: choice.weights.effectiveN,
      expectedIc,
      windowStocks: w.p,
      investable: investableCount,
      solves,
      ms: { covariance: performance.now() - o0 - optimiseMs, optimise: optimiseMs },
    });
    input.onRebalance?.(k + 1, schedule.length);
    return decisions;
  };

  t0 = performance.now();
  const costs = (from: Float64Array, to: Float64Array, s: number): number => {
    // the same cost model for every book (seed 001 P1.4): spread + fee on |Δw| and square-root impact
    const lin = (pc.costs.half_spread_bps + pc.costs.fee_bps) / 1e4;
    let c = 0;
    for (let i = 0; i < N; i++) {
      const dw = Math.abs(to[i]! - from[i]!);
      if (dw === 0) continue;
      c += lin * dw;
      const P = close?.values[s * N + i] ?? Number.NaN;
      const adv = movingAverageVolume(volume, s, i, N);
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
      const sigma = n > 1 ? Math.sqrt(ss / n) : Number.NaN;
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
    decideAll,
    cost: costs,
  });
  timings.simulationMs =
    performance.now() - t0 - timings.covarianceMs! - timings.optimiseMs! - timings.factorModelMs! + fmSetupMs;
  void T;
  return {
    books: bookNames.map((name, b) => ({
      name,
      kind: b < methods.length ? 'portfolio' : 'baseline',
      sim: sims[b]!,
    })),
    records,
    choices,
    diagnostics,
    constraintsAt: (t) => constraintRows.get(t) ?? [],
    notes,
    timingsMs: timings,
  };
}
