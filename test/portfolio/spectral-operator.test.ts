import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { SpectralRiskOperator } from '../../src/portfolio/spectral-operator.ts';
import { naiveSolve, orthonormal } from './dense-operator.ts';

describe('SpectralRiskOperator', () => {
  it('agrees with the dense Σ = aI + V diag(c) Vᵀ for mul, quadForm and (γΣ + ρI)⁻¹', () => {
    const rng = new Rng(3);
    const p = 12;
    const k = 5;
    const a = 0.02;
    const V = orthonormal(p, k, rng);
    const c = Float64Array.from({ length: k }, () => rng.uniform());
    const S = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = i === j ? a : 0;
        for (let q = 0; q < k; q++) s += V[i * k + q]! * c[q]! * V[j * k + q]!;
        S[i * p + j] = s;
      }
    }
    const op = new SpectralRiskOperator(a, V, c);
    const x = Float64Array.from({ length: p }, () => rng.normal());
    const Sx = op.mul(x);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += S[i * p + j]! * x[j]!;
      expect(Sx[i]).toBeCloseTo(s, 13);
    }
    let q = 0;
    for (let i = 0; i < p; i++) q += x[i]! * Sx[i]!;
    expect(op.quadForm(x)).toBeCloseTo(q, 13);
    for (const [g, rho] of [
      [10, 1],
      [0.5, 0.01],
      [1e-4, 2],
    ] as const) {
      const M = new Float64Array(p * p);
      for (let i = 0; i < p * p; i++) M[i] = g * S[i]!;
      for (let i = 0; i < p; i++) M[i * p + i] = M[i * p + i]! + rho;
      const ref = naiveSolve(M, x, p);
      const got = op.shiftedSolver(g, rho).solve(x);
      for (let i = 0; i < p; i++) expect(got[i]! / ref[i]!).toBeCloseTo(1, 10);
    }
  });

  it('handles a singular Σ (a = 0, the sample covariance) once ρ > 0', () => {
    const rng = new Rng(4);
    const V = orthonormal(6, 2, rng);
    const op = new SpectralRiskOperator(0, V, Float64Array.of(0.3, 0.1));
    const b = Float64Array.from({ length: 6 }, () => rng.normal());
    const x = op.shiftedSolver(2, 0.5).solve(b);
    const back = op.mul(x).map((v, i) => 2 * v + 0.5 * x[i]!);
    for (let i = 0; i < 6; i++) expect(back[i]).toBeCloseTo(b[i]!, 12);
    expect(() => op.shiftedSolver(1, 0)).toThrow(/positive/);
  });
});

describe('SpectralRiskOperator row products shared on one V', () => {
  it('reuses VᵀAᵀ only for the same numbers: copies of the rows give the unshared bits, a changed row its own', () => {
    const rng = new Rng(21);
    const p = 11;
    const k = 4;
    const V = orthonormal(p, k, rng);
    const c1 = Float64Array.from({ length: k }, () => rng.uniform());
    const c2 = Float64Array.from({ length: k }, () => rng.uniform());
    const rows = [
      Float64Array.from({ length: p }, () => 1),
      Float64Array.from({ length: p }, () => rng.normal()),
    ];
    const q = Float64Array.from({ length: p }, () => rng.normal());
    const solveWith = (op: SpectralRiskOperator, r: readonly Float64Array[]) => {
      const w = new Float64Array(p);
      op.constrainedSolver(2, 0.3, r).solve(q, w);
      return w;
    };
    solveWith(new SpectralRiskOperator(0.01, V, c1), rows); // fills the cache for V
    const copies = rows.map((r) => Float64Array.from(r));
    const shared = solveWith(new SpectralRiskOperator(0.02, V, c2), copies);
    const alone = solveWith(new SpectralRiskOperator(0.02, Float64Array.from(V), c2), copies);
    expect([...shared]).toEqual([...alone]);
    const changed = [copies[0]!, Float64Array.from(copies[1]!, (x, i) => (i === 3 ? x + 0.5 : x))];
    const sharedChanged = solveWith(new SpectralRiskOperator(0.02, V, c2), changed);
    const aloneChanged = solveWith(new SpectralRiskOperator(0.02, Float64Array.from(V), c2), changed);
    expect([...sharedChanged]).toEqual([...aloneChanged]);
    expect(sharedChanged[3]).not.toBe(shared[3]);
  });
});

describe('SpectralRiskOperator on a copy of V (a worker thread receives each task in new arrays)', () => {
  it('gives the JS path’s bits for an equal V in a new array and for a V that differs in one entry', () => {
    const rng = new Rng(33);
    const p = 13;
    const k = 6;
    const V = orthonormal(p, k, rng);
    const c = Float64Array.from({ length: k }, () => rng.uniform());
    const rows = [Float64Array.from({ length: p }, () => 1)];
    const q = Float64Array.from({ length: p }, () => rng.normal());
    const solveWith = (op: SpectralRiskOperator) => {
      const w = new Float64Array(p);
      op.constrainedSolver(3, 0.2, rows).solve(q, w);
      return [...w, ...op.mul(q)];
    };
    const reference = (basis: Float64Array) =>
      solveWith(new SpectralRiskOperator(0.01, Float64Array.from(basis), c, { useKernel: false }));
    expect(solveWith(new SpectralRiskOperator(0.01, V, c))).toEqual(reference(V));
    const copy = Float64Array.from(V);
    expect(solveWith(new SpectralRiskOperator(0.01, copy, c))).toEqual(reference(V));
    const other = Float64Array.from(V, (x, i) => (i === 7 ? x + 0.25 : x));
    const got = solveWith(new SpectralRiskOperator(0.01, other, c));
    expect(got).toEqual(reference(other));
    expect(got).not.toEqual(reference(V));
    // and back: the first V again after the other one
    expect(solveWith(new SpectralRiskOperator(0.01, Float64Array.from(V), c))).toEqual(reference(V));
  });
});
