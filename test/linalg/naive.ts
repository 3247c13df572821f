/** Slow, obviously-correct twins and random inputs for the linalg tests (style.md habit 3). */
import { Rng } from '../../src/core/rng.ts';
import type { Matrix } from '../../src/linalg/index.ts';

export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  rng.fillNormal(data);
  return { rows, cols, data };
}

export function randomSymmetric(n: number, seed: number): Matrix {
  const A = randomMatrix(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A.data[j * n + i] = A.data[i * n + j]!;
  return A;
}

/** Q·diag(λ)·Qᵀ with a random orthogonal Q (from the QR of a Gaussian matrix, by Gram–Schmidt twice). */
export function symmetricWithSpectrum(lambda: readonly number[], seed: number): Matrix {
  const n = lambda.length;
  const Q = randomOrthogonal(n, seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
      A[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j]!;
  return { rows: n, cols: n, data: A };
}

export function randomOrthogonal(n: number, seed: number): Float64Array {
  const G = randomMatrix(n, n, seed).data;
  // Columns orthonormalised by modified Gram–Schmidt, two passes.
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += G[r * n + i]! * G[r * n + j]!;
        for (let r = 0; r < n; r++) G[r * n + j] -= s * G[r * n + i]!;
      }
    }
    let nn = 0;
    for (let r = 0; r < n; r++) nn += G[r * n + j]! ** 2;
    nn = Math.sqrt(nn);
    for (let r = 0; r < n; r++) G[r * n + j] /= nn;
  }
  return G;
}

export function naiveMatmul(A: Matrix, B: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  const at = (i: number, p: number) => (transA ? A.data[p * A.cols + i]! : A.data[i * A.cols + p]!);
  const bt = (p: number, j: number) => (transB ? B.data[j * B.cols + p]! : B.data[p * B.cols + j]!);
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      C[i * n + j] = s;
    }
  }
  return { rows: m, cols: n, data: C };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d;
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

export function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
