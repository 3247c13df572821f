/**
 * Maximum IC-Sharpe weights on the simplex (methods.md §4): maximise μ′w/√(w′Cw) subject to w ≥ 0 and
 * 1′w = 1. The ratio is scale-free, so this is the convex QP min ½w′Cw − μ′w, w ≥ 0, followed by w ← w/1′w;
 * its solution is unique when C ≻ 0 (any shrinkage ρ > 0 guarantees it). Solved exactly by a Lawson–Hanson
 * active-set method (the NNLS algorithm written for the QP): a free set P grows by the most violated
 * multiplier g_j = (Cw − μ)_j < 0, each step solves C_PP z = μ_P by Cholesky, and a step that would make
 * a free weight negative stops at the boundary and drops it. It terminates in finitely many steps; no
 * random restarts (seed 002 runs 20 SLSQP restarts on this convex problem).
 */
import { InvalidInputError, NotConvergedError } from '../core/errors.ts';
import { cholesky, choleskySolve, createMatrix } from '../linalg/index.ts';

export interface SimplexWeights {
  /** w ≥ 0 with Σw = 1. */
  readonly weights: Float64Array;
  /** μ′w/√(w′Cw) at the optimum. */
  readonly sharpe: number;
  /** True when no μ_j > 0: equal weights were returned (methods.md §4). */
  readonly fallback: boolean;
  readonly iterations: number;
}

/** Multipliers above −KKT_TOL·max|μ| count as satisfied (roundoff of the Cholesky solves). */
const KKT_TOL = 1e-12;

function solveOnSet(C: Float64Array, mu: Float64Array, M: number, P: readonly number[]): Float64Array {
  const k = P.length;
  const A = createMatrix(k, k);
  const b = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    b[a] = mu[P[a]!]!;
    for (let c = 0; c < k; c++) A.data[a * k + c] = C[P[a]! * M + P[c]!]!;
  }
  // Jitter only matters for a singular C̃ (ρ = 0 with collinear IC series); it is reported by no one and
  // changes nothing when C̃ ≻ 0.
  return choleskySolve(cholesky(A, { jitter: true }).L, b);
}

/**
 * Base routine: the QP solution of min ½w′Cw − μ′w, w ≥ 0 (un-normalised) for a symmetric positive
 * definite M×M row-major C. Throws NumericalError if a free block is not positive definite.
 */
export function nonNegativeQuadraticProgram(
  C: Float64Array,
  mu: Float64Array,
  M: number,
): { w: Float64Array; iterations: number } {
  const w = new Float64Array(M);
  const free = new Uint8Array(M);
  const P: number[] = [];
  let scale = 0;
  for (let j = 0; j < M; j++) scale = Math.max(scale, Math.abs(mu[j]!));
  const tol = KKT_TOL * Math.max(scale, Number.MIN_VALUE);
  const maxIter = 3 * M + 10;
  let iterations = 0;
  // Outside the free set w_c = 0 exactly, so its terms of Cw add ±0, which moves no partial sum that is not
  // already ±0 and leaves every `g < best` (best < 0) as it was: with a finite C, Cw − μ is summed over the
  // free columns only (in column order), the same decisions for a fraction of the products.
  let finite = true;
  for (let k = 0; k < M * M && finite; k++) finite = Number.isFinite(C[k]!);
  const cols = new Int32Array(M);
  for (;;) {
    let nc = 0;
    for (let c = 0; c < M; c++) if (!finite || free[c]) cols[nc++] = c;
    // g = Cw − μ; the most negative g_j over the bound variables enters the free set.
    let enter = -1;
    let best = -tol;
    for (let j = 0; j < M; j++) {
      if (free[j]) continue;
      let g = -mu[j]!;
      for (let q = 0; q < nc; q++) g += C[j * M + cols[q]!]! * w[cols[q]!]!;
      if (g < best) {
        best = g;
        enter = j;
      }
    }
    if (enter < 0) return { w, iterations };
    if (++iterations > maxIter)
      throw new NotConvergedError('simplex weights active set', iterations, { multiplier: best });
    free[enter] = 1;
    P.push(enter);
    for (;;) {
      const z = solveOnSet(C, mu, M, P);
      let alpha = 1;
      let blocking = -1;
      for (let a = 0; a < P.length; a++) {
        if (z[a]! > 0) continue;
        const j = P[a]!;
        const step = w[j]! / (w[j]! - z[a]!);
        if (step < alpha) {
          alpha = step;
          blocking = a;
        }
      }
      if (blocking < 0) {
        P.forEach((j, a) => {
          w[j] = z[a]!;
        });
        break;
      }
      // Move to the boundary and release every free weight that reached 0.
      P.forEach((j, a) => {
        w[j] = w[j]! + alpha * (z[a]! - w[j]!);
      });
      w[P[blocking]!] = 0;
      for (let a = P.length - 1; a >= 0; a--) {
        const j = P[a]!;
        if (w[j]! <= 0) {
          w[j] = 0;
          free[j] = 0;
          P.splice(a, 1);
        }
      }
      if (P.length === 0) break;
    }
  }
}

/**
 * Maximum IC-Sharpe weights on the simplex for expected rewards μ (|ICIR| in seed 002) and a positive
 * definite correlation C̃ (M×M row-major). Equal weights with `fallback: true` when every μ_j ≤ 0.
 * R4.2: μ = [0.8, 0.5, 0.3] → w = [0.7161016949152543, 0.13559322033898302, 0.14830508474576268],
 * SR = 0.8208227579691002. R4.3: w = [25/26, 1/26, 0].
 */
export function maxSharpeSimplexWeights(mu: Float64Array, C: Float64Array): SimplexWeights {
  const M = mu.length;
  if (M === 0) throw new InvalidInputError('no signals to weight', { where: { field: 'mu' } });
  if (C.length !== M * M)
    throw new InvalidInputError(`C has length ${C.length}, expected ${M}×${M}`, { where: { field: 'C' } });
  for (let j = 0; j < M; j++) {
    if (!Number.isFinite(mu[j]!))
      throw new InvalidInputError(`mu[${j}] is not finite (${mu[j]})`, { where: { field: 'mu' } });
  }
  const sharpeOf = (w: Float64Array) => {
    let num = 0;
    let quad = 0;
    for (let a = 0; a < M; a++) {
      num += mu[a]! * w[a]!;
      for (let b = 0; b < M; b++) quad += w[a]! * C[a * M + b]! * w[b]!;
    }
    return quad > 0 ? num / Math.sqrt(quad) : Number.NaN;
  };
  if (!mu.some((m) => m > 0)) {
    const w = new Float64Array(M).fill(1 / M);
    return { weights: w, sharpe: sharpeOf(w), fallback: true, iterations: 0 };
  }
  const { w, iterations } = nonNegativeQuadraticProgram(C, mu, M);
  let sum = 0;
  for (let j = 0; j < M; j++) sum += w[j]!;
  for (let j = 0; j < M; j++) w[j] = w[j]! / sum;
  return { weights: w, sharpe: sharpeOf(w), fallback: false, iterations };
}
