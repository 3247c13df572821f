/**
 * The WebAssembly symmetric product of the blocked tridiagonalisation (src/linalg/wasm-tridiagonal.ts):
 * the reduction with it matches the JavaScript reduction to rounding (its row dots are summed in two
 * lanes), on sizes that cross the blocked threshold with even and odd orders, in place in a larger array.
 */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/linalg/index.ts';
import { applyQBlocked, dsytrdUpperRows, setTridiagonalWasmKernel } from '../../src/linalg/tridiagonal.ts';
import { tridiagonalDivideConquer } from '../../src/linalg/tridiagonal-dc.ts';
import { tridiagonalWorkspace } from '../../src/linalg/wasm-tridiagonal.ts';
import { randomSymmetric } from './naive.ts';

/** Reduces the n × n matrix stored at offset 3 with leading dimension n + 2; returns d, e, tau and A. */
function reduce(n: number, seed: number, wasm: boolean) {
  const S = randomSymmetric(n, seed);
  const lda = n + 2;
  const A = new Float64Array(3 + n * lda).fill(7);
  for (let r = 0; r < n; r++) A.set(S.data.subarray(r * n, r * n + n), 3 + r * lda);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  const was = setTridiagonalWasmKernel(wasm);
  try {
    dsytrdUpperRows(n, A, 3, lda, d, e, tau, new Float64Array(n), new Float64Array(n));
  } finally {
    setTridiagonalWasmKernel(was);
  }
  return { d, e, tau, A, lda };
}

function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

describe('tridiagonalisation with the WebAssembly symmetric product', () => {
  it('is available on this engine', () => {
    expect(tridiagonalWorkspace()).not.toBeNull();
  });

  for (const n of [128, 131, 200, 257]) {
    it(`n = ${n}: d, e, τ and the stored reflectors agree with the JavaScript reduction`, () => {
      const w = reduce(n, n, true);
      const j = reduce(n, n, false);
      const scale = Math.max(...j.d.map(Math.abs), ...j.e.map(Math.abs));
      expect(maxAbsDiff(w.d, j.d)).toBeLessThan(1e-12 * scale);
      expect(maxAbsDiff(w.e, j.e)).toBeLessThan(1e-12 * scale);
      expect(maxAbsDiff(w.tau, j.tau)).toBeLessThan(1e-12);
      // The reflectors (upper rows) and the untouched padding columns and prefix.
      for (let r = 0; r < n; r++) {
        for (let c = r; c < n; c++) {
          const i = 3 + r * w.lda + c;
          expect(Math.abs(w.A[i]! - j.A[i]!)).toBeLessThan(1e-10 * (1 + Math.abs(j.A[i]!)));
        }
        expect(w.A[3 + r * w.lda + n]).toBe(7);
        expect(w.A[3 + r * w.lda + n + 1]).toBe(7);
      }
      expect([...w.A.subarray(0, 3)]).toEqual([7, 7, 7]);
    });
  }

  it('eigenpairs of a 300 × 300 matrix: residual at rounding level and the same values as the JS path', () => {
    const n = 300;
    const A = randomSymmetric(n, 11);
    const was = setTridiagonalWasmKernel(false);
    const js = symmetricEigen(A);
    setTridiagonalWasmKernel(was);
    const wa = symmetricEigen(A);
    expect(maxAbsDiff(wa.values, js.values)).toBeLessThan(1e-12 * Math.abs(js.values[n - 1]!));
    const V = wa.vectors.data;
    let worst = 0;
    for (let j = 0; j < n; j += 17) {
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += A.data[r * n + c]! * V[c * n + j]!;
        worst = Math.max(worst, Math.abs(s - wa.values[j]! * V[r * n + j]!));
      }
    }
    expect(worst).toBeLessThan(1e-12 * n * Math.abs(js.values[n - 1]!));
  });
});

