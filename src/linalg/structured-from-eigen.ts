/** Building a StructuredCovariance from eigenpairs: keep the top k, replace the rest by a scalar. */
import { InvalidInputError } from '../core/errors.ts';
import { symmetricEigenRows } from './eigen.ts';
import type { Matrix } from './matrix.ts';
import { checkVector } from './shape.ts';
import { StructuredCovariance } from './structured-covariance.ts';

/**
 * Σ = ν·I + V·diag(λ − ν)·Vᵀ from k eigenpairs (λ_j, v_j) and a noise level ν for the other p − k
 * directions. `vectors` is p × k row-major with column j = v_j (orthonormal columns expected, not checked).
 * This is the LW-2020 (p > n) and "top-k + flat rest" shape of the methods.md §5 table.
 */
export function structuredFromEigenpairs(
  p: number,
  values: Float64Array,
  vectors: Float64Array,
  noise: number,
): StructuredCovariance {
  const k = values.length;
  checkVector('structuredFromEigenpairs', 'vectors (p × k)', vectors, p * k);
  const C = new Float64Array(k * k);
  for (let j = 0; j < k; j++) C[j * k + j] = values[j]! - noise;
  return new StructuredCovariance({ p, k, diag: noise, U: vectors, C });
}

/**
 * Low-rank-plus-scalar approximation of a dense symmetric matrix A: its k largest eigenpairs are kept and
 * the other p − k eigenvalues are replaced by their mean ν = (tr A − Σ_top λ)/(p − k), which preserves the
 * trace (the RMT constant-residual idea of methods.md §5). With k ≥ p the result reproduces A (ν = 0).
 * Throws InvalidInputError when ν < 0 (A is not positive semi-definite enough for a covariance).
 */
export function structuredFromDense(A: Matrix, k: number): StructuredCovariance {
  if (!Number.isSafeInteger(k) || k < 0) {
    throw new InvalidInputError(`structuredFromDense: k must be an integer ≥ 0, got ${k}`);
  }
  const p = A.rows;
  const { values, vectorsByRow } = symmetricEigenRows(A);
  const kk = Math.min(k, p);
  let rest = 0;
  for (let j = 0; j < p - kk; j++) rest += values[j]!;
  const noise = p - kk > 0 ? rest / (p - kk) : 0;
  if (noise < 0) {
    throw new InvalidInputError(
      `structuredFromDense: the mean of the ${p - kk} discarded eigenvalues is ${noise} < 0; A is not a covariance`,
    );
  }
  const top = new Float64Array(kk);
  const U = new Float64Array(p * kk);
  for (let c = 0; c < kk; c++) {
    const j = p - 1 - c; // largest first
    top[c] = values[j]!;
    for (let i = 0; i < p; i++) U[i * kk + c] = vectorsByRow.data[j * p + i]!;
  }
  return structuredFromEigenpairs(p, top, U, noise);
}
