/**
 * One book's held weights between its decisions, so that each covariance method's chain of solves can run on
 * its own (in parallel with the others) instead of in the simulator's lockstep. The arithmetic is
 * backtest/simulate.ts's, operation for operation — earn day s with the weights held at the close of s − 1,
 * drift w_i ← w_i(1 + r_i)/(1 + Σ_j w_j r_j) (a missing return counts as 0), trade a decision of t at the
 * close of t + d — and the stage checks it: the simulator's own `held` must equal these weights bit for bit.
 */
export class DriftedBook {
  private w: Float64Array;
  /** Last day earned and traded. */
  private closed = -1;
  private readonly pending = new Map<number, Float64Array>();

  constructor(
    private readonly returns: Float64Array,
    private readonly T: number,
    private readonly N: number,
    private readonly executionDelay: number,
  ) {
    this.w = new Float64Array(N);
  }

  /** The weights drifted to the close of decision day t, before that close's trades (simulate.ts's `held`). */
  heldAt(t: number): Float64Array {
    for (let s = this.closed + 1; s < t; s++) {
      this.earn(s);
      this.trade(s);
    }
    this.earn(t);
    return Float64Array.from(this.w);
  }

  /** Records the target chosen at t (traded at t + d if that is a day of the data) and closes day t. */
  decided(t: number, target: Float64Array): void {
    const s = t + this.executionDelay;
    if (s < this.T) this.pending.set(s, target);
    this.trade(t);
    this.closed = t;
  }

  private trade(s: number): void {
    const target = this.pending.get(s);
    if (!target) return;
    this.pending.delete(s);
    this.w = Float64Array.from(target);
  }

  private earn(s: number): void {
    const w = this.w;
    const N = this.N;
    const row = s * N;
    const r = this.returns;
    let rp = 0;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const x = r[row + i]!;
      if (!Number.isNaN(x)) rp += wi * x;
    }
    const denom = 1 + rp;
    for (let i = 0; i < N; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const x = r[row + i]!;
      w[i] = (wi * (1 + (Number.isNaN(x) ? 0 : x))) / denom;
    }
  }
}
