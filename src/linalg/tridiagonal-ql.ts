/**
 * Eigenvalues (and optionally eigenvectors) of a symmetric tridiagonal matrix by the implicit QL method
 * with Wilkinson-style shifts (EISPACK tql2; Bowdler, Martin, Reinsch & Wilkinson 1968; as in JAMA).
 *
 * Eigenvectors are held as the rows of Z (Zᵀ in the usual notation), so each Givens rotation combines two
 * contiguous rows. Rotations do not feed back into the d/e recurrence, so they are recorded and applied
 * later in batches of up to ROTATION_BATCH sweeps, one CHUNK-column strip of Z at a time: the strip
 * (n × CHUNK doubles) stays in cache while all the batched sweeps pass over it, instead of Z streaming
 * through memory once per sweep (the idea of Van Zee, van de Geijn & Quintana-Ortí 2014, "Restructuring
 * the tridiagonal and bidiagonal QR algorithms for performance"). Within a sweep the running row is carried
 * in a buffer (as LAPACK dlasr does), so each row is read and written once. Measured in CPU time the
 * rotation phase is compute-bound in V8 (≈ 3 ns·n³ for n = 300…800 whatever the batch), so batching is
 * kept only because it costs nothing; the speed for large n comes from divide and conquer (tridiagonal-dc.ts).
 */

const EPS = 2 ** -52;
const MAX_SWEEPS_PER_EIGENVALUE = 30;
/** Sweeps recorded before they are applied to Z. */
export const ROTATION_BATCH = 8;
/** Columns of Z per strip. */
const CHUNK = 256;

/** Scratch sizes for tridiagonalQL: cs and sn need ROTATION_BATCH·n entries, carry CHUNK. */
export function tridiagonalQLScratch(n: number): { readonly rotations: number; readonly carry: number } {
  return { rotations: ROTATION_BATCH * Math.max(n, 1), carry: CHUNK };
}

/**
 * Base kernel. d (n): diagonal, overwritten by the eigenvalues (unsorted). e (n): e[i] couples i and i+1,
 * e[n−1] is scratch; destroyed. Z (n × n, leading dimension ldz) holds on entry the rows to rotate (Qᵀ
 * from the tridiagonal reduction, or I) and on exit the eigenvectors as rows, or is skipped when null.
 * cs, sn, carry: scratch of the sizes tridiagonalQLScratch(n) gives. Returns −1 on success or the index whose eigenvalue failed to
 * converge within 30 sweeps.
 */
export function tridiagonalQL(
  n: number,
  d: Float64Array,
  e: Float64Array,
  Z: Float64Array | null,
  offZ: number,
  ldz: number,
  cs: Float64Array,
  sn: Float64Array,
  carry: Float64Array,
): number {
  if (n === 0) return -1;
  e[n - 1] = 0;
  const sweepL: number[] = [];
  const sweepM: number[] = [];
  const flush = () => {
    if (Z !== null && sweepL.length > 0) applySweeps(n, sweepL, sweepM, cs, sn, Z, offZ, ldz, carry);
    sweepL.length = 0;
    sweepM.length = 0;
  };
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_SWEEPS_PER_EIGENVALUE) {
          flush();
          return l;
        }
        const base = sweepL.length * n;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cs[base + i] = c;
          sn[base + i] = s;
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Z !== null) {
          sweepL.push(l);
          sweepM.push(m);
          if (sweepL.length === ROTATION_BATCH) flush();
        }
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  flush();
  return -1;
}

/**
 * Applies the recorded sweeps in order. Sweep q rotates, for i = m_q−1 down to l_q,
 * (z_i, z_{i+1}) ← (c·z_i − s·z_{i+1}, s·z_i + c·z_{i+1}) with c = cs[q·n + i], s = sn[q·n + i].
 * Row i+1's final value is known once rotation i is applied, so the running row lives in `carry`.
 */
function applySweeps(
  n: number,
  sweepL: readonly number[],
  sweepM: readonly number[],
  cs: Float64Array,
  sn: Float64Array,
  Z: Float64Array,
  offZ: number,
  ldz: number,
  carry: Float64Array,
): void {
  for (let k0 = 0; k0 < n; k0 += CHUNK) {
    const w = Math.min(CHUNK, n - k0);
    for (let q = 0; q < sweepL.length; q++) {
      const l = sweepL[q]!;
      const m = sweepM[q]!;
      const base = q * n;
      const rm = offZ + m * ldz + k0;
      for (let k = 0; k < w; k++) carry[k] = Z[rm + k]!;
      for (let i = m - 1; i >= l; i--) {
        const c = cs[base + i]!;
        const s = sn[base + i]!;
        const ri = offZ + i * ldz + k0;
        const ri1 = ri + ldz;
        for (let k = 0; k < w; k++) {
          const zi = Z[ri + k]!;
          const x = carry[k]!;
          Z[ri1 + k] = s * zi + c * x;
          carry[k] = c * zi - s * x;
        }
      }
      const rl = offZ + l * ldz + k0;
      for (let k = 0; k < w; k++) Z[rl + k] = carry[k]!;
    }
  }
}
