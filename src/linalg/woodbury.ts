/**
 * The Woodbury factorisation behind StructuredCovariance.solve and logDet (see structured-covariance.ts):
 * with C = Q·Λ·Qᵀ, G = U·Q_r·|Λ_r|^{1/2} and S = sign(Λ_r), the capacitance K = S + GᵀD⁻¹G (r × r) is
 * factorised once: Cholesky when S = I, a symmetric eigendecomposition otherwise.
 */
import { NumericalError } from '../core/errors.ts';
import { dpotrfLower } from './cholesky.ts';
import { dsyevRows } from './eigen.ts';
import { dgemm } from './gemm.ts';
import { dgemvT } from './gemv.ts';
import { dtrsm, dtrsv } from './triangular.ts';

/** The cached Woodbury factorisation (see file comment). */
export interface WoodburyFactor {
  readonly r: number;
  readonly dInv: Float64Array;
  /** D⁻¹G, p × r. */
  readonly DinvG: Float64Array;
  /** Either the Cholesky factor of K (lower, r × r) or K's eigenvectors as rows with their values. */
  readonly cholK: Float64Array | null;
  readonly eigK: { readonly values: Float64Array; readonly rows: Float64Array } | null;
  /** ln|S| + ln|K| when positive, NaN when Σ is not positive definite. */
  readonly logDetCapacitance: number;
}

/** Builds the factor. `eigenOfC` is C's eigendecomposition (eigenvectors as rows). D must be > 0. */
export function factorWoodbury(
  op: string,
  p: number,
  k: number,
  d: Float64Array,
  U: Float64Array,
  eigenOfC: { readonly values: Float64Array; readonly rows: Float64Array },
): WoodburyFactor {
  for (let i = 0; i < p; i++) {
    if (!(d[i]! > 0)) {
      throw new NumericalError(
        `StructuredCovariance.${op}: D[${i}] = ${d[i]}; Woodbury needs D > 0 (for the sample covariance, ` +
          'D = 0, Σ is singular: solve with shifted(1, rho) for a ridge instead)',
      );
    }
  }
  const { values, rows } = eigenOfC;
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const keep: number[] = [];
  for (let j = 0; j < k; j++) if (Math.abs(values[j]!) > Math.max(k, 1) * 2 ** -52 * maxAbs) keep.push(j);
  const r = keep.length;
  // Qr·|Λr|^{1/2} as a k × r matrix, then G = U·(that), D⁻¹G.
  const Qs = new Float64Array(k * r);
  const sign = new Float64Array(r);
  for (let c = 0; c < r; c++) {
    const j = keep[c]!;
    const s = Math.sqrt(Math.abs(values[j]!));
    sign[c] = values[j]! > 0 ? 1 : -1;
    for (let a = 0; a < k; a++) Qs[a * r + c] = rows[j * k + a]! * s;
  }
  const G = new Float64Array(p * r);
  dgemm(false, false, p, r, k, 1, U, 0, k, Qs, 0, r, 0, G, 0, r);
  const dInv = new Float64Array(p);
  const DinvG = new Float64Array(p * r);
  for (let i = 0; i < p; i++) {
    dInv[i] = 1 / d[i]!;
    for (let c = 0; c < r; c++) DinvG[i * r + c] = G[i * r + c]! * dInv[i]!;
  }
  const K = new Float64Array(r * r);
  dgemm(true, false, r, r, p, 1, G, 0, r, DinvG, 0, r, 0, K, 0, r);
  let negatives = 0;
  for (let c = 0; c < r; c++) {
    K[c * r + c] += sign[c]!;
    if (sign[c]! < 0) negatives++;
  }
  let cholK: Float64Array | null = null;
  let eigK: WoodburyFactor['eigK'] = null;
  let logDetCapacitance = Number.NaN;
  if (negatives === 0) {
    if (dpotrfLower(r, K, 0, r) >= 0) {
      throw new NumericalError(
        `StructuredCovariance.${op}: capacitance matrix I + GᵀD⁻¹G is not positive definite`,
      );
    }
    cholK = K;
    let s = 0;
    for (let c = 0; c < r; c++) s += Math.log(K[c * r + c]!);
    logDetCapacitance = 2 * s;
  } else {
    for (let i = 0; i < r; i++) for (let j = i + 1; j < r; j++) K[i * r + j] = K[j * r + i]!;
    const kv = new Float64Array(r);
    const kr = new Float64Array(r * r);
    if (dsyevRows(r, K, 0, r, kv, kr, 0, r) >= 0) {
      throw new NumericalError(
        `StructuredCovariance.${op}: eigendecomposition of the capacitance did not converge`,
      );
    }
    let kmax = 0;
    for (const v of kv) kmax = Math.max(kmax, Math.abs(v));
    let det = 0;
    let signDet = negatives % 2 === 0 ? 1 : -1;
    for (const v of kv) {
      if (Math.abs(v) <= r * 2 ** -52 * kmax) {
        throw new NumericalError(`StructuredCovariance.${op}: Σ is singular (capacitance eigenvalue ${v})`);
      }
      det += Math.log(Math.abs(v));
      if (v < 0) signDet = -signDet;
    }
    logDetCapacitance = signDet > 0 ? det : Number.NaN;
    eigK = { values: kv, rows: kr };
  }
  return { r, dInv, DinvG, cholK, eigK, logDetCapacitance };
}

