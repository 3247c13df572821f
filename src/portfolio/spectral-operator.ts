/**
 * A covariance in eigenbasis form, Σ = a·I + V·diag(c)·Vᵀ with V (p × k) having orthonormal columns — the form
 * the sample, Ledoit–Wolf, OAS and LW-2020 estimators produce (methods.md §5). For it, (γΣ + ρI)⁻¹ has a
 * closed form for every γ and ρ:
 *
 *   (γΣ + ρI)⁻¹ b = b/(γa + ρ) + V·[(Vᵀb) ∘ (1/(γ(a + c) + ρ) − 1/(γa + ρ))]
 *
 * so the optimiser can change ρ (residual balancing) and γ (volatility targeting) without refactorising:
 * O(pk) per solve and no setup, where a Woodbury factorisation costs O(pk²) each time.
 */
import { InvalidInputError } from '../core/errors.ts';
import { choleskySolve, type Matrix } from '../linalg/index.ts';
import { type ConstrainedStepSolver, schurFactor } from './constrained-step.ts';
import type { RiskOperator } from './optimizer.ts';

export class SpectralRiskOperator implements RiskOperator {
  readonly p: number;
  readonly k: number;
  private readonly scratch: Float64Array;
  /** VᵀAᵀ (k × m) and AAᵀ (m × m) of the last constraint rows seen, which stay fixed within a rebalance. */
  private rowCache: { rows: readonly Float64Array[]; P: Float64Array; AAt: Float64Array } | undefined;

  /** V is p × k row-major with orthonormal columns (the caller's contract); c has length k. */
  constructor(
    readonly a: number,
    readonly V: Float64Array,
    readonly c: Float64Array,
  ) {
    this.k = c.length;
    this.p = this.k === 0 ? 0 : V.length / this.k;
    if (!Number.isInteger(this.p) || V.length !== this.p * this.k) {
      throw new InvalidInputError(`V has ${V.length} entries, not a multiple of k = ${this.k}`);
    }
    if (!(a >= 0)) throw new InvalidInputError(`the scalar part a must be ≥ 0, got ${a}`);
    this.scratch = new Float64Array(this.k);
  }

  /** Vᵀx into `out` (length k). */
  private project(x: Float64Array, out: Float64Array): Float64Array {
    const { p, k, V } = this;
    out.fill(0);
    for (let i = 0; i < p; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * k;
      for (let j = 0; j < k; j++) out[j]! += V[row + j]! * xi;
    }
    return out;
  }

  /** out = s·x + V·y. */
  private expand(x: Float64Array, s: number, y: Float64Array, out: Float64Array): Float64Array {
    const { p, k, V } = this;
    for (let i = 0; i < p; i++) {
      const row = i * k;
      let acc = 0;
      for (let j = 0; j < k; j++) acc += V[row + j]! * y[j]!;
      out[i] = s * x[i]! + acc;
    }
    return out;
  }

  mul(x: Float64Array, out: Float64Array = new Float64Array(this.p)): Float64Array {
    const y = this.project(x, this.scratch);
    for (let j = 0; j < this.k; j++) y[j] = y[j]! * this.c[j]!;
    return this.expand(x, this.a, y, out);
  }

  quadForm(w: Float64Array): number {
    const y = this.project(w, this.scratch);
    let s = 0;
    for (let i = 0; i < this.p; i++) s += w[i]! * w[i]!;
    let q = this.a * s;
    for (let j = 0; j < this.k; j++) q += this.c[j]! * y[j]! * y[j]!;
    return q;
  }

  shiftedSolver(gamma: number, rho: number): { solve(b: Float64Array, out?: Float64Array): Float64Array } {
    const base = gamma * this.a + rho;
    const f = this.inverseIncrements(gamma, rho);
    const y = new Float64Array(this.k);
    return {
      solve: (b, out = new Float64Array(this.p)) => {
        this.project(b, y);
        for (let j = 0; j < this.k; j++) y[j] = y[j]! * f[j]!;
        return this.expand(b, 1 / base, y, out);
      },
    };
  }

