/**
 * Gaussian elimination with partial pivoting for the optimiser's small dense systems (Anderson's normal
 * equations, the saturated book's dual Newton step: m ≤ a few dozen), where a factorisation object would cost
 * more than the solve.
 */

/**
 * Solves the m × m system A·x = b (A row-major), overwriting A and b; `x` may be `b` itself. False when a
 * pivot is zero or the solution is not finite (x is then unusable).
 */
export function solveDenseSmall(m: number, A: Float64Array, b: Float64Array, x: Float64Array = b): boolean {
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]!) > Math.abs(A[piv * m + c]!)) piv = r;
    if (!(Math.abs(A[piv * m + c]!) > 0)) return false;
    if (piv !== c) {
      for (let k = 0; k < m; k++) {
        const t = A[c * m + k]!;
        A[c * m + k] = A[piv * m + k]!;
        A[piv * m + k] = t;
      }
      const t = b[c]!;
      b[c] = b[piv]!;
      b[piv] = t;
    }
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c]! / A[c * m + c]!;
      for (let k = c; k < m; k++) A[r * m + k] = A[r * m + k]! - f * A[c * m + k]!;
      b[r] = b[r]! - f * b[c]!;
    }
  }
  // back substitution reads b[r] before x[r] is written, so x = b works in place
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < m; k++) s -= A[r * m + k]! * x[k]!;
    x[r] = s / A[r * m + r]!;
  }
  for (let r = 0; r < m; r++) if (!Number.isFinite(x[r]!)) return false;
  return true;
}
