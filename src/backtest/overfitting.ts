/**
 * How much of the best backtest is selection luck, over all the configurations a run tried (covariance
 * methods, signal variants…):
 *
 * - Deflated Sharpe ratio (Bailey & López de Prado 2014, J. Portfolio Management 40(5)): the probability that
 *   the selected strategy's true Sharpe exceeds the expected maximum of N unskilled trials,
 *   SR₀ = √V[SRₙ]·((1 − γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(N·e))), γ = Euler–Mascheroni, and
 *   DSR = Φ((SR̂ − SR₀)√(T − 1) / √(1 − γ̂₃SR̂ + (γ̂₄ − 1)/4·SR̂²)), all Sharpe ratios per period (not annualised),
 *   γ̂₃ the skewness and γ̂₄ the (non-excess) kurtosis of the selected returns. With SR₀ = 0 it is the
 *   probabilistic Sharpe ratio.
 * - Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 *   López de Prado & Zhu 2017, J. Computational Finance 20(4)): split the T × N matrix of returns into S
 *   blocks of rows; for every choice of S/2 blocks as in-sample, pick the best in-sample configuration and
 *   record the logit of its out-of-sample relative rank; PBO = share of logits ≤ 0.
 */
import { InvalidInputError } from '../core/errors.ts';
import { normalCdf, normalQuantile } from '../stats/normal.ts';

const EULER_GAMMA = 0.5772156649015329;

export interface SharpeMoments {
  /** Per-period Sharpe ratio mean/sd (ddof 1). */
  readonly sharpe: number;
  readonly skewness: number;
  /** Non-excess kurtosis (3 for a normal). */
  readonly kurtosis: number;
  readonly n: number;
}

/** Per-period Sharpe, skewness and kurtosis of the finite values of `r`; NaN when fewer than 3 or sd = 0. */
export function sharpeMoments(r: ArrayLike<number>): SharpeMoments {
  let n = 0;
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    if (Number.isFinite(x)) {
      n++;
      s += x;
    }
  }
  if (n < 3) return { sharpe: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN, n };
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    if (!Number.isFinite(x)) continue;
    const d = x - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const var0 = m2 / n;
  if (!(var0 > 1e-24)) return { sharpe: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN, n };
  const sd1 = Math.sqrt(m2 / (n - 1));
  return { sharpe: mean / sd1, skewness: m3 / n / var0 ** 1.5, kurtosis: m4 / n / (var0 * var0), n };
}

/** Expected maximum per-period Sharpe of N unskilled trials whose Sharpe ratios have variance V. */
export function expectedMaxSharpe(nTrials: number, varianceOfSharpes: number): number {
  if (!(nTrials >= 1)) throw new InvalidInputError(`number of trials must be ≥ 1, got ${nTrials}`);
  if (nTrials === 1) return 0;
  return (
    Math.sqrt(varianceOfSharpes) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / nTrials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (nTrials * Math.E)))
  );
}

/** Probabilistic Sharpe ratio P(SR > benchmark) from per-period moments. */
export function probabilisticSharpe(m: SharpeMoments, benchmarkSharpe: number): number {
  if (!(m.n >= 3) || !Number.isFinite(m.sharpe)) return Number.NaN;
  const denom = 1 - m.skewness * m.sharpe + ((m.kurtosis - 1) / 4) * m.sharpe * m.sharpe;
  if (!(denom > 0)) return Number.NaN;
  return normalCdf(((m.sharpe - benchmarkSharpe) * Math.sqrt(m.n - 1)) / Math.sqrt(denom));
}

export interface DeflatedSharpe {
  readonly dsr: number;
  /** Expected maximum Sharpe of the trials under the null, per period. */
  readonly sr0: number;
  readonly selected: SharpeMoments;
  readonly nTrials: number;
}

/**
 * DSR of the selected strategy. `trialSharpes` are the per-period Sharpe ratios of every configuration tried
 * (including the selected one); their variance sets the null's spread.
 */
