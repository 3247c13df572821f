/** The operator half of the covariance conformance suite, shared with the factor-model tests. */
import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { type StructuredCovariance, symmetricEigenvalues } from '../../src/linalg/index.ts';

/**
 * Σ is symmetric and PSD; diagonal, quadForm and mul agree with toDense; solve inverts mul when Σ is
 * invertible and refuses otherwise.
 */
export function checkOperator(S: StructuredCovariance, invertible: boolean, seed: number): void {
  const p = S.p;
  const D = S.toDense().data;
  let scale = 0;
  for (const v of D) scale = Math.max(scale, Math.abs(v));
  for (let a = 0; a < p; a++)
    for (let b = 0; b < a; b++)
      expect(Math.abs(D[a * p + b]! - D[b * p + a]!)).toBeLessThanOrEqual(1e-13 * scale);
  const lambda = symmetricEigenvalues({ rows: p, cols: p, data: D }, { symmetryTolerance: 1e-10 });
  expect(lambda[0]!).toBeGreaterThanOrEqual(-1e-12 * lambda[p - 1]!);
  const diag = S.diagonal();
  for (let i = 0; i < p; i++) expect(Math.abs(diag[i]! - D[i * p + i]!)).toBeLessThanOrEqual(1e-13 * scale);
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: p }, () => rng.normal());
  let dense = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) dense += w[a]! * D[a * p + b]! * w[b]!;
  expect(Math.abs(S.quadForm(w) - dense)).toBeLessThanOrEqual(1e-12 * Math.abs(dense) + 1e-15 * scale);
  const Sw = S.mul(w);
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += D[a * p + b]! * w[b]!;
    expect(Math.abs(Sw[a]! - s)).toBeLessThanOrEqual(1e-12 * scale * p);
  }
  if (invertible) {
    const cond = lambda[p - 1]! / lambda[0]!;
    const x = S.solve(Sw);
    for (let a = 0; a < p; a++) expect(Math.abs(x[a]! - w[a]!)).toBeLessThanOrEqual(1e-14 * cond * 10);
  } else {
    expect(() => S.solve(Sw)).toThrow();
  }
}
