/**
 * Eigenvalues (and optionally eigenvectors) of a symmetric tridiagonal matrix by the implicit QL method
 * with Wilkinson-style shifts (EISPACK tql2; Bowdler, Martin, Reinsch & Wilkinson 1968; as in JAMA).
 *
 * Eigenvectors are held as the rows of Z (Zᵀ in the usual notation), so each Givens rotation combines two
 * contiguous rows. The rotations of one QL sweep are recorded and then applied in a single pass that
 * carries the running row in a buffer (LAPACK dlasr's idea): every row of Z is read and written once per
 * sweep instead of twice.
 */

const EPS = 2 ** -52;
const MAX_SWEEPS_PER_EIGENVALUE = 30;

/**
 * Base kernel. d (n): diagonal, overwritten by the eigenvalues (unsorted). e (n): e[i] couples i and i+1,
 * e[n−1] is scratch; destroyed. Z (n × n, leading dimension ldz) holds on entry the rows to rotate (Qᵀ
 * from the tridiagonal reduction, or I) and on exit the eigenvectors as rows, or is skipped when null.
 * cs, sn, carry: scratch of length n. Returns −1 on success or the index whose eigenvalue failed to
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
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_SWEEPS_PER_EIGENVALUE) return l;
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
          cs[i] = c;
          sn[i] = s;
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Z !== null) applyRotationSweep(n, l, m, cs, sn, Z, offZ, ldz, carry);
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return -1;
}

/**
 * For i = m−1 down to l: (z_i, z_{i+1}) ← (c_i·z_i − s_i·z_{i+1}, s_i·z_i + c_i·z_{i+1}), on rows of Z.
 * Row i+1's final value is known once rotation i is applied, so the running row (carry) stays in cache.
 */
function applyRotationSweep(
  n: number,
  l: number,
  m: number,
  cs: Float64Array,
  sn: Float64Array,
  Z: Float64Array,
  offZ: number,
  ldz: number,
  carry: Float64Array,
): void {
  const rm = offZ + m * ldz;
  for (let k = 0; k < n; k++) carry[k] = Z[rm + k]!;
  for (let i = m - 1; i >= l; i--) {
    const c = cs[i]!;
    const s = sn[i]!;
    const ri = offZ + i * ldz;
    const ri1 = ri + ldz;
    for (let k = 0; k < n; k++) {
      const zi = Z[ri + k]!;
      const x = carry[k]!;
      Z[ri1 + k] = s * zi + c * x;
      carry[k] = c * zi - s * x;
    }
  }
  const rl = offZ + l * ldz;
  for (let k = 0; k < n; k++) Z[rl + k] = carry[k]!;
}
