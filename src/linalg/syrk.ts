/**
 * Symmetric rank-k update (BLAS dsyrk), base tier, row-major:
 *   trans = false: C ← α·A·Aᵀ + β·C with A n × k (the Gram matrix XXᵀ of rows);
 *   trans = true:  C ← α·Aᵀ·A + β·C with A k × n (XᵀX, the cross-product of columns).
 * Only the `lower` or upper triangle of C (diagonal included) is read and written; the other is left as it
 * was, unless `mirror` copies the result across. Flops: n²k, half of the equivalent gemm.
 *
 * With the WebAssembly gemm kernel and β = 0 (every caller in the library), `dsyrkPacked`: op(A) is packed
 * once per k-slice and read as both operands of the kernel, and only the block rows' tiles that reach the
 * wanted triangle are computed. Otherwise C is cut into NB-wide block columns: for each, the strictly
 * off-diagonal rectangle is one dgemm call (so the op(A) panel is packed once per block column) and the
 * NB × NB diagonal block is formed in a scratch tile whose requested triangle is then merged into C. Both
 * give each entry the same bits: 0 + α·s₁ + α·s₂ + … over gemm's KC-deep slices, each slice's sum s one
 * chain in increasing k.
 */
import { activeGemmWorkspace, dgemm, KC, packPanelsA } from './gemm.ts';
import { type GemmWorkspace, WASM_MR } from './wasm-gemm.ts';

const NB = 128;
let tile = new Float64Array(NB * NB);

export function dsyrk(
  lower: boolean,
  trans: boolean,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  offA: number,
  lda: number,
  beta: number,
  C: Float64Array,
  offC: number,
  ldc: number,
  mirror = false,
): void {
  const ws = beta === 0 ? activeGemmWorkspace() : null;
  if (ws) {
    dsyrkPacked(lower, trans, n, k, alpha, A, offA, lda, C, offC, ldc, ws);
    if (mirror) mirrorTriangle(lower, n, C, offC, ldc);
    return;
  }
  if (tile.length < NB * NB) tile = new Float64Array(NB * NB);
  // Row r of op(A) starts at offA + r·lda (trans = false) or offA + r (trans = true, a column of A).
  const rowStep = trans ? 1 : lda;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const nb = Math.min(NB, n - j0);
    // Diagonal block: full product into the tile, then merge the wanted triangle.
    dgemm(
      !!trans,
      !trans,
      nb,
      nb,
      k,
      alpha,
      A,
      offA + j0 * rowStep,
      lda,
      A,
      offA + j0 * rowStep,
      lda,
      0,
      tile,
      0,
      nb,
    );
    for (let i = 0; i < nb; i++) {
      const c = offC + (j0 + i) * ldc + j0;
      const lo = lower ? 0 : i;
      const hi = lower ? i + 1 : nb;
      for (let j = lo; j < hi; j++) {
        const t = tile[i * nb + j]!;
        C[c + j] = beta === 0 ? t : t + beta * C[c + j]!;
      }
    }
    const rest = n - j0 - nb;
    if (rest === 0) continue;
    if (lower) {
      // C[j0+nb.., j0..j0+nb) ← α·op(A)[j0+nb..]·op(A)[j0..j0+nb)ᵀ + β·C
      dgemm(
        !!trans,
        !trans,
        rest,
        nb,
        k,
        alpha,
        A,
        offA + (j0 + nb) * rowStep,
        lda,
        A,
        offA + j0 * rowStep,
        lda,
        beta,
        C,
        offC + (j0 + nb) * ldc + j0,
        ldc,
      );
    } else {
      // C[j0..j0+nb), j0+nb..] ← α·op(A)[j0..j0+nb)·op(A)[j0+nb..]ᵀ + β·C
      dgemm(
        !!trans,
        !trans,
        nb,
        rest,
        k,
        alpha,
        A,
        offA + j0 * rowStep,
        lda,
        A,
        offA + (j0 + nb) * rowStep,
        lda,
        beta,
        C,
        offC + j0 * ldc + j0 + nb,
        ldc,
      );
    }
  }
  if (mirror) mirrorTriangle(lower, n, C, offC, ldc);
}

/** Rows of C per kernel call in dsyrkPacked (a multiple of WASM_MR; the tiles past the diagonal are waste). */
const SYRK_MB = 16;

/**
 * dsyrk with β = 0 through the WebAssembly kernel (docs/decisions/157): per KC-deep slice, all n rows of
 * op(A) are packed once into MR-tall micro-panels — the layout gemm packs both op(A) and op(B) in, since
 * MR = NR — and each SYRK_MB-tall block row multiplies its own panels by those of the columns reaching the
 * wanted triangle. The dgemm route packed op(A) again for every block column and its transpose for every
 * block row. Each entry is 0 + α·s₁ + α·s₂ + … as there (same bits).
 */
function dsyrkPacked(
  lower: boolean,
  trans: boolean,
  n: number,
  k: number,
  alpha: number,
  A: Float64Array,
  offA: number,
  lda: number,
  C: Float64Array,
  offC: number,
  ldc: number,
  ws: GemmWorkspace,
): void {
  for (let i = 0; i < n; i++) {
    const c = offC + i * ldc;
    if (lower) C.fill(0, c, c + i + 1);
    else C.fill(0, c + i, c + n);
  }
  if (alpha === 0 || k === 0 || n === 0) return;
  const MR = WASM_MR;
  const np = Math.ceil(n / MR) * MR;
  ws.reserve(np * Math.min(k, KC), 0, Math.min(SYRK_MB, np) * np);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    packPanelsA(trans, A, offA, lda, 0, pc, n, kc, ws.Ap);
    for (let i0 = 0; i0 < n; i0 += SYRK_MB) {
      const mb = Math.min(SYRK_MB, n - i0);
      // Columns j0 … j1 − 1 hold this block row's part of the triangle; micro-panel r starts at r·kc.
      const j0 = lower ? 0 : i0;
      const j1 = lower ? i0 + mb : n;
      const ncp = Math.ceil((j1 - j0) / MR) * MR;
      ws.macroWithinA(i0 * kc, j0 * kc, Math.ceil(mb / MR) * MR, ncp, kc);
      const S = ws.Cs;
      for (let i = 0; i < mb; i++) {
        const row = i0 + i;
        const lo = lower ? 0 : row;
        const hi = lower ? row + 1 : n;
        const c = offC + row * ldc;
        const s = i * ncp - j0;
        for (let j = lo; j < hi; j++) C[c + j] += alpha * S[s + j]!;
      }
    }
  }
}

/** Copies the lower (or upper) triangle of the n × n block onto the other one. */
export function mirrorTriangle(
  fromLower: boolean,
  n: number,
  C: Float64Array,
  offC: number,
  ldc: number,
): void {
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T) {
    for (let j0 = 0; j0 <= i0; j0 += T) {
      const i1 = Math.min(n, i0 + T);
      const j1 = Math.min(n, j0 + T);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < Math.min(j1, i); j++) {
          if (fromLower) C[offC + j * ldc + i] = C[offC + i * ldc + j]!;
          else C[offC + i * ldc + j] = C[offC + j * ldc + i]!;
        }
      }
    }
  }
}
