// A dense covariance operator for optimiser tests: Gaussian elimination (linalg/dense-solve.ts), O(p³).
import type { Rng } from '../../src/core/rng.ts';
import { solveDenseSmall } from '../../src/linalg/dense-solve.ts';
import type { RiskOperator } from '../../src/portfolio/optimizer.ts';

/** x with A·x = b (A is n × n, row-major; neither is modified), by linalg's Gaussian elimination. */
export function naiveSolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  if (!solveDenseSmall(n, Float64Array.from(A), x)) throw new Error('naiveSolve: singular system');
  return x;
}

export function denseOperator(Sigma: Float64Array, p: number): RiskOperator {
  const mul = (x: Float64Array, out = new Float64Array(p)) => {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += Sigma[i * p + j]! * x[j]!;
      out[i] = s;
    }
    return out;
  };
  return {
    p,
    mul,
    quadForm: (w) => {
      const v = mul(w);
      let s = 0;
      for (let i = 0; i < p; i++) s += w[i]! * v[i]!;
      return s;
    },
    shiftedSolver: (a, rho) => {
      const M = new Float64Array(p * p);
      for (let k = 0; k < p * p; k++) M[k] = a * Sigma[k]!;
      for (let i = 0; i < p; i++) M[i * p + i] = M[i * p + i]! + rho;
      return {
        solve: (b, out) => {
          const x = naiveSolve(M, b, p);
          if (out) {
            out.set(x);
            return out;
          }
          return x;
        },
      };
    },
  };
}

/** methods.md §7 common data: Σ = 0.03ββ′ + diag(0.04, 0.05, 0.03, 0.06, 0.045, 0.035). */
export function r7Problem() {
  const beta = Float64Array.of(1.1, 0.9, 1.2, 0.8, 1.0, 1.0);
  const d = [0.04, 0.05, 0.03, 0.06, 0.045, 0.035];
  const p = 6;
  const Sigma = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) Sigma[i * p + j] = 0.03 * beta[i]! * beta[j]! + (i === j ? d[i]! : 0);
  const alpha = Float64Array.of(0.05, -0.02, 0.03, 0.01, -0.04, 0.02);
  return { p, beta, Sigma, alpha, sectorOf: Int32Array.of(0, 0, 0, 1, 1, 1) };
}

/** Random p × k matrix with orthonormal columns (two-pass Gram–Schmidt). */
export function orthonormal(p: number, k: number, rng: Rng): Float64Array {
  const V = new Float64Array(p * k);
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: p }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < j; q++) {
        let d = 0;
        for (let i = 0; i < p; i++) d += V[i * k + q]! * v[i]!;
        for (let i = 0; i < p; i++) v[i] = v[i]! - d * V[i * k + q]!;
      }
    }
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    for (let i = 0; i < p; i++) V[i * k + j] = v[i]! / n;
  }
  return V;
}
