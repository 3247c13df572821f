/**
 * Evaluation of a walk-forward result (methods.md §8, seed 001 P0–P2): return, volatility, Sharpe, CAGR,
 * information ratio, CAPM α/β with Newey–West t, maximum drawdown from E₀ = 1, hit rate, turnover with drift,
 * costs, exposures (sector, beta, style factors) and rolling 20/60-bar factor exposures. All statistics use the
 * evaluation window: from the first day that earns from a traded book to the end.
 */
import { InvalidInputError } from '../core/errors.ts';
import {
  annualizedReturn,
  annualizedVolatility,
  cagr,
  capm,
  hitRate,
  informationRatio,
  maxDrawdown,
  ols,
  sharpeRatio,
} from '../stats/index.ts';
import type { SimulationResult } from './simulate.ts';

export interface PerformanceSummary {
  readonly days: number;
  readonly annualReturn: number;
  readonly annualVolatility: number;
  readonly sharpe: number;
  readonly cagr: number;
  readonly maxDrawdown: number;
  readonly hitRate: number;
}

export interface Evaluation {
  readonly start: string;
  readonly end: string;
  readonly net: PerformanceSummary;
  readonly gross: PerformanceSummary;
  /** Information ratio of net returns against the benchmark (NaN without one). */
  readonly informationRatio: number;
  readonly capm: {
    readonly alphaAnnual: number;
    readonly beta: number;
    readonly alphaT: number;
    readonly betaT: number;
    readonly betaStandardError: number;
    readonly appraisalRatio: number;
    readonly lags: number;
  };
  /** Two-way turnover, annualised: (252/N_days)·Σ TO_t. */
  readonly annualTurnover: number;
  /** Annualised cost drag Σ cost·252/N_days. */
  readonly annualCost: number;
  readonly averageGross: number;
  readonly rebalances: number;
  /** Name-level trades (|Δw| > 1e-9) summed over rebalances. */
  readonly trades: number;
}

function summary(r: Float64Array, gross: Float64Array): PerformanceSummary {
  return {
    days: r.length,
    annualReturn: annualizedReturn(r),
    annualVolatility: annualizedVolatility(r),
    sharpe: sharpeRatio(r),
    cagr: cagr(r),
    maxDrawdown: maxDrawdown(r),
    hitRate: hitRate(r, gross),
  };
}

/**
 * Evaluates `sim` over [firstActiveIndex, T). `benchmark` are the benchmark's daily simple returns on the
 * same dates (e.g. the market index), used for IR and CAPM; without it both are NaN.
 */
export function evaluate(sim: SimulationResult, benchmark?: Float64Array): Evaluation {
  const T = sim.dates.length;
  const s0 = sim.firstActiveIndex;
  if (s0 >= T) throw new InvalidInputError('the backtest never traded: no evaluation window');
  if (benchmark && benchmark.length !== T)
    throw new InvalidInputError(`benchmark has ${benchmark.length} values, expected ${T}`);
  const net = sim.netReturns.subarray(s0);
  const gross = sim.grossReturns.subarray(s0);
  const exposure = sim.grossExposure.subarray(s0 - 1, T - 1); // exposure held while earning day s
  const n = T - s0;
  let to = 0;
  let cost = 0;
  let trades = 0;
  let avgGross = 0;
  for (let s = s0 - 1; s < T; s++) {
    to += sim.turnover[s]!;
    cost += sim.cost[s]!;
  }
  for (const r of sim.rebalances) trades += r.traded;
  for (let k = 0; k < exposure.length; k++) avgGross += exposure[k]!;
  avgGross /= Math.max(1, exposure.length);
  const bench = benchmark?.subarray(s0);
  const fit = bench ? capm(net, bench) : undefined;
  return {
    start: sim.dates[s0]!,
    end: sim.dates[T - 1]!,
    net: summary(net, exposure),
    gross: summary(gross, exposure),
    informationRatio: bench ? informationRatio(net, bench) : Number.NaN,
    capm: {
      alphaAnnual: fit?.alphaAnnualized ?? Number.NaN,
      beta: fit?.beta ?? Number.NaN,
      alphaT: fit?.alphaTStat ?? Number.NaN,
      betaT: fit?.betaTStat ?? Number.NaN,
      betaStandardError: fit?.betaStandardErrorNeweyWest ?? Number.NaN,
      appraisalRatio: fit?.appraisalRatio ?? Number.NaN,
      lags: fit?.lags ?? Number.NaN,
    },
    annualTurnover: (252 / n) * to,
    annualCost: (252 / n) * cost,
    averageGross: avgGross,
    rebalances: sim.rebalances.length,
    trades,
  };
}

