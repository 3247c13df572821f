/**
 * One Fama–MacBeth cross-section (methods.md §6): gather the complete assets of a date, form the normal
 * equations of r_t on B_t = [1, loadings_{t−lag}], check rank and conditioning, solve for f̂_t and write the
 * residuals. Base kernels here neither allocate nor validate (style.md habit 1); the caller owns scratch.
 */
import { dsyevRows } from '../../linalg/index.ts';
import type { DateSkipReason } from './types.ts';

/**
 * Base kernel: gathers the assets of one date with a finite return and finite loadings in every column.
 * Writes their panel columns to `idx`, their rows of B (intercept first, K = cols.length + 1, row-major) to
 * `Bt` and returns to `rt`; returns the count n. `banned[i] = 1` excludes a malformed asset.
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
  rt: Float64Array,
): number {
  const K = cols.length + 1;
  let n = 0;
  outer: for (let i = 0; i < N; i++) {
    if (banned[i] === 1) continue;
    const y = r[rOff + i]!;
    if (Number.isNaN(y)) continue;
    for (let k = 0; k < cols.length; k++) {
      const b = cols[k]![lOff + i]!;
      if (Number.isNaN(b)) continue outer;
    }
    const o = n * K;
    Bt[o] = 1;
    for (let k = 0; k < cols.length; k++) Bt[o + 1 + k] = cols[k]![lOff + i]!;
    rt[n] = y;
    idx[n] = i;
    n++;
  }
  return n;
}

/** Base kernel: BtB = BᵀB (K × K, both triangles) and Btr = Bᵀr over the first n rows of B (n × K). */
export function normalEquations(
  n: number,
  K: number,
  B: Float64Array,
  r: Float64Array,
  BtB: Float64Array,
  Btr: Float64Array,
): void {
  BtB.fill(0, 0, K * K);
  Btr.fill(0, 0, K);
  for (let s = 0; s < n; s++) {
    const o = s * K;
    const y = r[s]!;
    for (let a = 0; a < K; a++) {
      const ba = B[o + a]!;
      Btr[a]! += ba * y;
      const row = a * K;
      for (let c = a; c < K; c++) BtB[row + c]! += ba * B[o + c]!;
    }
  }
  for (let a = 0; a < K; a++) for (let c = 0; c < a; c++) BtB[a * K + c] = BtB[c * K + a]!;
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
