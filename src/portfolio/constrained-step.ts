/**
 * The equality-constrained w-step of the portfolio ADMM (methods.md §7, step 1): for M = γΣ + ρI and the
 * independent equality rows A (m × p),
 *
 *   w = argmin ½wᵀMw − qᵀw  subject to  Aw = 0
 *     = M⁻¹q − M⁻¹Aᵀν,   ν = S⁻¹·A·M⁻¹q,   S = A·M⁻¹·Aᵀ  (m × m Schur complement, positive definite).
 *
 * `schurStepSolver` is the generic form for any covariance operator: Y = M⁻¹Aᵀ by m operator solves, S = A·Y,
 * then every step costs one solve plus m axpys. Operators that can do better (the spectral operator forms S in
 * O(k·m²) from a cached VᵀAᵀ, docs/decisions/150-portfolio-spectral-schur.md) provide `constrainedSolver`.
 */
import { cholesky, choleskySolve, createMatrix, type Matrix } from '../linalg/index.ts';

/** One factorised w-step for fixed γ, ρ and rows; `solve` writes w into `out` (length p). */
export interface ConstrainedStepSolver {
  solve(q: Float64Array, out: Float64Array): void;
}

/** What the generic form needs of a covariance operator. */
export interface ShiftedSolvable {
  shiftedSolver(a: number, rho: number): { solve(b: Float64Array, out?: Float64Array): Float64Array };
}

/** Lower Cholesky factor of the m × m matrix S (row-major); throws NumericalError when S is not PD. */
export function schurFactor(m: number, S: Float64Array): Matrix {
  return cholesky(createMatrix(m, m, S)).L;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Generic w-step: Y_a = M⁻¹a_a for every row, S_ab = a_a·Y_b, then per call w = M⁻¹q − Σ_a ν_a·Y_a with
 * S·ν = A·M⁻¹q. Setup: m operator solves; each call: one solve, O(p·m) and an m × m triangular pair.
 */
export function schurStepSolver(
  Sigma: ShiftedSolvable,
  gamma: number,
  rho: number,
  rows: readonly Float64Array[],
): ConstrainedStepSolver {
  const solver = Sigma.shiftedSolver(gamma, rho);
  const m = rows.length;
  const Y = rows.map((r) => solver.solve(r));
  let L: Matrix | undefined;
  if (m > 0) {
    const S = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) S[a * m + b] = dot(rows[a]!, Y[b]!);
    L = schurFactor(m, S);
  }
  const rhs = new Float64Array(m);
  return {
    solve(q, w) {
      solver.solve(q, w);
      if (m === 0) return;
      for (let a = 0; a < m; a++) rhs[a] = dot(rows[a]!, w);
      const nu = choleskySolve(L!, rhs);
      const p = w.length;
      for (let a = 0; a < m; a++) {
        const Ya = Y[a]!;
        const na = nu[a]!;
        for (let i = 0; i < p; i++) w[i] = w[i]! - na * Ya[i]!;
      }
    },
  };
}
