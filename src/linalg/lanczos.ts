/**
 * Largest eigenpairs of a symmetric operator known only through y ← A·x: thick-restart Lanczos (Wu &
 * Simon 2000, "Thick-restart Lanczos method for large symmetric eigenvalue problems") with full
 * reorthogonalisation (classical Gram–Schmidt, two passes, Giraud et al. 2005) so the basis stays
 * orthonormal to working precision and no spurious copies of converged eigenvalues appear.
 *
 * One cycle grows an orthonormal basis V (m rows of length n, contiguous) with A·V_m = V_m·T + β·v·e_mᵀ,
 * T = V_mᵀ·A·V_m (m × m, kept dense: after a restart it is an arrow matrix, not tridiagonal). Rayleigh–Ritz
 * on T gives Ritz pairs (θ_i, V_m·s_i) whose residual norm is exactly |β·s_i[m−1]|. A pair is converged
 * when that is ≤ tol·max|θ|. Otherwise the l best Ritz vectors (k plus half the spare room) are kept, the
 * residual direction v is appended, and the basis is grown again from there. A k × n block gemm forms the
 * kept vectors; everything else is gemv on contiguous rows.
 *
 * The start vector is Gaussian from `new Rng(seed)`, so results are deterministic for a given seed.
 */
import { InvalidInputError, NotConvergedError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { dnrm2, dscal } from './blas1.ts';
import { dsyevRows } from './eigen.ts';
import { dgemm } from './gemm.ts';
import { dgemv, dgemvT } from './gemv.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { checkMatrix } from './shape.ts';

/** y ← A·x for a symmetric A (x and y have length n; y must be fully overwritten). */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

export interface TopEigenOptions {
  /** Seed of the start vector (default 0). */
  readonly seed?: number | bigint;
  /** Converged when ‖A·y − θ·y‖ ≤ tolerance·max|θ| for each wanted pair (default 1e-10). */
  readonly tolerance?: number;
  /** Basis size m, between k + 1 and n (default min(n, max(2k + 10, k + 20))). */
  readonly basisSize?: number;
  /** Restart cycles before giving up with NotConvergedError (default 200). */
  readonly maxRestarts?: number;
}

export interface TopEigenResult {
  /** The k largest eigenvalues, largest first. */
  readonly values: Float64Array;
  /** n × k, column j is the unit eigenvector of values[j]. */
  readonly vectors: Matrix;
  /** ‖A·v_j − λ_j·v_j‖ for each pair (from the Lanczos relation). */
  readonly residuals: Float64Array;
  readonly matvecs: number;
  readonly restarts: number;
}

/**
 * The k algebraically largest eigenpairs of the n × n symmetric operator `apply`.
 * Example: for A = diag(1, …, 100), topEigenpairs(100, (x, y) => y.set(x.map((v, i) => (i + 1) * v)), 3)
 * gives values [100, 99, 98].
 */
export function topEigenpairs(
  n: number,
  apply: SymmetricOperator,
  k: number,
  options: TopEigenOptions = {},
): TopEigenResult {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidInputError(`topEigenpairs: n must be an integer ≥ 0, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 0 || k > n) {
    throw new InvalidInputError(`topEigenpairs: k must be an integer in [0, n = ${n}], got ${k}`);
  }
  const tol = options.tolerance ?? 1e-10;
  if (!(tol > 0)) throw new InvalidInputError(`topEigenpairs: tolerance must be > 0, got ${tol}`);
  const m = Math.min(n, options.basisSize ?? Math.max(2 * k + 10, k + 20));
  if (!Number.isSafeInteger(m) || m < Math.min(k + 1, n)) {
    throw new InvalidInputError(`topEigenpairs: basisSize must be an integer ≥ k + 1 = ${k + 1}, got ${m}`);
  }
  const maxRestarts = options.maxRestarts ?? 200;
  const empty = (): TopEigenResult => ({
    values: new Float64Array(0),
    vectors: createMatrix(n, 0),
    residuals: new Float64Array(0),
    matvecs: 0,
    restarts: 0,
  });
  if (k === 0) return empty();

  const rng = new Rng(options.seed ?? 0);
  const V = new Float64Array((m + 1) * n);
  const scratch = new Float64Array(m * n);
  const T = new Float64Array(m * m);
  const h = new Float64Array(m + 1);
  const w = new Float64Array(n);
  const theta = new Float64Array(m);
  const S = new Float64Array(m * m);
  randomUnitVector(rng, V, 0, n, 0);
  let start = 0;
  let matvecs = 0;
  let beta = 0;
  let anorm = 0;
  for (let restart = 0; ; restart++) {
    for (let j = start; j < m; j++) {
      const vj = V.subarray(j * n, (j + 1) * n);
      apply(vj, w);
      matvecs++;
      // h = V[0..j]ᵀw; w ← w − V·h, twice.
      dgemv(j + 1, n, 1, V, 0, n, w, 0, 1, 0, h, 0, 1);
      dgemvT(j + 1, n, -1, V, 0, n, h, 0, 1, 1, w, 0, 1);
      for (let i = 0; i <= j; i++) T[i * m + j] = h[i]!;
      dgemv(j + 1, n, 1, V, 0, n, w, 0, 1, 0, h, 0, 1);
      dgemvT(j + 1, n, -1, V, 0, n, h, 0, 1, 1, w, 0, 1);
      for (let i = 0; i <= j; i++) {
        T[i * m + j] += h[i]!;
        T[j * m + i] = T[i * m + j]!;
      }
      anorm = Math.max(anorm, Math.abs(T[j * m + j]!));
      beta = dnrm2(n, w, 0, 1);
      if (j + 1 < m && beta <= 1e-13 * Math.max(anorm, Number.MIN_VALUE)) {
        // Invariant subspace found: continue with a fresh direction orthogonal to the basis (β = 0).
        beta = 0;
        randomUnitVector(rng, V, (j + 1) * n, n, j + 1);
      } else if (beta > 0) {
        V.set(w, (j + 1) * n);
        dscal(n, 1 / beta, V, (j + 1) * n, 1);
      }
    }
    // Rayleigh–Ritz on T (ascending θ; eigenvectors as rows of S).
    const Tcopy = T.slice();
    if (dsyevRows(m, Tcopy, 0, m, theta, S, 0, m) >= 0) {
      throw new NotConvergedError(
        'topEigenpairs: Rayleigh–Ritz eigen of the projected matrix failed',
        restart,
        {},
      );
    }
    let thetaMax = 0;
    for (let i = 0; i < m; i++) thetaMax = Math.max(thetaMax, Math.abs(theta[i]!));
    const residuals = new Float64Array(k);
    let converged = true;
    for (let c = 0; c < k; c++) {
      const i = m - 1 - c;
      residuals[c] = Math.abs(beta * S[i * m + m - 1]!);
      if (residuals[c]! > tol * thetaMax) converged = false;
    }
    if (converged || m === n) {
      const values = new Float64Array(k);
      const Y = new Float64Array(k * n);
      for (let c = 0; c < k; c++) values[c] = theta[m - 1 - c]!;
      // Y (k × n) = S_top (k × m, largest first) · V (m × n)
      const Stop = new Float64Array(k * m);
      for (let c = 0; c < k; c++) Stop.set(S.subarray((m - 1 - c) * m, (m - c) * m), c * m);
      dgemm(false, false, k, n, m, 1, Stop, 0, m, V, 0, n, 0, Y, 0, n);
      const vectors = createMatrix(n, k);
      for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) vectors.data[i * k + c] = Y[c * n + i]!;
      return { values, vectors, residuals, matvecs, restarts: restart };
    }
    if (restart >= maxRestarts) {
      let worst = 0;
      for (const r of residuals) worst = Math.max(worst, r / Math.max(thetaMax, Number.MIN_VALUE));
      throw new NotConvergedError(`topEigenpairs: ${k} eigenpairs of a ${n} × ${n} operator`, restart, {
        relativeResidual: worst,
      });
    }
    // Thick restart: keep the l largest Ritz pairs, then the residual direction.
    const l = Math.min(m - 1, k + Math.floor((m - k) / 2));
    const Skeep = new Float64Array(l * m);
    for (let c = 0; c < l; c++) Skeep.set(S.subarray((m - 1 - c) * m, (m - c) * m), c * m);
    dgemm(false, false, l, n, m, 1, Skeep, 0, m, V, 0, n, 0, scratch, 0, n);
    V.copyWithin(l * n, m * n, (m + 1) * n);
    V.set(scratch.subarray(0, l * n), 0);
    T.fill(0);
    for (let c = 0; c < l; c++) {
      T[c * m + c] = theta[m - 1 - c]!;
      const coupling = beta * Skeep[c * m + m - 1]!;
      T[c * m + l] = coupling;
      T[l * m + c] = coupling;
    }
    start = l;
  }
}

/** A Gaussian vector orthogonalised against rows 0..rows−1 of V (twice) and normalised, written at V[off]. */
function randomUnitVector(rng: Rng, V: Float64Array, off: number, n: number, rows: number): void {
  const x = V.subarray(off, off + n);
  for (let attempt = 0; attempt < 10; attempt++) {
    rng.fillNormal(x);
    if (rows > 0) {
      const h = new Float64Array(rows);
      for (let pass = 0; pass < 2; pass++) {
        dgemv(rows, n, 1, V, 0, n, x, 0, 1, 0, h, 0, 1);
        dgemvT(rows, n, -1, V, 0, n, h, 0, 1, 1, x, 0, 1);
      }
    }
    const nx = dnrm2(n, x, 0, 1);
    if (nx > 1e-8) {
      dscal(n, 1 / nx, x, 0, 1);
      return;
    }
  }
  throw new NotConvergedError('topEigenpairs: could not find a direction orthogonal to the basis', 10, {});
}

/**
 * y ← s·Xᵀ(X·x) for a T × p matrix X (or s·X(Xᵀx) with side 'XXt'): the cross-product operator, applied
 * with two gemv calls and never formed. Scratch is allocated once.
 */
export function crossProductOperator(
  X: Matrix,
  options: { side?: 'XtX' | 'XXt'; scale?: number } = {},
): SymmetricOperator {
  checkMatrix('crossProductOperator', 'X', X);
  const { rows, cols, data } = X;
  const s = options.scale ?? 1;
  if ((options.side ?? 'XtX') === 'XtX') {
    const t = new Float64Array(rows);
    return (x, y) => {
      dgemv(rows, cols, 1, data, 0, cols, x, 0, 1, 0, t, 0, 1);
      dgemvT(rows, cols, s, data, 0, cols, t, 0, 1, 0, y, 0, 1);
    };
  }
  const t = new Float64Array(cols);
  return (x, y) => {
    dgemvT(rows, cols, 1, data, 0, cols, x, 0, 1, 0, t, 0, 1);
    dgemv(rows, cols, s, data, 0, cols, t, 0, 1, 0, y, 0, 1);
  };
}
