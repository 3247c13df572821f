import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { schurStepSolver } from '../../src/portfolio/constrained-step.ts';
import { neutralityConstraints } from '../../src/portfolio/constraints.ts';
import { solvePortfolio } from '../../src/portfolio/optimizer.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import { denseOperator, naiveSolve, orthonormal } from './dense-operator.ts';

function denseSigma(p: number, k: number, a: number, V: Float64Array, c: Float64Array): Float64Array {
  const S = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = i === j ? a : 0;
      for (let q = 0; q < k; q++) s += V[i * k + q]! * c[q]! * V[j * k + q]!;
      S[i * p + j] = s;
    }
  }
  return S;
}

/** The naive twin: the full KKT system [[M, Aᵀ], [A, 0]]·[w; ν] = [q; 0] by Gaussian elimination. */
function kktSolve(M: Float64Array, rows: Float64Array[], q: Float64Array, p: number): Float64Array {
  const m = rows.length;
  const n = p + m;
  const K = new Float64Array(n * n);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) K[i * n + j] = M[i * p + j]!;
  rows.forEach((r, a) => {
    for (let i = 0; i < p; i++) {
      K[(p + a) * n + i] = r[i]!;
      K[i * n + p + a] = r[i]!;
    }
  });
  const rhs = new Float64Array(n);
  rhs.set(q);
  return naiveSolve(K, rhs, n).subarray(0, p);
}

describe('equality-constrained w-step (constrained-step.ts)', () => {
  const rng = new Rng(11);
  const p = 14;
  const k = 6;
  const a = 0.015;
  const V = orthonormal(p, k, rng);
  const c = Float64Array.from({ length: k }, () => 0.2 * rng.uniform());
  const op = new SpectralRiskOperator(a, V, c);
  const Sigma = denseSigma(p, k, a, V, c);
  const sectorOf = Int32Array.from({ length: p }, (_, i) => i % 3);
  const beta = Float64Array.from({ length: p }, () => 0.6 + rng.uniform());
  const rows = neutralityConstraints({ n: p, dollar: false, sectorOf, beta }).map((r) => r.row);

  it('spectral form, generic Schur form and the dense KKT solve agree on random inputs', () => {
    for (const [gamma, rho] of [
      [10, 1],
      [0.5, 0.01],
      [1e-3, 3],
    ] as const) {
      const M = new Float64Array(p * p);
      for (let t = 0; t < p * p; t++) M[t] = gamma * Sigma[t]!;
      for (let i = 0; i < p; i++) M[i * p + i] = M[i * p + i]! + rho;
      const spectral = op.constrainedSolver(gamma, rho, rows);
      const generic = schurStepSolver(op, gamma, rho, rows);
      for (let rep = 0; rep < 3; rep++) {
        const q = Float64Array.from({ length: p }, () => rng.normal());
        const ref = kktSolve(M, rows, q, p);
        const w1 = new Float64Array(p);
        const w2 = new Float64Array(p);
        spectral.solve(q, w1);
        generic.solve(q, w2);
        for (let i = 0; i < p; i++) {
          expect(w1[i]).toBeCloseTo(ref[i]!, 12);
          expect(w2[i]).toBeCloseTo(ref[i]!, 12);
        }
        for (const r of rows) expect(Math.abs(r.reduce((s, x, i) => s + x * w1[i]!, 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('with no rows is the plain shifted solve, and new rows are not served from the cache', () => {
    const q = Float64Array.from({ length: p }, () => rng.normal());
    const w = new Float64Array(p);
    op.constrainedSolver(2, 0.5, []).solve(q, w);
    const ref = op.shiftedSolver(2, 0.5).solve(q);
    for (let i = 0; i < p; i++) expect(w[i]).toBeCloseTo(ref[i]!, 14);
    const other = [Float64Array.from({ length: p }, () => rng.normal())];
    op.constrainedSolver(2, 0.5, rows).solve(q, w);
    op.constrainedSolver(2, 0.5, other).solve(q, w);
    expect(Math.abs(other[0]!.reduce((s, x, i) => s + x * w[i]!, 0))).toBeLessThan(1e-12);
  });

  it('gives the optimiser the same solution as the dense operator (box, costs, neutrality)', () => {
    const alpha = Float64Array.from({ length: p }, () => 0.02 * rng.normal());
    const problem = {
      alpha,
      gamma: 8,
      w0: Float64Array.from({ length: p }, () => 0.02 * rng.normal()),
      lower: new Float64Array(p).fill(-0.1),
      upper: new Float64Array(p).fill(0.1),
      linearCost: new Float64Array(p).fill(0.001),
      equalities: rows.map((row, j) => ({ name: `r${j}`, row })),
    };
    const opts = { epsAbs: 1e-12, epsRel: 1e-12 };
    const spectral = solvePortfolio({ ...problem, Sigma: op }, opts);
    const dense = solvePortfolio({ ...problem, Sigma: denseOperator(Sigma, p) }, opts);
    for (let i = 0; i < p; i++) expect(spectral.w[i]).toBeCloseTo(dense.w[i]!, 9);
    expect(spectral.objective).toBeCloseTo(dense.objective, 12);
  });
});
