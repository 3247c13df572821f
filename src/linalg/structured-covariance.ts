/**
 * Covariance as a structured operator Σ = D + U·C·Uᵀ (methods.md §5, "Representation without p×p
 * matrices"): D diagonal (p-vector) or a scaled identity d·I, U p × k, C k × k symmetric. Every operation
 * works in O(p·k) or O(p·k²); `toDense()` is the only place a p × p matrix appears.
 *
 * Solves use Woodbury. To cover singular and indefinite C (the sample covariance has C = I but LW-2020 can
 * have d̃_i − d̃_0 < 0), C is first diagonalised, C = Q·Λ·Qᵀ (free when C is already diagonal), eigenvalues
 * with |λ| ≤ k·ε·max|λ| are dropped (they add nothing to Σ), and with G = U·Q_r·|Λ_r|^{1/2}, S = sign(Λ_r):
 *   Σ = D + G·S·Gᵀ,   Σ⁻¹ = D⁻¹ − D⁻¹G·K⁻¹·GᵀD⁻¹,   K = S + GᵀD⁻¹G   (r × r capacitance).
 * This is the push-through form of the methods.md identity (A + UCU′)⁻¹ = A⁻¹ − A⁻¹U(C⁻¹ + U′A⁻¹U)⁻¹U′A⁻¹,
 * scaled so that C⁻¹ never appears. K is factorised once (Cholesky when S = I, else a symmetric eigen) and
 * cached: setup O(p·k²), each solve O(p·k + k²). The determinant lemma in the same variables:
 *   ln|Σ| = ln|D| + ln|S| + ln|K|.
 * D must be > 0 for solve and logDet (Woodbury needs D⁻¹); a zero entry raises NumericalError, except
 * that logDet returns −Infinity when Σ is then certainly singular (more zeros in D than the rank r).
 *
 * The arrays passed in are kept, not copied: do not mutate them afterwards.
 */
import { InvalidInputError, NumericalError } from '../core/errors.ts';
import { ddot } from './blas1.ts';
import { dsyevRows } from './eigen.ts';
import { dgemm } from './gemm.ts';
import { dgemv, dgemvT } from './gemv.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { checkMatrix, checkVector } from './shape.ts';
import {
  factorWoodbury,
  rowDot,
  solveCapacitance,
  type WoodburyFactor,
  woodburySolveJs,
} from './woodbury.ts';
import { woodburyKernel } from './woodbury-kernel.ts';

export interface StructuredCovarianceInit {
  /** Number of assets (rows of U). */
  readonly p: number;
  /** Rank of the low-rank part (columns of U). */
  readonly k: number;
  /** D: a length-p vector of variances ≥ 0, or a number d ≥ 0 for D = d·I. */
  readonly diag: Float64Array | number;
  /** U, p × k row-major. */
  readonly U: Float64Array;
  /** C, k × k symmetric row-major. */
  readonly C: Float64Array;
}

export class StructuredCovariance {
  readonly p: number;
  readonly k: number;
  /** D as given: the scalar d for D = d·I, else undefined. */
  readonly diagScalar: number | undefined;
  /** D as a length-p vector (materialised when a scalar was given). */
  readonly d: Float64Array;
  readonly U: Float64Array;
  readonly C: Float64Array;
  private factor: WoodburyFactor | undefined;
  private cEigen: { readonly values: Float64Array; readonly rows: Float64Array } | undefined;

