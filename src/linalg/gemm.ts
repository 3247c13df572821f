/**
 * General matrix product C ← α·op(A)·op(B) + β·C (BLAS dgemm), base tier, row-major with leading
 * dimensions. op(X) is X or Xᵀ. op(A) is m × k, op(B) is k × n, C is m × n.
 *
 * Layout follows Goto & van de Geijn (2008), "Anatomy of high-performance matrix multiplication": C is cut
 * into NC-wide column panels, k into KC-deep slices; for each slice a KC × NC block of op(B) is packed into
 * NR-wide micro-panels and, for each MC-tall block of op(A), an MC × KC block is packed into MR-tall
 * micro-panels. The micro-kernel then multiplies one MR × KC sliver by one KC × NR sliver with the MR × NR
 * accumulators held in locals (registers, when V8 can keep them there). Packing makes every load of the
 * micro-kernel sequential, whatever the transpose flags, and zero-pads ragged edges so the kernel has no
 * branches in its inner loop.
 *
 * Micro-kernel shape: measured in V8 (Node 20, x64) on XᵀX with X 504 × 1500, CPU time, best of 4:
 * 4×4 4.2 GFLOP/s, 4×2 4.1, 2×4 4.0, 2×2 3.4. 4×4 is kept (16 accumulators + 8 operands: V8 spills a
 * few registers, but the higher arithmetic intensity per load still wins).
 *
 * Where the engine has WebAssembly SIMD, the panels are packed into the kernel memory of wasm-gemm.ts and its
 * f64x2 macro-kernel computes each block's product (≈ 4× this kernel's rate; same bits, decision 030); the
 * JavaScript micro-kernel below stays as the path for engines without it.
 *
 * β = 0 overwrites C without reading it (NaN in C does not propagate), as in reference BLAS.
 * The packing buffers are module-level and grown on demand: JavaScript runs one call at a time per
 * isolate, so reuse is safe and the kernel does not allocate in steady state.
 */
import { type GemmWorkspace, gemmWorkspace, WASM_MR, WASM_NR } from './wasm-gemm.ts';

const MR = WASM_MR;
const NR = WASM_NR;
/** Depth of one k-slice: every entry is summed per slice and the slices' sums added to C in order. */
export const KC = 256;
const MC = 96;
const NC = 1024;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/** Whether dgemm may use the WebAssembly macro-kernel (tests and benches switch it off to compare). */
let wasmKernelEnabled = true;

/**
 * Switches the WebAssembly macro-kernel on or off for this thread (it is on by default wherever the engine
 * has WebAssembly SIMD); returns the previous setting. Both kernels give the same bits (wasm-gemm.ts).
 */
export function setGemmWasmKernel(enabled: boolean): boolean {
  const was = wasmKernelEnabled;
  wasmKernelEnabled = enabled;
  return was;
}

/** This thread's WebAssembly kernel workspace when dgemm would use it (SIMD present and not switched off). */
export function activeGemmWorkspace(): GemmWorkspace | null {
  return wasmKernelEnabled ? gemmWorkspace() : null;
}

/** C ← α·op(A)·op(B) + β·C. */
export function dgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  offA: number,
  lda: number,
  B: Float64Array,
  offB: number,
  ldb: number,
  beta: number,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  if (m === 0 || n === 0) return;
  if (beta !== 1) scaleBlock(m, n, beta, C, offC, ldc);
  if (alpha === 0 || k === 0) return;
  const mcMax = Math.ceil(Math.min(m, MC) / MR) * MR;
  const ncMax = Math.ceil(Math.min(n, NC) / NR) * NR;
  const needA = mcMax * Math.min(k, KC);
  const needB = ncMax * Math.min(k, KC);
  const ws = wasmKernelEnabled ? gemmWorkspace() : null;
  if (ws) {
    // Packed straight into the kernel memory; the kernel writes each block's product into ws.Cs.
    ws.reserve(needA, needB, mcMax * ncMax);
    dgemmBlocks(transA, transB, m, n, k, alpha, A, offA, lda, B, offB, ldb, C, offC, ldc, ws.Ap, ws.Bp, ws);
    return;
  }
  if (packA.length < needA) packA = new Float64Array(needA);
  if (packB.length < needB) packB = new Float64Array(needB);
  dgemmBlocks(transA, transB, m, n, k, alpha, A, offA, lda, B, offB, ldb, C, offC, ldc, packA, packB, null);
}

