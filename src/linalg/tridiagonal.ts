/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ·A·Q (LAPACK dsytd2 + dorgtr,
 * Golub & Van Loan 4th ed. §8.3.1), row-major and arranged for contiguous inner loops.
 *
 * Only the upper triangle is used: row r holds A[r, r..n). Step k reflects x = A[k, k+1..n) — column k
 * below the diagonal, which by symmetry is this contiguous row segment — with H_k = I − τ_k·v_k·v_kᵀ,
 * then applies the two-sided update to the trailing upper triangle:
 *   p = τ·A₂₂·v,  w = p − (τ/2)(pᵀv)·v,  A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ.
 * The symmetric product A₂₂·v reads each stored row once (a dot for the row, an axpy for the mirrored
 * column). On exit d (n) and e (n − 1) hold the diagonal and off-diagonal of T, and row k of A holds v_k
 * (v_k[0] = 1 implicit) in A[k, k+2..n).
 */
import { daxpy, ddot } from './blas1.ts';
import { dgemm } from './gemm.ts';
import { householderInPlace } from './qr.ts';
import { BLOCK_UPDATE_COLUMNS, type TridiagonalWorkspace, tridiagonalWorkspace } from './wasm-tridiagonal.ts';

/** Whether the reduction, back-transformation and merges may use the WebAssembly kernels (tests switch them off to compare). */
let wasmKernelEnabled = true;

/** Switches the WebAssembly kernels (tridiagonal.ts, tridiagonal-dc.ts) on or off for this thread; returns the previous setting. */
export function setTridiagonalWasmKernel(enabled: boolean): boolean {
  const was = wasmKernelEnabled;
  wasmKernelEnabled = enabled;
  return was;
}

/** This thread's WebAssembly kernels when they are available and switched on, else null (the JS twins run). */
export function tridiagonalKernels(): TridiagonalWorkspace | null {
  return wasmKernelEnabled ? tridiagonalWorkspace() : null;
}

/**
 * Panel width of the blocked reduction. 16 (docs/decisions/034): at n = 504 with the WebAssembly kernels,
 * 8–16 reduce in ≈ 17.5–18 ms CPU, 24 in ≈ 19, 32 in ≈ 20, 48–64 in 21–25 — the panel's corrections grow
 * with its width (O(n²·PANEL) each step) while the trailing update gains little from a wider rank.
 */
const PANEL = 16;

/**
 * Base kernel. `v` and `p` are scratch of length n; tau has length max(n − 2, 0).
 *
 * For n ≥ 4·PANEL the reduction is blocked as LAPACK dsytrd/dlatrd do: within a panel of PANEL steps the
 * trailing matrix is left stale and each step corrects only what it needs (its own row, and the product
 * A₂₂·v through the panel's V and W: A₂₂·v − V(Wᵀv) − W(Vᵀv)); after the panel the trailing upper triangle
 * receives the whole rank-2·PANEL update A₂₂ ← A₂₂ − V·Wᵀ − W·Vᵀ as gemm calls on block rows. Half the
 * flops then run at the gemm rate instead of the memory-bound rank-2 rate.
 */
export function dsytrdUpperRows(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  v: Float64Array,
  p: Float64Array,
): void {
  let k0 = 0;
  const ws = n >= 4 * PANEL && wasmKernelEnabled ? tridiagonalWorkspace() : null;
  if (ws) {
    // The whole reduction runs on a copy in the kernel memory (leading dimension n), copied back at the
    // end: the O(n²) copies are small next to the n³ work, and the symmetric product reads it in place.
    ws.reserve(n, PANEL);
    const W = ws.A;
    for (let r = 0; r < n; r++) W.set(A.subarray(offA + r * lda, offA + r * lda + n), r * n);
    const coef = new Float64Array(2 * PANEL);
    for (; n - k0 - 2 > 2 * PANEL; k0 += PANEL)
      reducePanel(n, k0, W, 0, n, d, e, tau, ws.p, ws.Vt, ws.Wt, coef, ws);
    reduceUnblocked(n, k0, W, 0, n, d, e, tau, v, p);
    for (let r = 0; r < n; r++) A.set(W.subarray(r * n, r * n + n), offA + r * lda);
    return;
  }
  if (n >= 4 * PANEL) {
    const Vt = new Float64Array(PANEL * n);
    const Wt = new Float64Array(PANEL * n);
    const coef = new Float64Array(2 * PANEL);
    for (; n - k0 - 2 > 2 * PANEL; k0 += PANEL)
      reducePanel(n, k0, A, offA, lda, d, e, tau, p, Vt, Wt, coef, null);
  }
  reduceUnblocked(n, k0, A, offA, lda, d, e, tau, v, p);
}