  /** Validates shapes and finiteness; throws InvalidInputError naming the bad operand and index. */
  constructor(init: StructuredCovarianceInit) {
    const { p, k, diag, U, C } = init;
    const op = 'StructuredCovariance';
    if (!Number.isSafeInteger(p) || p < 0)
      throw new InvalidInputError(`${op}: p must be an integer ≥ 0, got ${p}`);
    if (!Number.isSafeInteger(k) || k < 0)
      throw new InvalidInputError(`${op}: k must be an integer ≥ 0, got ${k}`);
    checkVector(op, 'U (p × k)', U, p * k);
    checkVector(op, 'C (k × k)', C, k * k);
    for (let t = 0; t < U.length; t++) {
      if (!Number.isFinite(U[t]!)) {
        throw new InvalidInputError(
          `${op}: U[${Math.floor(t / k)}, ${t % k}] is ${U[t]}, expected a finite number`,
        );
      }
    }
    let cScale = 0;
    for (let t = 0; t < C.length; t++) {
      if (!Number.isFinite(C[t]!)) {
        throw new InvalidInputError(
          `${op}: C[${Math.floor(t / k)}, ${t % k}] is ${C[t]}, expected a finite number`,
        );
      }
      cScale = Math.max(cScale, Math.abs(C[t]!));
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < i; j++) {
        if (Math.abs(C[i * k + j]! - C[j * k + i]!) > 1e-10 * cScale) {
          throw new InvalidInputError(
            `${op}: C is not symmetric: C[${i}, ${j}] = ${C[i * k + j]} but C[${j}, ${i}] = ${C[j * k + i]}`,
          );
        }
      }
    }
    if (typeof diag === 'number') {
      if (!(diag >= 0) || !Number.isFinite(diag)) {
        throw new InvalidInputError(`${op}: scalar diagonal d must be finite and ≥ 0, got ${diag}`);
      }
      this.diagScalar = diag;
      this.d = new Float64Array(p).fill(diag);
    } else {
      checkVector(op, 'diag (p)', diag, p);
      for (let i = 0; i < p; i++) {
        if (!(diag[i]! >= 0) || !Number.isFinite(diag[i]!)) {
          throw new InvalidInputError(`${op}: diag[${i}] is ${diag[i]}, expected a finite variance ≥ 0`);
        }
      }
      this.diagScalar = undefined;
      this.d = diag;
    }
    this.p = p;
    this.k = k;
    this.U = U;
    this.C = C;
  }

  /** out ← Σ·x = D·x + U·(C·(Uᵀx)), O(p·k + k²). */
  mul(x: Float64Array, out: Float64Array = new Float64Array(this.p)): Float64Array {
    checkVector('StructuredCovariance.mul', 'x', x, this.p);
    checkVector('StructuredCovariance.mul', 'out', out, this.p);
    const { p, k, d, U, C } = this;
    const Utx = new Float64Array(k);
    dgemvT(p, k, 1, U, 0, k, x, 0, 1, 0, Utx, 0, 1);
    const CUtx = new Float64Array(k);
    dgemv(k, k, 1, C, 0, k, Utx, 0, 1, 0, CUtx, 0, 1);
    for (let i = 0; i < p; i++) out[i] = d[i]! * x[i]! + rowDot(k, U, i * k, CUtx);
    return out;
  }

  /** wᵀΣw = Σ_i D_i w_i² + (Uᵀw)ᵀ·C·(Uᵀw), O(p·k + k²). R5.3: 0.03105 for w = [0.25, −0.25, 0.5, −0.5]. */
  quadForm(w: Float64Array): number {
    checkVector('StructuredCovariance.quadForm', 'w', w, this.p);
    const { p, k, d, U, C } = this;
    let s = 0;
    for (let i = 0; i < p; i++) s += d[i]! * w[i]! * w[i]!;
    const Utw = new Float64Array(k);
    dgemvT(p, k, 1, U, 0, k, w, 0, 1, 0, Utw, 0, 1);
    let q = 0;
    for (let a = 0; a < k; a++) q += Utw[a]! * ddot(k, C, a * k, 1, Utw, 0, 1);
    return s + q;
  }

  /** diag Σ: D_i + u_iᵀ·C·u_i, O(p·k²). */
  diagonal(): Float64Array {
    const { p, k, d, U, C } = this;
    const UC = new Float64Array(p * k);
    dgemm(false, false, p, k, k, 1, U, 0, k, C, 0, k, 0, UC, 0, k);
    const out = new Float64Array(p);
    for (let i = 0; i < p; i++) out[i] = d[i]! + ddot(k, UC, i * k, 1, U, i * k, 1);
    return out;
  }

  /** tr Σ = Σ_i D_i + tr(C·UᵀU), O(p·k²). */
  trace(): number {
    const diag = this.diagonal();
    let s = 0;
    for (let i = 0; i < this.p; i++) s += diag[i]!;
    return s;
  }

  /**
   * ln|Σ| by the determinant lemma (file comment), O(p·k²) once. NaN when Σ is not positive definite,
   * −Infinity when D has more zero entries than the rank of U·C·Uᵀ (Σ singular).
   */
  logDet(): number {
    const zeros = this.countZeroDiagonal();
    if (zeros > 0) {
      if (zeros > this.lowRankRank()) return Number.NEGATIVE_INFINITY;
      throw new NumericalError(
        `StructuredCovariance.logDet: D has ${zeros} zero entries; the determinant lemma needs D > 0`,
      );
    }
    const f = this.woodbury('logDet');
    let s = 0;
    for (let i = 0; i < this.p; i++) s += Math.log(this.d[i]!);
    return s + f.logDetCapacitance;
  }

  /**
   * Solves Σ·x = b by Woodbury with the cached capacitance factor, O(p·k + k²) per call after an O(p·k²)
   * setup. R5.3: b = [1, 2, 3, 4] gives x = [−25.923997917751173, 4.11591185146625, 55.56480999479438,
   * 47.704320666319624]. Throws NumericalError when D has a zero entry (e.g. the sample covariance,
   * D = 0: use `shifted(1, rho)` for a ridge) or when Σ is singular.
   */
  solve(b: Float64Array, out: Float64Array = new Float64Array(this.p)): Float64Array {
    checkVector('StructuredCovariance.solve', 'b', b, this.p);
    checkVector('StructuredCovariance.solve', 'out', out, this.p);
    const f = this.woodbury('solve');
    // woodburySolveJs's steps, bit for bit, with the two p-long passes in WebAssembly (woodbury-kernel.ts)
    const kernel = woodburyKernel();
    if (kernel) {
      kernel.solve(f, b, out);
      return out;
    }
    return woodburySolveJs(f, b, out);
  }

  /** Solves Σ·X = B for a p × q right-hand side, O(p·k·q) with two gemm calls. */
  solveMany(B: Matrix): Matrix {
    checkMatrix('StructuredCovariance.solveMany', 'B', B);
    if (B.rows !== this.p) {
      throw new InvalidInputError(
        `StructuredCovariance.solveMany: B has ${B.rows} rows, expected p = ${this.p}`,
      );
    }
    const f = this.woodbury('solveMany');
    const { p } = this;
    const { r, dInv, DinvG } = f;
    const q = B.cols;
    const Z = new Float64Array(r * q);
    dgemm(true, false, r, q, p, 1, DinvG, 0, r, B.data, 0, q, 0, Z, 0, q);
    solveCapacitance(f, Z, q);
    const X = createMatrix(p, q);
    for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) X.data[i * q + j] = dInv[i]! * B.data[i * q + j]!;
    dgemm(false, false, p, q, r, -1, DinvG, 0, r, Z, 0, q, 1, X.data, 0, q);
    return X;
  }

  /** a·Σ + ρ·I as a new operator (shares U; D' = a·D + ρ, C' = a·C). a, ρ must be finite and ≥ 0. */
  shifted(a: number, rho: number): StructuredCovariance {
    if (!(a >= 0) || !Number.isFinite(a))
      throw new InvalidInputError(`StructuredCovariance.shifted: a must be ≥ 0, got ${a}`);
    if (!(rho >= 0) || !Number.isFinite(rho)) {
      throw new InvalidInputError(`StructuredCovariance.shifted: rho must be ≥ 0, got ${rho}`);
    }
    const C = new Float64Array(this.C.length);
    for (let t = 0; t < C.length; t++) C[t] = a * this.C[t]!;
    let diag: Float64Array | number;
    if (this.diagScalar !== undefined) diag = a * this.diagScalar + rho;
    else {
      diag = new Float64Array(this.p);
      for (let i = 0; i < this.p; i++) diag[i] = a * this.d[i]! + rho;
    }
    const out = new StructuredCovariance({ p: this.p, k: this.k, diag, U: this.U, C });
    if (this.cEigen !== undefined && a > 0) {
      const values = this.cEigen.values.map((v) => a * v);
      out.cEigen = { values, rows: this.cEigen.rows };
    }
    return out;
  }

  /**
   * A solver for (a·Σ + ρI)·x = b, factorised once (the ADMM w-step matrix M = γΣ + ρI of methods.md §7).
   */
  shiftedSolver(a: number, rho: number): { solve(b: Float64Array, out?: Float64Array): Float64Array } {
    const M = this.shifted(a, rho);
    M.woodbury('shiftedSolver');
    return M;
  }

  /** The dense p × p matrix D + U·C·Uᵀ (O(p²·k); the only p × p allocation of this class). */
  toDense(): Matrix {
    const { p, k, d, U, C } = this;
    const UC = new Float64Array(p * k);
    dgemm(false, false, p, k, k, 1, U, 0, k, C, 0, k, 0, UC, 0, k);
    const S = createMatrix(p, p);
    dgemm(false, true, p, p, k, 1, UC, 0, k, U, 0, k, 0, S.data, 0, p);
    for (let i = 0; i < p; i++) S.data[i * p + i] += d[i]!;
    return S;
  }

  private countZeroDiagonal(): number {
    let z = 0;
    for (let i = 0; i < this.p; i++) if (this.d[i] === 0) z++;
    return z;
  }

  /** rank(U·C·Uᵀ) ≤ min(#nonzero eigenvalues of C, k); the bound is enough for the singularity test. */
  private lowRankRank(): number {
    const { values } = this.eigenOfC();
    let maxAbs = 0;
    for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
    let r = 0;
    for (const v of values) if (Math.abs(v) > Math.max(this.k, 1) * 2 ** -52 * maxAbs) r++;
    return Math.min(r, this.p);
  }

  /** C = Q·Λ·Qᵀ with Qᵀ as rows; skipped (Q = I) when C is diagonal. */
  private eigenOfC(): { readonly values: Float64Array; readonly rows: Float64Array } {
    if (this.cEigen !== undefined) return this.cEigen;
    const { k, C } = this;
    let diagonal = true;
    for (let i = 0; i < k && diagonal; i++)
      for (let j = 0; j < k; j++) if (i !== j && C[i * k + j] !== 0) diagonal = false;
    const values = new Float64Array(k);
    const rows = new Float64Array(k * k);
    if (diagonal) {
      for (let i = 0; i < k; i++) {
        values[i] = C[i * k + i]!;
        rows[i * k + i] = 1;
      }
    } else if (dsyevRows(k, C.slice(), 0, k, values, rows, 0, k) >= 0) {
      throw new NumericalError('StructuredCovariance: eigendecomposition of C did not converge');
    }
    this.cEigen = { values, rows };
    return this.cEigen;
  }

  private woodbury(op: string): WoodburyFactor {
    this.factor ??= factorWoodbury(op, this.p, this.k, this.d, this.U, this.eigenOfC());
    return this.factor;
  }
}
