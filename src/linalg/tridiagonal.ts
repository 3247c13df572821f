/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ·A·Q (LAPACK dsytd2 + dorgtr,
 * Golub & Van Loan 4th ed. §8.3.1), row-major and arranged for contiguous inner loops.
 *
 * Only the upper triangle is used: row r holds A[r, r..n). Step k reflects x = A[k, k+1..n) — column k
 * below the diagonal, which by symmetry is this contiguous row segment — with H_k = I − τ_k·v_k·v_kᵀ,
 * then applies the two-sided update to the trailing upper triangle:
 *   p = τ·A₂₂·v,  w = p − (τ/2)(pᵀv)·v,  A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ.
 * The symmetric product A₂₂·v reads each stored row once (a dot for the row, an axpy for the mirrored
 * column). On exit d (n) and e (n − 1) hold the diagonal and off-diagonal of T, and row k of A holds v_k
 * (v_k[0] = 1 implicit) in A[k, k+2..n).
 */
import { daxpy, ddot } from './blas1.ts';
import { householderInPlace } from './qr.ts';

/** Base kernel. `v` and `p` are scratch of length n; tau has length max(n − 2, 0). */
export function dsytrdUpperRows(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  v: Float64Array,
  p: Float64Array,
): void {
  for (let k = 0; k + 2 < n; k++) {
    const rk = offA + k * lda;
    const len = n - k - 1;
    const t = householderInPlace(len, A, rk + k + 1);
    tau[k] = t;
    d[k] = A[rk + k]!;
    e[k] = A[rk + k + 1]!;
    if (t === 0) continue;
    v[0] = 1;
    for (let i = 1; i < len; i++) v[i] = A[rk + k + 1 + i]!;
    p.fill(0, 0, len);
    for (let r = 0; r < len; r++) {
      const base = offA + (k + 1 + r) * lda + k + 1 + r;
      const rest = len - r - 1;
      p[r] += A[base]! * v[r]! + ddot(rest, A, base + 1, 1, v, r + 1, 1);
      daxpy(rest, v[r]!, A, base + 1, 1, p, r + 1, 1);
    }
    let pv = 0;
    for (let i = 0; i < len; i++) {
      p[i] *= t;
      pv += p[i]! * v[i]!;
    }
    const K = 0.5 * t * pv;
    for (let i = 0; i < len; i++) p[i] -= K * v[i]!;
    // p now holds w. Rank-2 update of the trailing upper triangle, row by row.
    for (let r = 0; r < len; r++) {
      const base = offA + (k + 1 + r) * lda + k + 1;
      const vr = v[r]!;
      const wr = p[r]!;
      for (let c = r; c < len; c++) A[base + c] -= vr * p[c]! + wr * v[c]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = A[offA + (n - 2) * lda + n - 2]!;
    e[n - 2] = A[offA + (n - 2) * lda + n - 1]!;
  }
  if (n >= 1) d[n - 1] = A[offA + (n - 1) * lda + n - 1]!;
}

/**
 * Base kernel: writes Qᵀ = H_{n−3}·…·H_0 into Z (n × n), from the reflectors left in A by
 * dsytrdUpperRows. Accumulated backwards (M ← M·H_k for k = n−3 … 0), so step k touches only the trailing
 * (n−k−1)² block, and each row update is a dot and an axpy with the contiguous v_k. Row i of Z is then
 * column i of Q.
 */
export function formQtRows(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  Z: Float64Array,
  offZ: number,
  ldz: number,
): void {
  for (let i = 0; i < n; i++) {
    Z.fill(0, offZ + i * ldz, offZ + i * ldz + n);
    Z[offZ + i * ldz + i] = 1;
  }
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k]!;
    if (t === 0) continue;
    const vk = offA + k * lda + k + 2; // v_k[1..], v_k[0] = 1 at column k+1
    const len = n - k - 2;
    for (let r = k + 1; r < n; r++) {
      const z = offZ + r * ldz + k + 1;
      const s = t * (Z[z]! + ddot(len, A, vk, 1, Z, z + 1, 1));
      Z[z] -= s;
      daxpy(len, -s, A, vk, 1, Z, z + 1, 1);
    }
  }
}