/**
 * Steps k0 … k0+PANEL−1 with a stale trailing matrix, then the blocked trailing update. Vt and Wt hold
 * the panel's v and w vectors as rows of length n (global column indices).
 */
function reducePanel(
  n: number,
  k0: number,
  A: Float64Array,
  offA: number,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  p: Float64Array,
  Vt: Float64Array,
  Wt: Float64Array,
  coef: Float64Array,
  ws: TridiagonalWorkspace | null,
): void {
  for (let j = 0; j < PANEL; j++) {
    const k = k0 + j;
    const rk = offA + k * lda;
    // Bring row k up to date with the panel's earlier reflectors.
    if (ws) ws.rowUpdate(j, k);
    else {
      for (let i = 0; i < j; i++) {
        const vi = i * n;
        const vk = Vt[vi + k]!;
        const wk = Wt[vi + k]!;
        for (let c = k; c < n; c++) A[rk + c] -= vk * Wt[vi + c]! + wk * Vt[vi + c]!;
      }
    }
    const len = n - k - 1;
    const t = householderInPlace(len, A, rk + k + 1);
    tau[k] = t;
    d[k] = A[rk + k]!;
    e[k] = A[rk + k + 1]!;
    const vj = j * n;
    Vt.fill(0, vj, vj + n);
    Wt.fill(0, vj, vj + n);
    if (t === 0) continue;
    Vt[vj + k + 1] = 1;
    for (let c = k + 2; c < n; c++) Vt[vj + c] = A[rk + c]!;
    // p = A₂₂(stale)·v over rows/columns k+1..n−1, upper rows.
    p.fill(0, 0, n);
    if (ws) ws.symvUpper(k + 1, j);
    else symvUpperRows(n, k + 1, A, offA, lda, Vt, vj, p);
    // Corrections for the pending panel update: p −= V(Wᵀv) + W(Vᵀv).
    if (ws) ws.panelCorrection(j, k + 1);
    else panelCorrection(n, j, k + 1, Vt, Wt, p, coef);
    let pv = 0;
    for (let c = k + 1; c < n; c++) {
      p[c] *= t;
      pv += p[c]! * Vt[vj + c]!;
    }
    const K = 0.5 * t * pv;
    for (let c = k + 1; c < n; c++) Wt[vj + c] = p[c]! - K * Vt[vj + c]!;
  }
  // Trailing update of rows/columns s..n−1: A −= VᵀW + WᵀV, in the kernel memory on the upper triangle
  // (same arithmetic per entry as the gemm calls), else per block row of 64 on the upper trapezoid.
  const s0 = k0 + PANEL;
  if (ws) {
    ws.trailingUpdate(PANEL, s0);
    return;
  }
  for (let r0 = s0; r0 < n; r0 += 64) {
    const rows = Math.min(64, n - r0);
    const cols = n - r0;
    const cOff = offA + r0 * lda + r0;
    dgemm(true, false, rows, cols, PANEL, -1, Vt, r0, n, Wt, r0, n, 1, A, cOff, lda);
    dgemm(true, false, rows, cols, PANEL, -1, Wt, r0, n, Vt, r0, n, 1, A, cOff, lda);
  }
}

/**
 * p −= V(Wᵀv) + W(Vᵀv) over columns c0…n−1, v = row j of Vt, V and W the panel's rows 0…j−1 (the
 * JavaScript twin of the WebAssembly panelDots + panelCorrect in wasm-tridiagonal.ts).
 */