/** The Goto loops around the packing and the macro-kernel (WebAssembly when `ws` is given, else JS). */
function dgemmBlocks(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  offA: number,
  lda: number,
  B: Float64Array,
  offB: number,
  ldb: number,
  C: Float64Array,
  offC: number,
  ldc: number,
  Ap: Float64Array,
  Bp: Float64Array,
  ws: GemmWorkspace | null,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(transB, B, offB, ldb, pc, jc, kc, nc, Bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelsA(transA, A, offA, lda, ic, pc, mc, kc, Ap);
        if (ws) {
          const ncp = Math.ceil(nc / NR) * NR;
          ws.macro(Math.ceil(mc / MR) * MR, ncp, kc);
          addScaledBlock(mc, nc, alpha, ws.Cs, ncp, C, offC + ic * ldc + jc, ldc);
        } else {
          macroKernel(mc, nc, kc, alpha, Ap, Bp, C, offC + ic * ldc + jc, ldc);
        }
      }
    }
  }
}

/** C[m × n] += α·S, S row-major with row stride lds (the same `C += α·sum` as the JS micro-kernel). */
function addScaledBlock(
  m: number,
  n: number,
  alpha: number,
  S: Float64Array,
  lds: number,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const c = offC + i * ldc;
    const s = i * lds;
    for (let j = 0; j < n; j++) C[c + j] += alpha * S[s + j]!;
  }
}

/** C ← β·C on an m × n block; β = 0 writes exact zeros. */
export function scaleBlock(
  m: number,
  n: number,
  beta: number,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const c = offC + i * ldc;
    if (beta === 0) C.fill(0, c, c + n);
    else for (let j = 0; j < n; j++) C[c + j] *= beta;
  }
}

/**
 * Packs `width` (a multiple of 4 = w) adjacent columns of `rows` rows of the row-major M (from M[off], row
 * stride ld) into w-wide micro-panels, P[panel·w·rows + row·w + c]. Row by row, so every read of M is a
 * sequential run of `width` values: walking one micro-panel down the rows instead (a 32-byte read per row,
 * rows ld apart) cost a cache line and often a TLB entry per four values (decision 157).
 */
function packAcrossRows(
  M: Float64Array,
  off: number,
  ld: number,
  rows: number,
  width: number,
  w: number,
  P: Float64Array,
): void {
  const panel = w * rows;
  for (let p = 0; p < rows; p++) {
    const m = off + p * ld;
    for (let c = 0, d = p * w; c < width; c += 4, d += panel) {
      P[d] = M[m + c]!;
      P[d + 1] = M[m + c + 1]!;
      P[d + 2] = M[m + c + 2]!;
      P[d + 3] = M[m + c + 3]!;
    }
  }
}

/** Packs rows ic..ic+mc, columns pc..pc+kc of op(A) into MR-tall micro-panels: Ap[panel·MR·kc + p·MR + r]. */
export function packPanelsA(
  transA: boolean,
  A: Float64Array,
  offA: number,
  lda: number,
  ic: number,
  pc: number,
  mc: number,
  kc: number,
  Ap: Float64Array,
): void {
  if (transA) {
    // op(A)'s rows are A's columns: each full micro-panel takes four adjacent entries of every A row.
    const full = mc - (mc % MR);
    packAcrossRows(A, offA + pc * lda + ic, lda, kc, full, MR, Ap);
    if (full === mc) return;
  }
  for (let ir = transA ? mc - (mc % MR) : 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const mr = Math.min(MR, mc - ir);
    if (!transA && mr === MR) {
      // Four rows of A side by side: sequential writes, four sequential read streams.
      const a0 = offA + (ic + ir) * lda + pc;
      const a1 = a0 + lda;
      const a2 = a1 + lda;
      const a3 = a2 + lda;
      for (let p = 0, d = base; p < kc; p++, d += MR) {
        Ap[d] = A[a0 + p]!;
        Ap[d + 1] = A[a1 + p]!;
        Ap[d + 2] = A[a2 + p]!;
        Ap[d + 3] = A[a3 + p]!;
      }
    } else if (!transA) {
      for (let r = 0; r < MR; r++) {
        if (r < mr) {
          const a = offA + (ic + ir + r) * lda + pc;
          for (let p = 0; p < kc; p++) Ap[base + p * MR + r] = A[a + p]!;
        } else {
          for (let p = 0; p < kc; p++) Ap[base + p * MR + r] = 0;
        }
      }
    } else if (mr === MR) {
      for (let p = 0; p < kc; p++) {
        const a = offA + (pc + p) * lda + ic + ir;
        const d = base + p * MR;
        Ap[d] = A[a]!;
        Ap[d + 1] = A[a + 1]!;
        Ap[d + 2] = A[a + 2]!;
        Ap[d + 3] = A[a + 3]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const a = offA + (pc + p) * lda + ic + ir;
        for (let r = 0; r < MR; r++) Ap[base + p * MR + r] = r < mr ? A[a + r]! : 0;
      }
    }
  }
}

