/**
 * Symmetric rank-k update (BLAS dsyrk), base tier, row-major:
 *   trans = false: C ← α·A·Aᵀ + β·C with A n × k (the Gram matrix XXᵀ of rows);
 *   trans = true:  C ← α·Aᵀ·A + β·C with A k × n (XᵀX, the cross-product of columns).
 * Only the `lower` or upper triangle of C (diagonal included) is read and written; the other is left as it
 * was, unless `mirror` copies the result across. Flops: n²k, half of the equivalent gemm.
 *
 * C is cut into NB-wide block columns. For each, the strictly off-diagonal rectangle is one dgemm call
 * (so the op(A) panel is packed once per block column) and the NB × NB diagonal block is formed in a
 * scratch tile whose requested triangle is then merged into C.
 */
import { dgemm } from './gemm.ts';

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