export interface RollingExposure {
  readonly window: number;
  readonly factors: readonly string[];
  /** T × K betas (row-major), NaN until the window is full of complete rows. */
  readonly betas: Float64Array;
}

/**
 * Rolling OLS of portfolio returns on factor returns (with intercept) over `window` bars ending at each t
 * (seed 001 P2.2, methods.md §8). Rows with any NaN are skipped; a window needs `window` complete rows.
 */
export function rollingFactorExposures(
  r: Float64Array,
  factors: ReadonlyMap<string, Float64Array>,
  window: number,
): RollingExposure {
  const names = [...factors.keys()];
  const K = names.length;
  const T = r.length;
  const betas = new Float64Array(T * K).fill(Number.NaN);
  const cols = names.map((n) => factors.get(n)!);
  for (const c of cols)
    if (c.length !== T) throw new InvalidInputError(`factor series have ${c.length} values, expected ${T}`);
  for (let t = window - 1; t < T; t++) {
    const y = r.subarray(t - window + 1, t + 1);
    const X = new Float64Array(window * (K + 1));
    for (let j = 0; j < window; j++) {
      X[j * (K + 1)] = 1;
      for (let k = 0; k < K; k++) X[j * (K + 1) + 1 + k] = cols[k]![t - window + 1 + j]!;
    }
    const fit = ols(y, X, K + 1);
    if (fit.n < window) continue;
    for (let k = 0; k < K; k++) betas[t * K + k] = fit.coefficients[1 + k]!;
  }
  return { window, factors: names, betas };
}

export interface ExposureSummary {
  /** Average net weight per sector at rebalances. */
  readonly sector: Readonly<Record<string, number>>;
  /** Average ex-ante beta Σ w β at rebalances (NaN where β is missing for a held name). */
  readonly beta: number;
  /** Largest |Σ_{i∈g} w_i| over sectors and rebalances. */
  readonly maxSectorNet: number;
  readonly maxAbsBeta: number;
}

export function exposureSummary(
  sim: SimulationResult,
  sectorOf: Int32Array,
  sectors: readonly string[],
  betaAt?: (decisionIndex: number) => Float64Array,
): ExposureSummary {
  const G = sectors.length;
  const avg = new Float64Array(G);
  let maxSector = 0;
  let betaSum = 0;
  let maxBeta = 0;
  let nb = 0;
  for (const reb of sim.rebalances) {
    const net = new Float64Array(G);
    reb.weights.forEach((w, i) => {
      net[sectorOf[i]!]! += w;
    });
    for (let g = 0; g < G; g++) {
      avg[g]! += net[g]! / sim.rebalances.length;
      maxSector = Math.max(maxSector, Math.abs(net[g]!));
    }
    if (betaAt) {
      const beta = betaAt(reb.decisionIndex);
      let b = 0;
      reb.weights.forEach((w, i) => {
        if (w !== 0) b += w * beta[i]!;
      });
      if (Number.isFinite(b)) {
        betaSum += b;
        nb++;
        maxBeta = Math.max(maxBeta, Math.abs(b));
      }
    }
  }
  return {
    sector: Object.fromEntries(sectors.map((s, g) => [s, avg[g]!])),
    beta: nb ? betaSum / nb : Number.NaN,
    maxSectorNet: maxSector,
    maxAbsBeta: nb ? maxBeta : Number.NaN,
  };
}