function panelCorrection(
  n: number,
  j: number,
  c0: number,
  Vt: Float64Array,
  Wt: Float64Array,
  p: Float64Array,
  coef: Float64Array,
): void {
  const vj = j * n;
  for (let i = 0; i < j; i++) {
    let wv = 0;
    let vv = 0;
    const vi = i * n;
    for (let c = c0; c < n; c++) {
      wv += Wt[vi + c]! * Vt[vj + c]!;
      vv += Vt[vi + c]! * Vt[vj + c]!;
    }
    coef[2 * i] = wv;
    coef[2 * i + 1] = vv;
  }
  for (let i = 0; i < j; i++) {
    const wv = coef[2 * i]!;
    const vv = coef[2 * i + 1]!;
    const vi = i * n;
    for (let c = c0; c < n; c++) p[c] -= Vt[vi + c]! * wv + Wt[vi + c]! * vv;
  }
}

/**
 * p += A₂₂·v over rows/columns r0…n−1 from the upper rows of A (p zeroed by the caller), v = Vt[vj + ·]
 * (the JavaScript twin of the WebAssembly symvUpper in wasm-tridiagonal.ts).
 */
function symvUpperRows(
  n: number,
  r0: number,
  A: Float64Array,
  offA: number,
  lda: number,
  Vt: Float64Array,
  vj: number,
  p: Float64Array,
): void {
  // Two rows at a time: each loaded v_c and p_c serves both rows, and the two running sums are
  // independent chains (a single fused dot is bound by the add latency).
  let r = r0;
  for (; r + 1 < n; r += 2) {
    const b0 = offA + r * lda;
    const b1 = b0 + lda;
    const v0 = Vt[vj + r]!;
    const v1 = Vt[vj + r + 1]!;
    const a01 = A[b0 + r + 1]!;
    let s0 = A[b0 + r]! * v0 + a01 * v1;
    let s1 = a01 * v0 + A[b1 + r + 1]! * v1;
    for (let c = r + 2; c < n; c++) {
      const a0 = A[b0 + c]!;
      const a1 = A[b1 + c]!;
      const vc = Vt[vj + c]!;
      s0 += a0 * vc;
      s1 += a1 * vc;
      p[c] += v0 * a0 + v1 * a1;
    }
    p[r] += s0;
    p[r + 1] += s1;
  }
  if (r < n) p[r] += A[offA + r * lda + r]! * Vt[vj + r]!;
}

function reduceUnblocked(
  n: number,
  k0: number,
  A: Float64Array,
  offA: number,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  v: Float64Array,
  p: Float64Array,
): void {
  for (let k = k0; k + 2 < n; k++) {
    const rk = offA + k * lda;
    const len = n - k - 1;
    const t = householderInPlace(len, A, rk + k + 1);
    tau[k] = t;
    d[k] = A[rk + k]!;
    e[k] = A[rk + k + 1]!;
    if (t === 0) continue;
    v[0] = 1;
    for (let i = 1; i < len; i++) v[i] = A[rk + k + 1 + i]!;
    p.fill(0, 0, len);
    for (let r = 0; r < len; r++) {
      const base = offA + (k + 1 + r) * lda + k + 1 + r;
      const rest = len - r - 1;
      p[r] += A[base]! * v[r]! + ddot(rest, A, base + 1, 1, v, r + 1, 1);
      daxpy(rest, v[r]!, A, base + 1, 1, p, r + 1, 1);
    }
    let pv = 0;
    for (let i = 0; i < len; i++) {
      p[i] *= t;
      pv += p[i]! * v[i]!;
    }
    const K = 0.5 * t * pv;
    for (let i = 0; i < len; i++) p[i] -= K * v[i]!;
    // p now holds w. Rank-2 update of the trailing upper triangle, row by row.
    for (let r = 0; r < len; r++) {
      const base = offA + (k + 1 + r) * lda + k + 1;
      const vr = v[r]!;
      const wr = p[r]!;
      for (let c = r; c < len; c++) A[base + c] -= vr * p[c]! + wr * v[c]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = A[offA + (n - 2) * lda + n - 2]!;
    e[n - 2] = A[offA + (n - 2) * lda + n - 1]!;
  }
  if (n >= 1) d[n - 1] = A[offA + (n - 1) * lda + n - 1]!;
}

/**
 * Base kernel: writes Qᵀ = H_{n−3}·…·H_0 into Z (n × n), from the reflectors left in A by
 * dsytrdUpperRows. Accumulated backwards (M ← M·H_k for k = n−3 … 0), so step k touches only the trailing
 * (n−k−1)² block, and each row update is a dot and an axpy with the contiguous v_k. Row i of Z is then
 * column i of Q.
 */
export function formQtRows(
  n: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  Z: Float64Array,
  offZ: number,
  ldz: number,
): void {
  for (let i = 0; i < n; i++) {
    Z.fill(0, offZ + i * ldz, offZ + i * ldz + n);
    Z[offZ + i * ldz + i] = 1;
  }
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k]!;
    if (t === 0) continue;
    const vk = offA + k * lda + k + 2; // v_k[1..], v_k[0] = 1 at column k+1
    const len = n - k - 2;
    for (let r = k + 1; r < n; r++) {
      const z = offZ + r * ldz + k + 1;
      const s = t * (Z[z]! + ddot(len, A, vk, 1, Z, z + 1, 1));
      Z[z] -= s;
      daxpy(len, -s, A, vk, 1, Z, z + 1, 1);
    }
  }
}

