/**
 * Householder QR with column pivoting, A·P = Q·R (LAPACK dgeqp3 / dlaqp2, Businger & Golub 1965), used
 * to reveal numerical rank and to solve least-squares problems.
 *
 * Layout: the factorisation works on Aᵀ (n rows of length m), so column j of A — the vector a Householder
 * reflector is built from and applied to — is a contiguous row. After the factorisation, row j of the
 * work array holds column j of the pivoted factor: R[0..j, j] in positions 0..j (R_jj at position j) and
 * the Householder vector v_j (v_j[0] = 1 implicit) in positions j+1..m−1, with H_j = I − τ_j·v_j·v_jᵀ.
 *
 * Pivoting picks, at step j, the remaining column with the largest partial norm; partial norms are
 * downdated as in LAPACK (Drmač & Bujanović 2008 safeguard: recomputed when cancellation exceeds √ε), so
 * |R_00| ≥ |R_11| ≥ … in practice.
 *
 * Numerical rank: r = #{j : |R_jj| > tol·|R_00|} with tol = max(m, n)·ε by default (the same threshold
 * numpy.linalg.matrix_rank applies to singular values; |R_jj| from a pivoted QR brackets them closely in
 * practice). A zero matrix has rank 0.
 */
import { InvalidInputError } from '../core/errors.ts';
import { daxpy, ddot, dnrm2 } from './blas1.ts';
import { createMatrix, type Matrix, transposeInto } from './matrix.ts';
import { checkFinite, checkMatrix, checkVector } from './shape.ts';

const EPS = 2 ** -52;

/**
 * Base kernel: pivoted Householder QR of the matrix whose *columns* are the n rows of W (each of length m,
 * row stride ldw). Writes τ (length min(m, n)) and the permutation `perm` (perm[j] = original column at
 * position j; initialise it to the identity or to a prior order). `norms` and `norms0` are scratch of
 * length n. Neither allocates nor validates.
 */
export function dgeqp3Transposed(
  m: number,
  n: number,
  W: Float64Array,
  offW: number,
  ldw: number,
  tau: Float64Array,
  perm: Int32Array,
  norms: Float64Array,
  norms0: Float64Array,
): void {
  const kmax = Math.min(m, n);
  const tol3z = Math.sqrt(EPS);
  for (let l = 0; l < n; l++) {
    norms[l] = dnrm2(m, W, offW + l * ldw, 1);
    norms0[l] = norms[l]!;
  }
  for (let j = 0; j < kmax; j++) {
    let pvt = j;
    for (let l = j + 1; l < n; l++) if (norms[l]! > norms[pvt]!) pvt = l;
    if (pvt !== j) {
      const a = offW + j * ldw;
      const b = offW + pvt * ldw;
      for (let t = 0; t < m; t++) {
        const s = W[a + t]!;
        W[a + t] = W[b + t]!;
        W[b + t] = s;
      }
      const p = perm[j]!;
      perm[j] = perm[pvt]!;
      perm[pvt] = p;
      norms[pvt] = norms[j]!;
      norms0[pvt] = norms0[j]!;
    }
    const rj = offW + j * ldw;
    const t = householderInPlace(m - j, W, rj + j);
    tau[j] = t;
    if (t !== 0) {
      for (let l = j + 1; l < n; l++) {
        const rl = offW + l * ldw;
        const s = t * (W[rl + j]! + ddot(m - j - 1, W, rj + j + 1, 1, W, rl + j + 1, 1));
        W[rl + j] -= s;
        daxpy(m - j - 1, -s, W, rj + j + 1, 1, W, rl + j + 1, 1);
      }
    }
    for (let l = j + 1; l < n; l++) {
      const nl = norms[l]!;
      if (nl === 0) continue;
      const rl = offW + l * ldw;
      const ratio = Math.abs(W[rl + j]!) / nl;
      const temp = Math.max(0, 1 - ratio * ratio);
      const q = nl / norms0[l]!;
      if (temp * q * q <= tol3z) {
        norms[l] = dnrm2(m - j - 1, W, rl + j + 1, 1);
        norms0[l] = norms[l]!;
      } else {
        norms[l] = nl * Math.sqrt(temp);
      }
    }
  }
}

/**
 * LAPACK dlarfg on x = W[off .. off+len): finds τ and v with (I − τvvᵀ)x = β·e₁, v₀ = 1. Writes β at
 * W[off], v[1..] over x[1..], returns τ (0 when x[1..] is already zero: H = I).
 */
export function householderInPlace(len: number, W: Float64Array, off: number): number {
  if (len <= 1) return 0;
  const alpha = W[off]!;
  const xnorm = dnrm2(len - 1, W, off + 1, 1);
  if (xnorm === 0) return 0;
  const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const inv = 1 / (alpha - beta);
  for (let i = 1; i < len; i++) W[off + i] *= inv;
  W[off] = beta;
  return tau;
}

export interface QROptions {
  /** Relative rank tolerance: column j counts when |R_jj| > tol·|R_00|. Default max(m, n)·2⁻⁵². */
  readonly rankTolerance?: number;
}

/** A pivoted QR factorisation A·P = Q·R with its numerical rank. Build it with `qrPivoted`. */
export class PivotedQR {
  readonly m: number;
  readonly n: number;
  /** perm[j] = index of the original column of A at position j. */
  readonly permutation: Int32Array;
  readonly rank: number;
  readonly rankTolerance: number;
  /** Row j = column j of the factored matrix: R above, Householder vector below (see file comment). */
  private readonly W: Float64Array;
  private readonly tau: Float64Array;

