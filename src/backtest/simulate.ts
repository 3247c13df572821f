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

/** Several books simulated in lockstep over the same days, so that work shared by their decisions at t
 * (a covariance window, an alpha) is done once. Book b's `decide` result is `decideAll(...)[b]`. */
export interface MultiSimulationInput {
  readonly universe: Universe;
  readonly returns: Float64Array;
  readonly decisionIndices: readonly number[];
  readonly executionDelay: number;
  readonly books: number;
  /** Decisions of every book at t; `held[b]` are book b's weights drifted to the close of t. */
  decideAll(view: PointInTimeView, held: readonly Float64Array[], k: number): readonly Decision[];
  cost?(from: Float64Array, to: Float64Array, executionIndex: number, book: number): number;
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
  const { decide, cost } = input;
  return simulateBooks({
    universe: input.universe,
    returns: input.returns,
    decisionIndices: input.decisionIndices,
    executionDelay: input.executionDelay,
    books: 1,
    decideAll: (view, held, k) => [decide(view, held[0]!, k)],
    ...(cost ? { cost: (from: Float64Array, to: Float64Array, s: number) => cost(from, to, s) } : {}),
  })[0]!;
}

class Book {
  readonly gross: Float64Array;
  readonly net: Float64Array;
  readonly turnover: Float64Array;
  readonly cost: Float64Array;
  readonly grossExposure: Float64Array;
  readonly rebalances: Rebalance[] = [];
  readonly pending = new Map<number, { k: number; t: number; decision: Decision }>();
  w: Float64Array;
  missing = 0;
  firstActive: number;
  constructor(T: number, N: number) {
    this.gross = new Float64Array(T);
    this.net = new Float64Array(T);
    this.turnover = new Float64Array(T);
    this.cost = new Float64Array(T);
    this.grossExposure = new Float64Array(T);
    this.w = new Float64Array(N);
    this.firstActive = T;
  }

  /** Earn day s with the weights held at the close of s − 1, then drift them (methods.md §8). */
  earn(returns: Float64Array, s: number): void {
    const w = this.w;
    const N = w.length;
    const row = s * N;
    let rp = 0;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const r = returns[row + i]!;
      if (Number.isNaN(r)) this.missing++;
      else rp += wi * r;
    }
    this.gross[s] = rp;
    const denom = 1 + rp;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const r = returns[row + i]!;
      w[i] = (wi * (1 + (Number.isNaN(r) ? 0 : r))) / denom;
    }
  }

  execute(
    s: number,
    dates: readonly string[],
    costOf: ((from: Float64Array, to: Float64Array) => number) | undefined,
  ): void {
    const exec = this.pending.get(s);
    if (!exec) return;
    this.pending.delete(s);
    const target = Float64Array.from(exec.decision.weights);
    const w = this.w;
    let to = 0;
    let traded = 0;
    for (let i = 0; i < w.length; i++) {
      const dw = Math.abs(target[i]! - w[i]!);
      to += dw;
      if (dw > 1e-9) traded++;
    }
    const c = costOf ? costOf(w, target) : 0;
    this.turnover[s] = to;
    this.cost[s] = c;
    this.rebalances.push({
      k: exec.k,
      decisionIndex: exec.t,
      executionIndex: s,
      date: dates[exec.t]!,
      // a copy: `this.w` drifts in place from tomorrow on, the record keeps the traded target
      weights: Float64Array.from(target),
      turnover: to,
      traded,
      cost: c,
      info: exec.decision.info ?? {},
    });
    if (this.firstActive === this.gross.length) this.firstActive = s + 1;
    this.w = target;
  }

  close(s: number): void {
    this.net[s] = this.gross[s]! - this.cost[s]!;
    let g = 0;
    for (let i = 0; i < this.w.length; i++) g += Math.abs(this.w[i]!);
    this.grossExposure[s] = g;
  }
}

export function simulateBooks(input: MultiSimulationInput): SimulationResult[] {
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
  const books = Array.from({ length: input.books }, () => new Book(T, N));
  const decisionAt = new Map<number, number>();
  decisionIndices.forEach((t, k) => decisionAt.set(t, k));
  for (let s = 0; s < T; s++) {
    for (const b of books) b.earn(returns, s);
    const k = decisionAt.get(s);
    if (k !== undefined) {
      // decide at the close of s: the view holds data ≤ s only
      const decisions = input.decideAll(
        pointInTimeView(u, s),
        books.map((b) => Float64Array.from(b.w)),
        k,
      );
      if (decisions.length !== books.length)
        throw new InvalidInputError(
          `decision ${k} returned ${decisions.length} books, expected ${books.length}`,
        );
      decisions.forEach((decision, b) => {
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
        if (s + d < T) books[b]!.pending.set(s + d, { k, t: s, decision });
      });
    }
    books.forEach((b, j) => {
      const costFn = input.cost;
      b.execute(s, u.dates, costFn ? (from, to) => costFn(from, to, s, j) : undefined);
      b.close(s);
    });
  }
  return books.map((b) => ({
    dates: u.dates,
    grossReturns: b.gross,
    netReturns: b.net,
    turnover: b.turnover,
    cost: b.cost,
    grossExposure: b.grossExposure,
    rebalances: b.rebalances,
    firstActiveIndex: b.firstActive,
    missingHeldReturns: b.missing,
  }));
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
