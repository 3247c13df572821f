/**
 * Assembly of the Fama–MacBeth model from its per-date pieces (methods.md §6): F = cov(f̂) ddof 1,
 * D_i = var(ε_{·,i}) ddof 1 with the median fallback, B_T from the as-of loadings, premia and t-stats.
 */
import { StructuredCovariance } from '../../linalg/index.ts';
import { factorPremia, neweyWestDefaultLags } from './premia.ts';
import type { FactorRiskModel, SkippedDate } from './types.ts';

export interface AssembleInput {
  readonly asOf: string;
  readonly factors: readonly string[];
  readonly tickers: readonly string[];
  /** Retained loading columns (panels' values); the as-of row starts at `asOfOffset`. */
  readonly asOfLoadings: readonly Float64Array[];
  readonly asOfOffset: number;
  readonly banned: Uint8Array;
  /** T_valid × K row-major. */
  readonly fHat: Float64Array;
  readonly validDates: readonly string[];
  readonly skippedDates: readonly SkippedDate[];
  readonly epsSum: Float64Array;
  readonly epsSumSq: Float64Array;
  readonly epsCount: Int32Array;
  readonly minSpecificObs: number;
  readonly nwLags?: number;
}

/** Sample covariance (ddof 1) of the rows of the T × K matrix `x`, two-pass. */
export function columnCovarianceDdof1(T: number, K: number, x: Float64Array): Float64Array {
  const mean = new Float64Array(K);
  for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) mean[k]! += x[t * K + k]!;
  for (let k = 0; k < K; k++) mean[k]! /= T;
  const C = new Float64Array(K * K);
  for (let t = 0; t < T; t++) {
    const o = t * K;
    for (let a = 0; a < K; a++) {
      const da = x[o + a]! - mean[a]!;
      for (let b = a; b < K; b++) C[a * K + b]! += da * (x[o + b]! - mean[b]!);
    }
  }
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      const v = C[a * K + b]! / (T - 1);
      C[a * K + b] = v;
      C[b * K + a] = v;
    }
  }
  return C;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

export function assembleFactorModel(a: AssembleInput): {
  model: FactorRiskModel;
  tickersWithoutLoadings: string[];
} {
  const K = a.factors.length;
  const Tv = a.validDates.length;
  const F = columnCovarianceDdof1(Tv, K, a.fHat);
  const nwLags = a.nwLags ?? neweyWestDefaultLags(Tv);
  const premia = factorPremia(Tv, K, a.fHat, a.factors, nwLags);

  const Nall = a.tickers.length;
  const own: number[] = [];
  const dAll = new Float64Array(Nall).fill(Number.NaN);
  for (let i = 0; i < Nall; i++) {
    const n = a.epsCount[i]!;
    if (n >= a.minSpecificObs) {
      // Residual means are near 0 (the intercept absorbs the cross-sectional mean), so the one-pass
      // form loses nothing material here.
      const s = a.epsSum[i]!;
      const v = (a.epsSumSq[i]! - (s * s) / n) / (n - 1);
      dAll[i] = v;
      own.push(v);
    }
  }
  const dMedian = median(own);

  const tickers: string[] = [];
  const rows: number[] = [];
  const tickersWithoutLoadings: string[] = [];
  outer: for (let i = 0; i < Nall; i++) {
    if (a.banned[i] === 1) continue;
    for (const c of a.asOfLoadings) {
      if (Number.isNaN(c[a.asOfOffset + i]!)) {
        tickersWithoutLoadings.push(a.tickers[i]!);
        continue outer;
      }
    }
    tickers.push(a.tickers[i]!);
    rows.push(i);
  }
  const N = tickers.length;
  const B = new Float64Array(N * K);
  const D = new Float64Array(N);
  const specificObs = new Int32Array(N);
  for (let s = 0; s < N; s++) {
    const i = rows[s]!;
    B[s * K] = 1;
    for (let k = 1; k < K; k++) B[s * K + k] = a.asOfLoadings[k - 1]![a.asOfOffset + i]!;
    D[s] = Number.isNaN(dAll[i]!) ? dMedian : dAll[i]!;
    specificObs[s] = a.epsCount[i]!;
  }
  let cached: StructuredCovariance | undefined;
  const model: FactorRiskModel = Object.freeze({
    asOf: a.asOf,
    factors: Object.freeze([...a.factors]),
    tickers: Object.freeze(tickers),
    B,
    F,
    D,
    specificObs,
    factorReturnDates: Object.freeze([...a.validDates]),
    factorReturns: a.fHat.slice(),
    premia,
    nwLags,
    skippedDates: Object.freeze([...a.skippedDates]),
    covariance(): StructuredCovariance {
      cached ??= factorCovarianceOperator(N, K, B, F, D);
      return cached;
    },
  });
  return { model, tickersWithoutLoadings };
}

/** Σ = B F Bᵀ + diag(D) as a structured operator (methods.md §5 table, last row). */
export function factorCovarianceOperator(
  N: number,
  K: number,
  B: Float64Array,
  F: Float64Array,
  D: Float64Array,
): StructuredCovariance {
  return new StructuredCovariance({ p: N, k: K, diag: D, U: B, C: F });
}

/**
 * Σ of a factor model restricted to `tickers` (in that order), e.g. to compare it with a covariance
 * window's estimators; tickers the model does not cover are returned in `missing` and left out.
 */
export function restrictFactorCovariance(
  model: Pick<FactorRiskModel, 'tickers' | 'factors' | 'B' | 'F' | 'D'>,
  tickers: readonly string[],
): { covariance: StructuredCovariance; tickers: string[]; missing: string[] } {
  const K = model.factors.length;
  const pos = new Map(model.tickers.map((t, i) => [t, i] as const));
  const kept: string[] = [];
  const missing: string[] = [];
  for (const t of tickers) (pos.has(t) ? kept : missing).push(t);
  const B = new Float64Array(kept.length * K);
  const D = new Float64Array(kept.length);
  kept.forEach((t, s) => {
    const i = pos.get(t)!;
    B.set(model.B.subarray(i * K, (i + 1) * K), s * K);
    D[s] = model.D[i]!;
  });
  return { covariance: factorCovarianceOperator(kept.length, K, B, model.F, D), tickers: kept, missing };
}
