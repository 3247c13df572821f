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
import { dgemm } from './gemm.ts';
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

/** Reflectors per block in applyQBlocked. */
const WY_BLOCK = 32;

/**
 * Base kernel: C ← Q·C for the n × q matrix C (leading dimension ldc), Q = H_0·…·H_{n−3} from the
 * reflectors left in A by dsytrdUpperRows (LAPACK dormtr, side = left). Reflectors are grouped WY_BLOCK
 * at a time into the compact WY form H_k0·…·H_k1 = I − Y·T·Yᵀ (Schreiber & Van Loan 1989; LAPACK dlarft),
 * so the update C ← C − Y·(T·(Yᵀ·C)) is two gemm calls: 2n²q flops in all at the packed-gemm rate.
 */
export function applyQBlocked(
  n: number,
  q: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  const nref = Math.max(n - 2, 0);
  const nb0 = Math.min(WY_BLOCK, nref);
  const Y = new Float64Array(Math.max(n - 1, 0) * nb0);
  const T = new Float64Array(nb0 * nb0);
  const W = new Float64Array(nb0 * q);
  const W2 = new Float64Array(nb0 * q);
  const yv = new Float64Array(nb0);
  // Blocks in reverse order: Q·C = B_0·(B_1·(…·(B_last·C))).
  const lastStart = nref === 0 ? 0 : Math.floor((nref - 1) / WY_BLOCK) * WY_BLOCK;
  for (let k0 = lastStart; k0 >= 0 && nref > 0; k0 -= WY_BLOCK) {
    const nb = Math.min(WY_BLOCK, nref - k0);
    const len = n - k0 - 1; // rows k0+1 .. n−1
    // Y (len × nb): column c is v_{k0+c}, which starts at block row c with an implicit 1.
    for (let r = 0; r < len; r++) {
      const y = r * nb;
      for (let c = 0; c < nb; c++) {
        const k = k0 + c;
        Y[y + c] = r < c ? 0 : r === c ? 1 : A[offA + k * lda + k + 1 + (r - c)]!;
      }
    }
    // T (nb × nb, upper): T_ii = τ_i, T[0..i, i] = −τ_i·T[0..i, 0..i]·(Y[:, 0..i]ᵀ·y_i).
    T.fill(0, 0, nb * nb);
    for (let i = 0; i < nb; i++) {
      const t = tau[k0 + i]!;
      T[i * nb + i] = t;
      if (t === 0) continue;
      for (let c = 0; c < i; c++) {
        let s = 0;
        for (let r = i; r < len; r++) s += Y[r * nb + c]! * Y[r * nb + i]!;
        yv[c] = s;
      }
      for (let a = 0; a < i; a++) {
        let s = 0;
        for (let c = a; c < i; c++) s += T[a * nb + c]! * yv[c]!;
        T[a * nb + i] = -t * s;
      }
    }
    const c0 = offC + (k0 + 1) * ldc;
    // W = Yᵀ·C₂ (nb × q), W2 = T·W, C₂ ← C₂ − Y·W2.
    dgemm(true, false, nb, q, len, 1, Y, 0, nb, C, c0, ldc, 0, W, 0, q);
    for (let a = 0; a < nb; a++) {
      const w2 = a * q;
      W2.fill(0, w2, w2 + q);
      for (let c = a; c < nb; c++) {
        const tac = T[a * nb + c]!;
        if (tac === 0) continue;
        const w = c * q;
        for (let j = 0; j < q; j++) W2[w2 + j] += tac * W[w + j]!;
      }
    }
    dgemm(false, false, len, q, nb, -1, Y, 0, nb, W2, 0, q, 1, C, c0, ldc);
  }
}