/** Reflectors per block in applyQBlocked (a multiple of BLOCK_UPDATE_COLUMNS for the kernel's Gram YᵀY). */
const WY_BLOCK = 32;

/**
 * Base kernel: C ← Q·C for the n × q matrix C (leading dimension ldc), Q = H_0·…·H_{n−3} from the
 * reflectors left in A by dsytrdUpperRows (LAPACK dormtr, side = left). Reflectors are grouped WY_BLOCK
 * at a time into the compact WY form H_k0·…·H_k1 = I − Y·T·Yᵀ (Schreiber & Van Loan 1989; LAPACK dlarft),
 * so the update C ← C − Y·(T·(Yᵀ·C)) is three matrix products: 2n²q flops in all. Where WebAssembly SIMD
 * is available C is updated in the kernel memory by its blockUpdate products (docs/decisions/034: the gemm
 * calls' packing and JavaScript pass over C cost as much as their arithmetic at these k = 32 products);
 * otherwise by gemm calls.
 */
export function applyQBlocked(
  n: number,
  q: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  const nref = Math.max(n - 2, 0);
  if (nref === 0 || q === 0) return;
  const ws = tridiagonalKernels();
  if (ws) applyQBlockedKernel(n, q, nref, A, offA, lda, tau, C, offC, ldc, ws);
  else applyQBlockedGemm(n, q, nref, A, offA, lda, tau, C, offC, ldc);
}

/** The first reflector of each block, last block first: Q·C = B_0·(B_1·(…·(B_last·C))). */
function lastBlockStart(nref: number): number {
  return Math.floor((nref - 1) / WY_BLOCK) * WY_BLOCK;
}

/**
 * T (nb × nb, upper, leading dimension nb) of the block of reflectors k0 … k0+kb−1 from their Gram matrix
 * G = YᵀY scaled by `gSign` (the kernel delivers −YᵀY): T_ii = τ_i, T[0..i, i] = −τ_i·T[0..i, 0..i]·G[0..i, i].
 */
function blockT(
  kb: number,
  nb: number,
  k0: number,
  tau: Float64Array,
  G: Float64Array,
  gSign: number,
  T: Float64Array,
): void {
  T.fill(0, 0, nb * nb);
  for (let i = 0; i < kb; i++) {
    const t = tau[k0 + i]!;
    T[i * nb + i] = t;
    if (t === 0) continue;
    for (let a = 0; a < i; a++) {
      let s = 0;
      for (let c = a; c < i; c++) s += T[a * nb + c]! * G[c * nb + i]!;
      T[a * nb + i] = -gSign * t * s;
    }
  }
}

/**
 * applyQBlocked in the kernel memory: C copied in with its columns padded to a multiple of
 * BLOCK_UPDATE_COLUMNS and one zero row below (so every block has an even row count), Y (len × WY_BLOCK)
 * and Yᵀ zero-padded (a short last block leaves zero columns of Y and zero rows and columns of T, which
 * change nothing). Per block: W = −YᵀC, G = −YᵀY, W2 = −Tᵀᵀ·W = T·YᵀC, C −= Y·W2.
 */
