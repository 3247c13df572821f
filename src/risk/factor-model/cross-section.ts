/**
 * One Fama–MacBeth cross-section (methods.md §6): gather the complete assets of a date, form the normal
 * equations of r_t on B_t = [1, loadings_{t−lag}], check rank and conditioning, solve for f̂_t and write the
 * residuals. Base kernels here neither allocate nor validate (style.md habit 1); the caller owns scratch.
 */
import { dsyevRows } from '../../linalg/index.ts';
import type { DateSkipReason } from './types.ts';

/**
 * Base kernel: gathers the assets of one date with a finite return and finite loadings in every column.
 * Writes their panel columns to `idx` and B̃ = [B | r] to `Bt`, column-major with leading dimension N: the
 * intercept (column 0), the loadings (columns 1 … K−1, K = cols.length + 1) and the returns (column K), rows
 * 0 … n−1; returns the count n. `banned[i] = 1` excludes a malformed asset.
 */
export function gatherCompleteAssets(
  N: number,
  r: Float64Array,
  rOff: number,
  cols: readonly Float64Array[],
  lOff: number,
  banned: Uint8Array,
  idx: Int32Array,
  Bt: Float64Array,
): number {
  const K = cols.length + 1;
  const ret = K * N;
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (banned[i] === 1 || Number.isNaN(r[rOff + i]!)) continue;
    let complete = true;
    for (let k = 0; complete && k < cols.length; k++) complete = !Number.isNaN(cols[k]![lOff + i]!);
    if (!complete) continue;
    Bt[ret + n] = r[rOff + i]!;
    idx[n] = i;
    n++;
  }
  Bt.fill(1, 0, n);
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k]!;
    const o = (k + 1) * N;
    for (let s = 0; s < n; s++) Bt[o + s] = c[lOff + idx[s]!]!;
  }
  return n;
}

/**
 * Base kernel: BtB = BᵀB (K × K, both triangles) and Btr = Bᵀr over the first n rows of B̃ = [B | r], column-
 * major with leading dimension `ld` (r is column K: gatherCompleteAssets writes it there). Each entry sums its
 * n products in row order, as a row-by-row accumulation would.
 */
export function normalEquations(
  n: number,
  K: number,
  B: Float64Array,
  ld: number,
  BtB: Float64Array,
  Btr: Float64Array,
  sums: Float64Array = new Float64Array(4),
): void {
  for (let a = 0; a < K; a++) {
    // row a from the diagonal on, then Bᵀr (column K), four columns per pass
    for (let c = a; c <= K; c += 4) {
      const w = Math.min(4, K + 1 - c);
      columnDots(n, B, a * ld, c * ld, ld, w, sums);
      for (let q = 0; q < w; q++) {
        if (c + q === K) Btr[a] = sums[q]!;
        else BtB[a * K + c + q] = BtB[(c + q) * K + a] = sums[q]!;
      }
    }
  }
}

/**
 * Base kernel: out[q] = Σ_s B[oa + s]·B[oc + q·ld + s] (s = 0 … n−1 in order) for q < w ≤ 4. The w sums run side
 * by side, so the loop is not held up by one adder's latency; each sum keeps its own order.
 */
function columnDots(
  n: number,
  B: Float64Array,
  oa: number,
  oc: number,
  ld: number,
  w: number,
  out: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const o1 = oc + ld;
  const o2 = oc + 2 * ld;
  const o3 = oc + 3 * ld;
  if (w === 4) {
    for (let s = 0; s < n; s++) {
      const x = B[oa + s]!;
      s0 += x * B[oc + s]!;
      s1 += x * B[o1 + s]!;
      s2 += x * B[o2 + s]!;
      s3 += x * B[o3 + s]!;
    }
  } else if (w === 3) {
    for (let s = 0; s < n; s++) {
      const x = B[oa + s]!;
      s0 += x * B[oc + s]!;
      s1 += x * B[o1 + s]!;
      s2 += x * B[o2 + s]!;
    }
  } else if (w === 2) {
    for (let s = 0; s < n; s++) {
      const x = B[oa + s]!;
      s0 += x * B[oc + s]!;
      s1 += x * B[o1 + s]!;
    }
  } else {
    for (let s = 0; s < n; s++) s0 += B[oa + s]! * B[oc + s]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

/** Residuals e_s = r_s − Σ_k B_sk·f̂_k (k in order) of the first n rows of B̃ = [B | r] (as gathered) into `out`. */
export function crossSectionResiduals(
  n: number,
  K: number,
  B: Float64Array,
  ld: number,
  f: Float64Array,
  out: Float64Array,
): void {
  const ret = K * ld;
  for (let s = 0; s < n; s++) {
    let fit = 0;
    for (let k = 0; k < K; k++) fit += B[k * ld + s]! * f[k]!;
    out[s] = B[ret + s]! - fit;
  }
}

/** Reusable buffers of solveCrossSection for K regressors (one allocation per build, not per date). */
export class CrossSectionScratch {
  readonly values: Float64Array;
  readonly work: Float64Array;
  readonly Vt: Float64Array;
  constructor(K: number) {
    this.values = new Float64Array(K);
    this.work = new Float64Array(K * K);
    this.Vt = new Float64Array(K * K);
  }
}

export interface CrossSectionFit {
  readonly ok: boolean;
  readonly reason: DateSkipReason | undefined;
  /** cond(BᵀB) = λ_max/λ_min (Infinity when λ_min ≤ 0). */
  readonly condition: number;
}

/**
 * Solves f̂ = (BᵀB)⁻¹Bᵀr through the eigendecomposition of the K × K normal matrix, which also gives the
 * rank and condition checks of methods.md §6 from one factorisation. rank(B) counts singular values
 * σ_i = √λ_i above σ_max·max(n, K)·ε (numpy's matrix_rank tolerance). Writes f̂ into `f` when ok.
 */
export function solveCrossSection(
  n: number,
  K: number,
  BtB: Float64Array,
  Btr: Float64Array,
  maxCondition: number,
  f: Float64Array,
  scratch: CrossSectionScratch = new CrossSectionScratch(K),
): CrossSectionFit {
  const { values, work, Vt } = scratch;
  work.set(BtB.subarray(0, K * K));
  if (dsyevRows(K, work, 0, K, values, Vt, 0, K) >= 0) {
    return { ok: false, reason: 'ill-conditioned', condition: Number.NaN };
  }
  const lmax = values[K - 1]!;
  const lmin = values[0]!;
  const sigmaTol = Math.sqrt(Math.max(lmax, 0)) * Math.max(n, K) * Number.EPSILON;
  let rank = 0;
  for (let k = 0; k < K; k++) if (values[k]! > 0 && Math.sqrt(values[k]!) > sigmaTol) rank++;
  const condition = lmin > 0 ? lmax / lmin : Number.POSITIVE_INFINITY;
  if (rank < K) return { ok: false, reason: 'rank-deficient', condition };
  if (!(condition <= maxCondition)) return { ok: false, reason: 'ill-conditioned', condition };
  // Vt holds the eigenvectors as rows: f̂ = Σ_k v_k (v_kᵀBᵀr)/λ_k.
  f.fill(0, 0, K);
  for (let k = 0; k < K; k++) {
    let proj = 0;
    for (let a = 0; a < K; a++) proj += Vt[k * K + a]! * Btr[a]!;
    proj /= values[k]!;
    for (let a = 0; a < K; a++) f[a]! += Vt[k * K + a]! * proj;
  }
  return { ok: true, reason: undefined, condition };
}
