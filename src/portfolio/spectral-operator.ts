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
import type { RiskOperator } from './optimizer.ts';

export class SpectralRiskOperator implements RiskOperator {
  readonly p: number;
  readonly k: number;
  private readonly scratch: Float64Array;

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
    if (!(base > 0)) throw new InvalidInputError(`γa + ρ must be positive, got ${base}`);
    const f = new Float64Array(this.k);
    for (let j = 0; j < this.k; j++) {
      const e = gamma * (this.a + this.c[j]!) + rho;
      if (!(e > 0)) throw new InvalidInputError(`γ(a + c_${j}) + ρ must be positive, got ${e}`);
      f[j] = 1 / e - 1 / base;
    }
    const y = new Float64Array(this.k);
    return {
      solve: (b, out = new Float64Array(this.p)) => {
        this.project(b, y);
        for (let j = 0; j < this.k; j++) y[j] = y[j]! * f[j]!;
        return this.expand(b, 1 / base, y, out);
      },
    };
  }
}