function applyQBlockedKernel(
  n: number,
  q: number,
  nref: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  C: Float64Array,
  offC: number,
  ldc: number,
  ws: TridiagonalWorkspace,
): void {
  const nb = WY_BLOCK;
  const qp = Math.ceil(q / BLOCK_UPDATE_COLUMNS) * BLOCK_UPDATE_COLUMNS;
  const [Cw, Y, Yt, W, W2, Tt, G] = ws.views([
    (n + 1) * qp,
    n * nb,
    nb * n,
    nb * qp,
    nb * qp,
    nb * nb,
    nb * nb,
  ]);
  Cw.fill(0);
  for (let r = 0; r < n; r++) Cw.set(C.subarray(offC + r * ldc, offC + r * ldc + q), r * qp);
  const T = new Float64Array(nb * nb);
  for (let k0 = lastBlockStart(nref); k0 >= 0; k0 -= nb) {
    const kb = Math.min(nb, nref - k0);
    const len = n - k0 - 1; // rows k0+1 … n−1
    const even = len + (len & 1);
    // Y[r, c] = v_{k0+c}[r − c] (implicit 1 at r = c, 0 above), and Yt = Yᵀ with rows of length n.
    Y.fill(0, 0, even * nb);
    Yt.fill(0);
    for (let c = 0; c < kb; c++) {
      const k = k0 + c;
      const v = offA + k * lda + k + 1 - c;
      Y[c * nb + c] = 1;
      Yt[c * n + c] = 1;
      for (let r = c + 1; r < len; r++) {
        const x = A[v + r]!;
        Y[r * nb + c] = x;
        Yt[c * n + r] = x;
      }
    }
    G.fill(0);
    ws.blockUpdate(G, 0, nb, Y, 0, nb, Y, 0, nb, len, nb, nb);
    blockT(kb, nb, k0, tau, G, -1, T);
    for (let i = 0; i < nb; i++) for (let a = 0; a < nb; a++) Tt[i * nb + a] = T[a * nb + i]!;
    const c0 = (k0 + 1) * qp;
    W.fill(0);
    ws.blockUpdate(W, 0, qp, Y, 0, nb, Cw, c0, qp, len, nb, qp);
    W2.fill(0);
    ws.blockUpdate(W2, 0, qp, Tt, 0, nb, W, 0, qp, nb, nb, qp);
    ws.blockUpdate(Cw, c0, qp, Yt, 0, n, W2, 0, qp, nb, even, qp);
  }
  for (let r = 0; r < n; r++) C.set(Cw.subarray(r * qp, r * qp + q), offC + r * ldc);
}

/** applyQBlocked by gemm calls (engines without WebAssembly SIMD). */
function applyQBlockedGemm(
  n: number,
  q: number,
  nref: number,
  A: Float64Array,
  offA: number,
  lda: number,
  tau: Float64Array,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  const nb0 = Math.min(WY_BLOCK, nref);
  const Y = new Float64Array((n - 1) * nb0);
  const T = new Float64Array(nb0 * nb0);
  const W = new Float64Array(nb0 * q);
  const W2 = new Float64Array(nb0 * q);
  const G = new Float64Array(nb0 * nb0);
  for (let k0 = lastBlockStart(nref); k0 >= 0; k0 -= WY_BLOCK) {
    const nb = Math.min(WY_BLOCK, nref - k0);
    const len = n - k0 - 1; // rows k0+1 .. n−1
    // Y (len × nb): column c is v_{k0+c}, which starts at block row c with an implicit 1.
    for (let r = 0; r < len; r++) {
      const y = r * nb;
      for (let c = 0; c < nb; c++) {
        const k = k0 + c;
        Y[y + c] = r < c ? 0 : r === c ? 1 : A[offA + k * lda + k + 1 + (r - c)]!;
      }
    }
    // The products Yᵀ·y_i are the columns of the Gram matrix G = YᵀY, one gemm call (Y[r, i] = 0 for r < i).
    dgemm(true, false, nb, nb, len, 1, Y, 0, nb, Y, 0, nb, 0, G, 0, nb);
    blockT(nb, nb, k0, tau, G, 1, T);
    const c0 = offC + (k0 + 1) * ldc;
    // W = Yᵀ·C₂ (nb × q), W2 = T·W, C₂ ← C₂ − Y·W2: three gemm calls.
    dgemm(true, false, nb, q, len, 1, Y, 0, nb, C, c0, ldc, 0, W, 0, q);
    dgemm(false, false, nb, q, nb, 1, T, 0, nb, W, 0, q, 0, W2, 0, q);
    dgemm(false, false, len, q, nb, -1, Y, 0, nb, W2, 0, q, 1, C, c0, ldc);
  }
}