/**
 * Σ_c M[off + c]·v[c] for a short row (k ≈ 5–50): four independent accumulators hide the add latency,
 * which otherwise bounds these loops (measured 2× on p = 3000, k = 20).
 */
export function rowDot(k: number, M: Float64Array, off: number, v: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    s0 += M[off + c]! * v[c]!;
    s1 += M[off + c + 1]! * v[c + 1]!;
    s2 += M[off + c + 2]! * v[c + 2]!;
    s3 += M[off + c + 3]! * v[c + 3]!;
  }
  for (; c < k; c++) s0 += M[off + c]! * v[c]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * out ← Σ⁻¹b by the factor: z = GᵀD⁻¹b, u = K⁻¹z, x = D⁻¹b − D⁻¹G·u (O(p·r + r²)). The JS twin of
 * woodbury-kernel.ts, which performs the same operations in the same order; out may be b.
 */
export function woodburySolveJs(f: WoodburyFactor, b: Float64Array, out: Float64Array): Float64Array {
  const { r, dInv, DinvG } = f;
  const p = b.length;
  const z = new Float64Array(r);
  dgemvT(p, r, 1, DinvG, 0, r, b, 0, 1, 0, z, 0, 1);
  solveCapacitance(f, z, 1);
  for (let i = 0; i < p; i++) out[i] = dInv[i]! * b[i]! - rowDot(r, DinvG, i * r, z);
  return out;
}

/** z ← K⁻¹·z for an r × q block z (q = 1 for a vector). */
export function solveCapacitance(f: WoodburyFactor, z: Float64Array, q: number): void {
  const { r } = f;
  if (f.cholK !== null) {
    if (q === 1) {
      dtrsv(false, false, false, r, f.cholK, 0, r, z, 0, 1);
      dtrsv(false, true, false, r, f.cholK, 0, r, z, 0, 1);
    } else {
      dtrsm(false, false, false, r, q, f.cholK, 0, r, z, 0, q);
      dtrsm(false, true, false, r, q, f.cholK, 0, r, z, 0, q);
    }
    return;
  }
  const { values, rows } = f.eigK!;
  // With the eigenvectors p_j of K as rows of P: K⁻¹z = Pᵀ·diag(1/θ)·P·z.
  const t = new Float64Array(r * q);
  dgemm(false, false, r, q, r, 1, rows, 0, r, z, 0, q, 0, t, 0, q);
  for (let j = 0; j < r; j++) for (let c = 0; c < q; c++) t[j * q + c] /= values[j]!;
  dgemm(true, false, r, q, r, 1, rows, 0, r, t, 0, q, 0, z, 0, q);
}