  constructor(m: number, n: number, W: Float64Array, tau: Float64Array, perm: Int32Array, tol: number) {
    this.m = m;
    this.n = n;
    this.W = W;
    this.tau = tau;
    this.permutation = perm;
    this.rankTolerance = tol;
    const kmax = Math.min(m, n);
    const r00 = kmax > 0 ? Math.abs(W[0]!) : 0;
    let r = 0;
    while (r < kmax && Math.abs(W[r * m + r]!) > tol * r00) r++;
    this.rank = r00 === 0 ? 0 : r;
  }

  /** |R_jj| for j < min(m, n), non-increasing up to rounding. */
  diagonalR(): Float64Array {
    const k = Math.min(this.m, this.n);
    const d = new Float64Array(k);
    for (let j = 0; j < k; j++) d[j] = Math.abs(this.W[j * this.m + j]!);
    return d;
  }

  /** The min(m, n) × n upper-trapezoidal R (columns in pivoted order). */
  R(): Matrix {
    const k = Math.min(this.m, this.n);
    const R = createMatrix(k, this.n);
    for (let j = 0; j < this.n; j++) {
      for (let i = 0; i <= Math.min(j, k - 1); i++) R.data[i * this.n + j] = this.W[j * this.m + i]!;
    }
    return R;
  }

  /** The thin Q, m × min(m, n), with orthonormal columns. */
  Q(): Matrix {
    const { m } = this;
    const k = Math.min(m, this.n);
    // Build Qᵀ row by row (row i = Q·e_i transposed), then transpose: each row is a contiguous vector.
    const Qt = new Float64Array(k * m);
    for (let i = 0; i < k; i++) {
      Qt[i * m + i] = 1;
      this.applyQInPlace(Qt, i * m);
    }
    const Q = createMatrix(m, k);
    transposeInto(k, m, Qt, 0, m, Q.data, 0, k);
    return Q;
  }

  /** Qᵀ·b for b of length m (a new array). */
  applyQt(b: Float64Array): Float64Array {
    checkVector('PivotedQR.applyQt', 'b', b, this.m);
    const y = b.slice();
    this.applyQtInPlace(y, 0);
    return y;
  }

  /** Q·y for y of length m (a new array). */
  applyQ(y: Float64Array): Float64Array {
    checkVector('PivotedQR.applyQ', 'y', y, this.m);
    const b = y.slice();
    this.applyQInPlace(b, 0);
    return b;
  }

  /**
   * Basic least-squares solution of min ‖A·x − b‖₂: with r = rank, solves R₁₁·z = (Qᵀb)[0..r) and sets
   * x[perm[j]] = z_j for j < r, 0 for the other n − r (pivoted-out) coefficients (LAPACK dgelsy without the
   * complete orthogonal step, so not the minimum-norm solution when r < n).
   */
  solve(b: Float64Array): Float64Array {
    checkVector('PivotedQR.solve', 'b', b, this.m);
    const { m, W, rank } = this;
    const c = b.slice();
    this.applyQtInPlace(c, 0);
    // Back substitution R₁₁z = c, column by column: column j of R is the contiguous prefix of row j of W.
    for (let j = rank - 1; j >= 0; j--) {
      const zj = c[j]! / W[j * m + j]!;
      c[j] = zj;
      daxpy(j, -zj, W, j * m, 1, c, 0, 1);
    }
    const x = new Float64Array(this.n);
    for (let j = 0; j < rank; j++) x[this.permutation[j]!] = c[j]!;
    return x;
  }

  /** The original indices of the first `rank` pivoted columns (a maximal independent set), ascending. */
  independentColumns(): Int32Array {
    return this.permutation.slice(0, this.rank).sort();
  }

  private applyQtInPlace(y: Float64Array, off: number): void {
    const { m, W, tau } = this;
    const k = Math.min(m, this.n);
    for (let j = 0; j < k; j++) this.reflect(j, y, off, W, tau, m);
  }

  private applyQInPlace(y: Float64Array, off: number): void {
    const { m, W, tau } = this;
    for (let j = Math.min(m, this.n) - 1; j >= 0; j--) this.reflect(j, y, off, W, tau, m);
  }

  private reflect(
    j: number,
    y: Float64Array,
    off: number,
    W: Float64Array,
    tau: Float64Array,
    m: number,
  ): void {
    const t = tau[j]!;
    if (t === 0) return;
    const rj = j * m;
    const s = t * (y[off + j]! + ddot(m - j - 1, W, rj + j + 1, 1, y, off + j + 1, 1));
    y[off + j] -= s;
    daxpy(m - j - 1, -s, W, rj + j + 1, 1, y, off + j + 1, 1);
  }
}

/** Checked pivoted QR of an m × n matrix (finite entries required). */
export function qrPivoted(A: Matrix, options: QROptions = {}): PivotedQR {
  checkMatrix('qrPivoted', 'A', A);
  checkFinite('qrPivoted', 'A', A);
  const { rows: m, cols: n } = A;
  const tol = options.rankTolerance ?? Math.max(m, n) * EPS;
  if (!(tol >= 0) || !Number.isFinite(tol)) {
    throw new InvalidInputError(`qrPivoted: rankTolerance must be a finite number ≥ 0, got ${tol}`);
  }
  const W = new Float64Array(n * m);
  transposeInto(m, n, A.data, 0, n, W, 0, m);
  const tau = new Float64Array(Math.min(m, n));
  const perm = new Int32Array(n);
  for (let j = 0; j < n; j++) perm[j] = j;
  dgeqp3Transposed(m, n, W, 0, m, tau, perm, new Float64Array(n), new Float64Array(n));
  return new PivotedQR(m, n, W, tau, perm, tol);
}