/** Packs rows pc..pc+kc, columns jc..jc+nc of op(B) into NR-wide micro-panels: Bp[panel·NR·kc + p·NR + c]. */
export function packPanelsB(
  transB: boolean,
  B: Float64Array,
  offB: number,
  ldb: number,
  pc: number,
  jc: number,
  kc: number,
  nc: number,
  Bp: Float64Array,
): void {
  if (!transB) {
    // Each full micro-panel takes four adjacent entries of every B row.
    const full = nc - (nc % NR);
    packAcrossRows(B, offB + pc * ldb + jc, ldb, kc, full, NR, Bp);
    if (full === nc) return;
  }
  for (let jr = transB ? 0 : nc - (nc % NR); jr < nc; jr += NR) {
    const base = jr * kc;
    const nr = Math.min(NR, nc - jr);
    if (transB && nr === NR) {
      // Four rows of B side by side: sequential writes, four sequential read streams.
      const b0 = offB + (jc + jr) * ldb + pc;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      for (let p = 0, d = base; p < kc; p++, d += NR) {
        Bp[d] = B[b0 + p]!;
        Bp[d + 1] = B[b1 + p]!;
        Bp[d + 2] = B[b2 + p]!;
        Bp[d + 3] = B[b3 + p]!;
      }
    } else if (transB) {
      for (let c = 0; c < NR; c++) {
        if (c < nr) {
          const b = offB + (jc + jr + c) * ldb + pc;
          for (let p = 0; p < kc; p++) Bp[base + p * NR + c] = B[b + p]!;
        } else {
          for (let p = 0; p < kc; p++) Bp[base + p * NR + c] = 0;
        }
      }
    } else if (nr === NR) {
      for (let p = 0; p < kc; p++) {
        const b = offB + (pc + p) * ldb + jc + jr;
        const d = base + p * NR;
        Bp[d] = B[b]!;
        Bp[d + 1] = B[b + 1]!;
        Bp[d + 2] = B[b + 2]!;
        Bp[d + 3] = B[b + 3]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const b = offB + (pc + p) * ldb + jc + jr;
        for (let c = 0; c < NR; c++) Bp[base + p * NR + c] = c < nr ? B[b + c]! : 0;
      }
    }
  }
}

/** C[mc × nc] += α·(packed A)(packed B), one MR × NR tile at a time. */
export function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  alpha: number,
  Ap: Float64Array,
  Bp: Float64Array,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = Math.min(MR, mc - ir);
      microKernel4x4(kc, Ap, ir * kc, Bp, jr * kc, C, offC + ir * ldc + jr, ldc, alpha, mr, nr);
    }
  }
}

function microKernel4x4(
  kc: number,
  Ap: Float64Array,
  a: number,
  Bp: Float64Array,
  b: number,
  C: Float64Array,
  c: number,
  ldc: number,
  alpha: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  const end = a + kc * MR;
  for (; a < end; a += MR, b += NR) {
    const a0 = Ap[a]!;
    const a1 = Ap[a + 1]!;
    const a2 = Ap[a + 2]!;
    const a3 = Ap[a + 3]!;
    const b0 = Bp[b]!;
    const b1 = Bp[b + 1]!;
    const b2 = Bp[b + 2]!;
    const b3 = Bp[b + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (mr === MR && nr === NR) {
    C[c] += alpha * c00;
    C[c + 1] += alpha * c01;
    C[c + 2] += alpha * c02;
    C[c + 3] += alpha * c03;
    c += ldc;
    C[c] += alpha * c10;
    C[c + 1] += alpha * c11;
    C[c + 2] += alpha * c12;
    C[c + 3] += alpha * c13;
    c += ldc;
    C[c] += alpha * c20;
    C[c + 1] += alpha * c21;
    C[c + 2] += alpha * c22;
    C[c + 3] += alpha * c23;
    c += ldc;
    C[c] += alpha * c30;
    C[c + 1] += alpha * c31;
    C[c + 2] += alpha * c32;
    C[c + 3] += alpha * c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++) {
    for (let s = 0; s < nr; s++) C[c + r * ldc + s] += alpha * t[r * NR + s]!;
  }
}