export function deflatedSharpe(
  selectedReturns: ArrayLike<number>,
  trialSharpes: readonly number[],
): DeflatedSharpe {
  const finite = trialSharpes.filter(Number.isFinite);
  const selected = sharpeMoments(selectedReturns);
  const N = finite.length;
  if (N === 0) return { dsr: Number.NaN, sr0: Number.NaN, selected, nTrials: 0 };
  const mean = finite.reduce((a, b) => a + b, 0) / N;
  const V = N > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1) : 0;
  const sr0 = expectedMaxSharpe(N, V);
  return { dsr: probabilisticSharpe(selected, sr0), sr0, selected, nTrials: N };
}

export interface PboResult {
  /** Probability of backtest overfitting: share of splits whose in-sample winner ranks below the OOS median. */
  readonly pbo: number;
  /** Logits λ = ln(ω/(1 − ω)) of the winner's OOS relative rank, one per split. */
  readonly logits: Float64Array;
  /** Share of splits in which the in-sample winner loses money out of sample. */
  readonly probabilityOfLoss: number;
  readonly splits: number;
  readonly blocks: number;
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * CSCV probability of backtest overfitting. `returns` is T × N row-major (row = period, column = configuration);
 * the first T mod S rows are dropped so blocks are equal. Sharpe per block set uses pooled sums (ddof 1).
 */
export function probabilityOfBacktestOverfitting(
  returns: Float64Array,
  T: number,
  N: number,
  blocks = 16,
): PboResult {
  if (returns.length !== T * N)
    throw new InvalidInputError(`returns have ${returns.length} cells, expected ${T}×${N}`);
  if (!(blocks >= 2 && blocks % 2 === 0))
    throw new InvalidInputError(`blocks must be an even number ≥ 2, got ${blocks}`);
  if (N < 2) throw new InvalidInputError('PBO needs at least two configurations');
  const rows = Math.floor(T / blocks);
  if (rows < 2) throw new InvalidInputError(`${T} periods are too few for ${blocks} blocks`);
  const start = T - rows * blocks;
  // per block and configuration: count, sum and sum of squares of the finite returns
  const cnt = new Float64Array(blocks * N);
  const sum = new Float64Array(blocks * N);
  const sq = new Float64Array(blocks * N);
  for (let b = 0; b < blocks; b++) {
    for (let t = start + b * rows; t < start + (b + 1) * rows; t++) {
      for (let j = 0; j < N; j++) {
        const x = returns[t * N + j]!;
        if (!Number.isFinite(x)) continue;
        cnt[b * N + j]!++;
        sum[b * N + j]! += x;
        sq[b * N + j]! += x * x;
      }
    }
  }
  const sharpeOf = (set: readonly number[], j: number) => {
    let n = 0;
    let s = 0;
    let s2 = 0;
    for (const b of set) {
      n += cnt[b * N + j]!;
      s += sum[b * N + j]!;
      s2 += sq[b * N + j]!;
    }
    if (n < 2) return Number.NaN;
    const mean = s / n;
    const v = (s2 - n * mean * mean) / (n - 1);
    return v > 0 ? mean / Math.sqrt(v) : Number.NaN;
  };
  const logits: number[] = [];
  let losses = 0;
  const all = Array.from({ length: blocks }, (_, b) => b);
  for (const inSample of combinations(blocks, blocks / 2)) {
    const outSample = all.filter((b) => !inSample.includes(b));
    let best = -1;
    let bestSr = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < N; j++) {
      const sr = sharpeOf(inSample, j);
      if (sr > bestSr) {
        bestSr = sr;
        best = j;
      }
    }
    if (best < 0) continue;
    const oos = Array.from({ length: N }, (_, j) => sharpeOf(outSample, j));
    const winner = oos[best]!;
    if (!Number.isFinite(winner)) continue;
    // relative rank ω ∈ (0, 1): average rank of the winner among the N OOS Sharpe ratios over N + 1
    let below = 0;
    let ties = 0;
    for (const x of oos) {
      if (x < winner) below++;
      else if (x === winner) ties++;
    }
    const rank = below + (ties + 1) / 2;
    const omega = rank / (N + 1);
    logits.push(Math.log(omega / (1 - omega)));
    if (winner < 0) losses++;
  }
  const L = Float64Array.from(logits);
  const pbo = L.length ? L.filter((l) => l <= 0).length / L.length : Number.NaN;
  return {
    pbo,
    logits: L,
    probabilityOfLoss: L.length ? losses / L.length : Number.NaN,
    splits: L.length,
    blocks,
  };
}