  /**
   * The equality-constrained w-step (constrained-step.ts) without any extra operator solve. With
   * β = γa + ρ, f_j = 1/(γ(a + c_j) + ρ) − 1/β and P = VᵀAᵀ (cached per set of rows, O(p·k·m) once):
   *
   *   M⁻¹x = x/β + V·(f ∘ Vᵀx),   S = A·M⁻¹·Aᵀ = AAᵀ/β + Pᵀ·diag(f)·P   (O(k·m²) per γ, ρ),
   *   w = (q − Aᵀν)/β + V·(f ∘ (Vᵀq − P·ν)),   S·ν = A·q/β + Pᵀ(f ∘ Vᵀq).
   *
   * Each step costs one projection and one expansion (2·p·k) plus O(p·m), where the generic form pays m
   * solves at every change of γ or ρ (docs/decisions/150-portfolio-spectral-schur.md).
   */
  constrainedSolver(gamma: number, rho: number, rows: readonly Float64Array[]): ConstrainedStepSolver {
    const { p, k } = this;
    const m = rows.length;
    const f = this.inverseIncrements(gamma, rho);
    const base = gamma * this.a + rho;
    const { P, AAt } = this.rowProducts(rows);
    let L: Matrix | undefined;
    if (m > 0) {
      const S = new Float64Array(m * m);
      for (let a = 0; a < m; a++) {
        for (let b = a; b < m; b++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += P[j * m + a]! * f[j]! * P[j * m + b]!;
          const v = AAt[a * m + b]! / base + s;
          S[a * m + b] = v;
          S[b * m + a] = v;
        }
      }
      L = schurFactor(m, S);
    }
    const u = new Float64Array(k);
    const rhs = new Float64Array(m);
    return {
      solve: (q, w) => {
        this.project(q, u);
        for (let a = 0; a < m; a++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += P[j * m + a]! * f[j]! * u[j]!;
          rhs[a] = dotRow(rows[a]!, q, p) / base + s;
        }
        const nu = m > 0 ? choleskySolve(L!, rhs) : rhs;
        for (let j = 0; j < k; j++) {
          let s = u[j]!;
          for (let a = 0; a < m; a++) s -= P[j * m + a]! * nu[a]!;
          u[j] = f[j]! * s;
        }
        for (let i = 0; i < p; i++) w[i] = q[i]!;
        for (let a = 0; a < m; a++) {
          const row = rows[a]!;
          const na = nu[a]!;
          for (let i = 0; i < p; i++) w[i] = w[i]! - na * row[i]!;
        }
        this.expand(w, 1 / base, u, w);
      },
    };
  }

  /** f_j = 1/(γ(a + c_j) + ρ) − 1/(γa + ρ), after checking that γΣ + ρI is positive definite. */
  private inverseIncrements(gamma: number, rho: number): Float64Array {
    const base = gamma * this.a + rho;
    if (!(base > 0)) throw new InvalidInputError(`γa + ρ must be positive, got ${base}`);
    const f = new Float64Array(this.k);
    for (let j = 0; j < this.k; j++) {
      const e = gamma * (this.a + this.c[j]!) + rho;
      if (!(e > 0)) throw new InvalidInputError(`γ(a + c_${j}) + ρ must be positive, got ${e}`);
      f[j] = 1 / e - 1 / base;
    }
    return f;
  }

  /** P = VᵀAᵀ (k × m, row-major) and AAᵀ for these rows, reused while the same row arrays come back. */
  private rowProducts(rows: readonly Float64Array[]): { P: Float64Array; AAt: Float64Array } {
    const c = this.rowCache;
    if (c && c.rows.length === rows.length && c.rows.every((r, a) => r === rows[a])) return c;
    const { p, k, V } = this;
    const m = rows.length;
    for (const r of rows) {
      if (r.length !== p)
        throw new InvalidInputError(`a constraint row has length ${r.length}, expected ${p}`);
    }
    const P = new Float64Array(k * m);
    for (let i = 0; i < p; i++) {
      const o = i * k;
      for (let a = 0; a < m; a++) {
        const x = rows[a]![i]!;
        if (x === 0) continue;
        for (let j = 0; j < k; j++) P[j * m + a]! += V[o + j]! * x;
      }
    }
    const AAt = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        const v = dotRow(rows[a]!, rows[b]!, p);
        AAt[a * m + b] = v;
        AAt[b * m + a] = v;
      }
    }
    this.rowCache = { rows: rows.slice(), P, AAt };
    return this.rowCache;
  }
}

function dotRow(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * y[i]!;
  return s;
}
