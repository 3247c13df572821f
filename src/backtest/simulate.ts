/**
 * Walk-forward simulation (methods.md §1, §7, §8; architecture.md §4). At each decision index t the `decide`
 * callback sees only a point-in-time view up to t and returns target weights; they are traded at the close of
 * t + d (execution delay d) from the weights drifted to that close, and earn from day t + d + 1. Between
 * rebalances weights drift with returns: w⁻_i = w_i(1 + r_i)/(1 + Σ_j w_j r_j). The last rebalance is held
 * to the end of the data (the seed lets it lapse after one day). Costs are charged on the execution day on the
 * traded notional, so net = gross − cost.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { type PointInTimeView, pointInTimeView } from './view.ts';

export interface Decision {
  /** Target weights, one per ticker (finite; 0 for names not held). */
  readonly weights: Float64Array;
  /** Anything the strategy wants recorded with the rebalance (solver stats, chosen horizon…). */
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface SimulationInput {
  readonly universe: Universe;
  /** Simple daily returns, dates × tickers (usually the universe's `return` panel). NaN = no return. */
  readonly returns: Float64Array;
  /** Decision indices, strictly increasing. */
  readonly decisionIndices: readonly number[];
  readonly executionDelay: number;
  /** Chooses target weights from data up to t; `held` are the weights drifted to the close of t. */
  decide(view: PointInTimeView, held: Float64Array, k: number): Decision;
  /** Cost of moving from `from` to `to` as a fraction of NAV (0 if omitted). */
  cost?(from: Float64Array, to: Float64Array, executionIndex: number): number;
}

export interface Rebalance {
  readonly k: number;
  readonly decisionIndex: number;
  readonly executionIndex: number;
  readonly date: string;
  readonly weights: Float64Array;
  /** Two-way turnover Σ|w_target − w_drifted| (methods.md §8). */
  readonly turnover: number;
  /** Names whose weight changed by more than 1e-9. */
  readonly traded: number;
  readonly cost: number;
  readonly info: Readonly<Record<string, unknown>>;
}

export interface SimulationResult {
  readonly dates: readonly string[];
  /** Portfolio return of each day from weights held at the previous close (0 before the first trade). */
  readonly grossReturns: Float64Array;
  readonly netReturns: Float64Array;
  /** Two-way turnover traded at each day's close. */
  readonly turnover: Float64Array;
  readonly cost: Float64Array;
  /** Gross exposure Σ|w| after each day's close. */
  readonly grossExposure: Float64Array;
  readonly rebalances: readonly Rebalance[];
  /** First day that earns from a traded book (first execution index + 1). */
  readonly firstActiveIndex: number;
  /** Names held through a missing return (treated as 0 that day), counted. */
  readonly missingHeldReturns: number;
}

export function simulateWalkForward(input: SimulationInput): SimulationResult {
  const { universe: u, returns, decisionIndices, executionDelay: d } = input;
  const T = u.dates.length;
  const N = u.tickers.length;
  if (returns.length !== T * N)
    throw new InvalidInputError(`returns have ${returns.length} cells, expected ${T * N}`);
  if (!(Number.isInteger(d) && d >= 0))
    throw new InvalidInputError(`execution delay must be a non-negative integer, got ${d}`);
  for (let k = 1; k < decisionIndices.length; k++) {
    if (!(decisionIndices[k]! > decisionIndices[k - 1]!))
      throw new InvalidInputError('decision indices must be strictly increasing');
  }
  const gross = new Float64Array(T);
  const net = new Float64Array(T);
  const turnover = new Float64Array(T);
  const cost = new Float64Array(T);
  const grossExposure = new Float64Array(T);
  const rebalances: Rebalance[] = [];
  const pending = new Map<number, { k: number; t: number; decision: Decision }>();
  const decisionAt = new Map<number, number>();
  decisionIndices.forEach((t, k) => decisionAt.set(t, k));

  let w = new Float64Array(N);
  let missing = 0;
  let firstActive = T;
  for (let s = 0; s < T; s++) {
    // 1. earn day s with the weights held at the close of s − 1, then drift them
    let rp = 0;
    const row = s * N;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const r = returns[row + i]!;
      if (Number.isNaN(r)) missing++;
      else rp += wi * r;
    }
    gross[s] = rp;
    const denom = 1 + rp;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const r = returns[row + i]!;
      w[i] = (wi * (1 + (Number.isNaN(r) ? 0 : r))) / denom;
    }
    // 2. decide at the close of s (sees data ≤ s only)
    const k = decisionAt.get(s);
    if (k !== undefined) {
      const decision = input.decide(pointInTimeView(u, s), Float64Array.from(w), k);
      if (decision.weights.length !== N)
        throw new InvalidInputError(
          `decision ${k} returned ${decision.weights.length} weights, expected ${N}`,
        );
      for (let i = 0; i < N; i++) {
        if (!Number.isFinite(decision.weights[i]!)) {
          throw new InvalidInputError(`decision ${k} returned a non-finite weight`, {
            where: { ticker: u.tickers[i]!, date: u.dates[s]! },
          });
        }
      }
      if (s + d < T) pending.set(s + d, { k, t: s, decision });
    }
    // 3. execute a pending decision at the close of s
    const exec = pending.get(s);
    if (exec) {
      pending.delete(s);
      const target = Float64Array.from(exec.decision.weights);
      let to = 0;
      let traded = 0;
      for (let i = 0; i < N; i++) {
        const dw = Math.abs(target[i]! - w[i]!);
        to += dw;
        if (dw > 1e-9) traded++;
      }
      const c = input.cost ? input.cost(w, target, s) : 0;
      turnover[s] = to;
      cost[s] = c;
      rebalances.push({
        k: exec.k,
        decisionIndex: exec.t,
        executionIndex: s,
        date: u.dates[exec.t]!,
        weights: target,
        turnover: to,
        traded,
        cost: c,
        info: exec.decision.info ?? {},
      });
      if (firstActive === T) firstActive = s + 1;
      w = target;
    }
    net[s] = gross[s]! - cost[s]!;
    let g = 0;
    for (let i = 0; i < N; i++) g += Math.abs(w[i]!);
    grossExposure[s] = g;
  }
  return {
    dates: u.dates,
    grossReturns: gross,
    netReturns: net,
    turnover,
    cost,
    grossExposure,
    rebalances,
    firstActiveIndex: firstActive,
    missingHeldReturns: missing,
  };
}

/** Decision indices every `every` bars starting at `warmup` (seed 002: 21 after 252), up to T − 1 − d. */
export function rebalanceSchedule(
  T: number,
  warmup: number,
  every: number,
  executionDelay: number,
): number[] {
  const out: number[] = [];
  for (let t = warmup; t + executionDelay < T; t += every) out.push(t);
  return out;
}
