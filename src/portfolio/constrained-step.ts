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
  // the rows' non-zeros (sector rows are one-hot): a dot over them is the dense dot's sum, since adding a
  // 0·x term leaves a partial sum unchanged
  const sparse = sparseRowsOf(rows);
  let L: Matrix | undefined;
  if (m > 0) {
    const S = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) S[a * m + b] = sparseDot(sparse[a]!, Y[b]!);
    L = schurFactor(m, S);
  }
  return new SchurStep(solver, sparse, Y, L);
}

/**
 * `schurStepSolver`'s per-step half. A class, not an object literal with a closure made per call: the ADMM
 * makes one at every change of ρ or γ, and optimised code that had inlined such a closure was discarded when
 * it died (docs/decisions/157 item 5).
 */
class SchurStep implements ConstrainedStepSolver {
  private readonly rhs: Float64Array;

  constructor(
    private readonly solver: { solve(b: Float64Array, out?: Float64Array): Float64Array },
    private readonly sparse: readonly SparseRow[],
    private readonly Y: readonly Float64Array[],
    private readonly L: Matrix | undefined,
  ) {
    this.rhs = new Float64Array(sparse.length);
  }

  solve(q: Float64Array, w: Float64Array): void {
    const { sparse, rhs } = this;
    const m = sparse.length;
    this.solver.solve(q, w);
    if (m === 0) return;
    for (let a = 0; a < m; a++) rhs[a] = sparseDot(sparse[a]!, w);
    const nu = choleskySolve(this.L!, rhs);
    subtractColumns(w, nu, this.Y);
  }
}

/** A row's non-zero positions and values. */
export interface SparseRow {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

export function sparseRow(r: Float64Array): SparseRow {
  let nnz = 0;
  for (let i = 0; i < r.length; i++) if (r[i] !== 0) nnz++;
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  for (let i = 0, t = 0; i < r.length; i++) {
    if (r[i] === 0) continue;
    index[t] = i;
    value[t++] = r[i]!;
  }
  return { index, value };
}

/**
 * The sparse form of each set of rows, kept while the set lives: a solver passes the same array at every
 * change of ρ or γ (the rows must not change meanwhile, as for the spectral operator's row products).
 */
const sparseRowSets = new WeakMap<readonly Float64Array[], readonly SparseRow[]>();

function sparseRowsOf(rows: readonly Float64Array[]): readonly SparseRow[] {
  let sparse = sparseRowSets.get(rows);
  if (!sparse) sparseRowSets.set(rows, (sparse = rows.map(sparseRow)));
  return sparse;
}

function sparseDot({ index, value }: SparseRow, x: Float64Array): number {
  let s = 0;
  for (let t = 0; t < index.length; t++) s += value[t]! * x[index[t]!]!;
  return s;
}

/**
 * w_i ← w_i − ν_0·Y_0,i − ν_1·Y_1,i − … in that order for every i, four columns per pass over w (each entry
 * sees the same operations as one column per pass).
 */
function subtractColumns(w: Float64Array, nu: Float64Array, Y: readonly Float64Array[]): void {
  const p = w.length;
  const m = Y.length;
  let a = 0;
  for (; a + 3 < m; a += 4) {
    const n0 = nu[a]!;
    const n1 = nu[a + 1]!;
    const n2 = nu[a + 2]!;
    const n3 = nu[a + 3]!;
    const y0 = Y[a]!;
    const y1 = Y[a + 1]!;
    const y2 = Y[a + 2]!;
    const y3 = Y[a + 3]!;
    for (let i = 0; i < p; i++) w[i] = w[i]! - n0 * y0[i]! - n1 * y1[i]! - n2 * y2[i]! - n3 * y3[i]!;
  }
  for (; a < m; a++) {
    const na = nu[a]!;
    const ya = Y[a]!;
    for (let i = 0; i < p; i++) w[i] = w[i]! - na * ya[i]!;
  }
}