describe('back-transformation (applyQBlocked) with the WebAssembly block products', () => {
  // Odd and even orders, a short last block, and q not a multiple of the kernel's eight columns.
  for (const [n, q] of [
    [131, 131],
    [200, 7],
    [97, 33],
  ] as const) {
    it(`n = ${n}, q = ${q}: Q·C agrees with the gemm path to rounding, padding untouched`, () => {
      const { A, lda, tau } = reduce(n, n + 1, true);
      const ldc = q + 3;
      const C0 = new Float64Array(2 + n * ldc);
      const Cq = randomSymmetric(Math.max(n, q), n + 2).data;
      C0.fill(5);
      for (let r = 0; r < n; r++)
        for (let c = 0; c < q; c++) C0[2 + r * ldc + c] = Cq[r * Math.max(n, q) + c]!;
      const viaKernel = C0.slice();
      applyQBlocked(n, q, A, 3, lda, tau, viaKernel, 2, ldc);
      const viaGemm = C0.slice();
      const was = setTridiagonalWasmKernel(false);
      try {
        applyQBlocked(n, q, A, 3, lda, tau, viaGemm, 2, ldc);
      } finally {
        setTridiagonalWasmKernel(was);
      }
      let scale = 0;
      for (const x of viaGemm) scale = Math.max(scale, Math.abs(x));
      expect(maxAbsDiff(viaKernel, viaGemm)).toBeLessThan(1e-13 * scale);
      for (let r = 0; r < n; r++) for (let c = q; c < ldc; c++) expect(viaKernel[2 + r * ldc + c]).toBe(5);
      expect([...viaKernel.subarray(0, 2)]).toEqual([5, 5]);
    });
  }
});

describe('divide and conquer with the WebAssembly secular sums and eigenvectors', () => {
  it('n = 300 and 131: the same bits as the JavaScript twin', () => {
    for (const n of [300, 131]) {
      const { d, e } = reduce(n, n + 5, true);
      const run = (wasm: boolean) => {
        const dd = d.slice();
        const Q = new Float64Array(n * n);
        const was = setTridiagonalWasmKernel(wasm);
        try {
          expect(tridiagonalDivideConquer(n, dd, e.slice(), Q, 0, n)).toBe(-1);
        } finally {
          setTridiagonalWasmKernel(was);
        }
        return { dd, Q };
      };
      const w = run(true);
      const j = run(false);
      expect(w.dd).toEqual(j.dd);
      expect(w.Q).toEqual(j.Q);
    }
  });
});

describe('the reduction’s trailing update kernel', () => {
  it('gives the bits of its scalar twin, (A − Σ Vt[i, r]·Wt[i, c]) − Σ Wt[i, r]·Vt[i, c], on the upper triangle', () => {
    const ws = tridiagonalWorkspace()!;
    for (const [n, panel, s0] of [
      [37, 16, 0],
      [38, 16, 5],
      [40, 7, 33],
      [9, 3, 8],
    ] as const) {
      ws.reserve(n, panel);
      const A0 = randomSymmetric(n, n + s0).data;
      const V = randomSymmetric(Math.max(n, panel), 2 * n).data.subarray(0, panel * n);
      const W = randomSymmetric(Math.max(n, panel), 3 * n).data.subarray(0, panel * n);
      ws.A.set(A0);
      ws.Vt.set(V);
      ws.Wt.set(W);
      ws.trailingUpdate(panel, s0);
      for (let r = 0; r < n; r++) {
        for (let c = r; c < n; c++) {
          let expected = A0[r * n + c]!;
          if (r >= s0) {
            let s1 = 0;
            let s2 = 0;
            for (let i = 0; i < panel; i++) {
              s1 += V[i * n + r]! * W[i * n + c]!;
              s2 += W[i * n + r]! * V[i * n + c]!;
            }
            expected = expected - s1 - s2;
          }
          if (!Object.is(ws.A[r * n + c], expected))
            expect([n, r, c, ws.A[r * n + c]]).toEqual([n, r, c, expected]);
        }
      }
    }
  });
});
