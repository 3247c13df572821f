/**
 * Factorisation of the optimiser's m×m Schur complement S = A(γΣ + ρI)⁻¹Aᵀ (m = number of kept equality rows,
 * a dozen at most). S is symmetric positive definite once dependent rows are dropped.
 */
import { NumericalError } from '../core/errors.ts';

export interface SmallSpdFactor {
  solve(b: Float64Array): Float64Array;
}

export function factorSmallSpd(S: Float64Array, m: number): SmallSpdFactor {
  const L = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let d = S[j * m + j]!;
    for (let k = 0; k < j; k++) d -= L[j * m + k]! * L[j * m + k]!;
    if (!(d > 0))
      throw new NumericalError(`the constraint Schur complement is not positive definite at row ${j}`);
    const ljj = Math.sqrt(d);
    L[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = S[i * m + j]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      L[i * m + j] = s / ljj;
    }
  }
  return {
    solve(b) {
      const x = Float64Array.from(b);
      for (let i = 0; i < m; i++) {
        let s = x[i]!;
        for (let k = 0; k < i; k++) s -= L[i * m + k]! * x[k]!;
        x[i] = s / L[i * m + i]!;
      }
      for (let i = m - 1; i >= 0; i--) {
        let s = x[i]!;
        for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * x[k]!;
        x[i] = s / L[i * m + i]!;
      }
      return x;
    },
  };
}
