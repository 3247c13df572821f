/**
 * Eigenvectors of a symmetric tridiagonal matrix by Cuppen's divide and conquer (Cuppen 1981; Gu &
 * Eisenstat 1995, as in LAPACK dstedc/dlaed0–4, written from the published algorithm).
 *
 * T is split in the middle, T = diag(T₁, T₂) + ρ·v·vᵀ with v = (e_last; ±e_first) and ρ = |β| the cut
 * off-diagonal; the halves are solved recursively (implicit QL below LEAF), which gives
 * T = blkdiag(Q₁, Q₂)·(D + ρ·z·zᵀ)·blkdiag(Q₁, Q₂)ᵀ with z = blkdiag(Q₁, Q₂)ᵀ·v. The rank-one update is solved
 * by the secular equation f(λ) = 1 + ρ Σ z_j²/(d_j − λ) = 0, one root per interval of the sorted poles,
 * after deflation: entries with ρ|z_j| ≤ tol, and pairs of nearly equal poles (zeroed by a Givens rotation),
 * keep their eigenpairs. Each root is stored as (nearest pole, offset τ) so that every difference d_j − λ is
 * computed without cancellation; z is then recomputed from the roots (Gu–Eisenstat / Löwner), which makes
 * the eigenvectors u_i ∝ (ẑ_j/(d_j − λ_i))_j numerically orthogonal. The merge's dominant cost is one
 * gemm, blkdiag(Q₁, Q₂)·U, which runs at the packed-gemm rate instead of the ≈ 2 GFLOP/s of rotations.
 *
 * Roots (docs/decisions/034): the rational interpolation of LAPACK dlaed4 (Li 1994, "Solving secular equations
 * stably and efficiently"; Ren-Cang Li's middle way with the fixed-weight switch), written from the published
 * method: each step fits the two poles around the root exactly and the rest of f by a constant and its slope,
 * and solves the resulting quadratic — 2–3 evaluations of f per root where safeguarded Newton needed ≈ 10.
 * Safeguarded Newton with bisection remains for merges with fewer than three kept poles and as the fallback
 * should the interpolation not converge.
 */
import { dgemm } from './gemm.ts';
import { tridiagonalKernels } from './tridiagonal.ts';
import { tridiagonalQL, tridiagonalQLScratch } from './tridiagonal-ql.ts';

const EPS = 2 ** -52;
/** Sub-problems of at most this size are solved by implicit QL. */
const LEAF = 48;
const MAX_SECULAR_ITERATIONS = 400;
/** Unit roundoff (LAPACK's dlamch('Epsilon')), the interpolation's convergence scale. */
const ROUNDOFF = 2 ** -53;
/** dlaed4's iteration limit; past it the root goes to safeguarded Newton. */
const MAX_RATIONAL_ITERATIONS = 30;

/**
 * Base kernel. d (n): diagonal → eigenvalues ascending. e (n − 1, or longer): off-diagonal, destroyed.
 * Q (n × n, leading dimension ldq): on exit column j is the unit eigenvector of d[j]. Returns −1 on
 * success, else the index of a leaf eigenvalue that did not converge. Allocates O(n²) workspace.
 */
export function tridiagonalDivideConquer(
  n: number,
  d: Float64Array,
  e: Float64Array,
  Q: Float64Array,
  offQ: number,
  ldq: number,
): number {
  for (let i = 0; i < n; i++) Q.fill(0, offQ + i * ldq, offQ + i * ldq + n);
  if (n === 0) return -1;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]!));
  for (let i = 0; i + 1 < n; i++) scale = Math.max(scale, Math.abs(e[i]!));
  if (scale === 0) {
    for (let i = 0; i < n; i++) Q[offQ + i * ldq + i] = 1;
    return -1;
  }
  // Scaling to unit max norm keeps the tolerances below absolute (as LAPACK dstedc does).
  for (let i = 0; i < n; i++) d[i] /= scale;
  for (let i = 0; i + 1 < n; i++) e[i] /= scale;
  const info = solve(0, n, d, e, Q, offQ, ldq);
  for (let i = 0; i < n; i++) d[i] *= scale;
  return info;
}

/**
 * Rows r0 … r1 − 1 of the merge's new eigenvectors, H[r0…r1) = Q[r0…r1, kept columns not of type skipType]·U
 * (those rows meet only the other column types): one gather and one gemm. A module function rather than a
 * closure of merge: a closure created per merge was compiled again for every new context (decision 157).
 */
function mergeHalfProduct(
  r0: number,
  r1: number,
  skipType: number,
  nk: number,
  colType: Uint8Array,
  kept: readonly number[],
  Q: Float64Array,
  q0: number,
  ldq: number,
  U: Float64Array,
  H: Float64Array,
): void {
  const cols: number[] = [];
  for (let c = 0; c < nk; c++) if (colType[kept[c]!] !== skipType) cols.push(c);
  const nc = cols.length;
  const rows = r1 - r0;
  if (nc === 0 || rows === 0) return;
  const G = new Float64Array(rows * nc);
  const Us = new Float64Array(nc * nk);
  for (let r = 0; r < rows; r++) {
    const a = q0 + (r0 + r) * ldq;
    for (let c = 0; c < nc; c++) G[r * nc + c] = Q[a + kept[cols[c]!]!]!;
  }
  for (let c = 0; c < nc; c++) Us.set(U.subarray(cols[c]! * nk, (cols[c]! + 1) * nk), c * nk);
  dgemm(false, false, rows, nk, nc, 1, G, 0, nc, Us, 0, nk, 0, H, r0 * nk, nk);
}

function solve(
  s: number,
  len: number,
  d: Float64Array,
  e: Float64Array,
  Q: Float64Array,
  offQ: number,
  ldq: number,
): number {
  if (len <= LEAF) return leaf(s, len, d, e, Q, offQ, ldq);
  const n1 = len >> 1;
  const beta = e[s + n1 - 1]!;
  const rho0 = Math.abs(beta);
  d[s + n1 - 1] -= rho0;
  d[s + n1] -= rho0;
  let info = solve(s, n1, d, e, Q, offQ, ldq);
  if (info >= 0) return info;
  info = solve(s + n1, len - n1, d, e, Q, offQ, ldq);
  if (info >= 0) return info;
  merge(s, len, n1, beta, d, Q, offQ, ldq);
  return -1;
}

function leaf(
  s: number,
  len: number,
  d: Float64Array,
  e: Float64Array,
  Q: Float64Array,
  offQ: number,
  ldq: number,
): number {
  const Z = new Float64Array(len * len);
  for (let i = 0; i < len; i++) Z[i * len + i] = 1;
  const sz = tridiagonalQLScratch(len);
  const dl = d.subarray(s, s + len);
  // A copy of e: tridiagonalQL writes e[len − 1], which is the parent's coupling entry.
  const el = e.slice(s, s + len);
  const info = tridiagonalQL(
    len,
    dl,
    el,
    Z,
    0,
    len,
    new Float64Array(sz.rotations),
    new Float64Array(sz.rotations),
    new Float64Array(Math.max(len, sz.carry)),
  );
  if (info >= 0) return s + info;
  const order = sortedOrder(dl);
  const sorted = Float64Array.from(order, (j) => dl[j]!);
  dl.set(sorted);
  for (let c = 0; c < len; c++) {
    const row = order[c]! * len;
    for (let r = 0; r < len; r++) Q[offQ + (s + r) * ldq + s + c] = Z[row + r]!;
  }
  return -1;
}

function sortedOrder(v: Float64Array): Int32Array {
  const order = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) order[i] = i;
  return order.sort((a, b) => v[a]! - v[b]! || a - b);
}

/** Merges the solved halves [s, s+n1) and [s+n1, s+len) across the cut with off-diagonal beta. */
function merge(
  s: number,
  len: number,
  n1: number,
  beta: number,
  d: Float64Array,
  Q: Float64Array,
  offQ: number,
  ldq: number,
): void {
  const q0 = offQ + s * ldq + s; // Q block origin; Q[r][c] of the block at q0 + r·ldq + c
  const sign = beta < 0 ? -1 : 1;
  let rho = 2 * Math.abs(beta);
  const z = new Float64Array(len);
  const dd = d.slice(s, s + len);
  for (let j = 0; j < n1; j++) z[j] = Q[q0 + (n1 - 1) * ldq + j]! * Math.SQRT1_2;
  for (let j = n1; j < len; j++) z[j] = sign * Q[q0 + n1 * ldq + j]! * Math.SQRT1_2;

  const order = sortedOrder(dd);
  let dmax = 0;
  let zmax = 0;
  for (let j = 0; j < len; j++) {
    dmax = Math.max(dmax, Math.abs(dd[j]!));
    zmax = Math.max(zmax, Math.abs(z[j]!));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);
  const kept: number[] = [];
  const deflated: number[] = [];
  // Column structure of blkdiag(Q₁, Q₂): 1 = rows of the top half only, 3 = bottom only, 2 = both (made
  // by a deflating rotation across the halves). The final gemm skips the zero blocks (LAPACK dlaed2/3).
  const colType = new Uint8Array(len);
  for (let j = 0; j < len; j++) colType[j] = j < n1 ? 1 : 3;
  let prev = -1;
  if (rho * zmax <= tol) {
    // Nothing couples the halves: every eigenpair carries over.
    for (let j = 0; j < len; j++) deflated.push(j);
    rho = 0;
  } else {
    for (let t = 0; t < len; t++) {
      const j = order[t]!;
      if (rho * Math.abs(z[j]!) <= tol) {
        deflated.push(j);
        continue;
      }
      if (prev < 0) {
        prev = j;
        continue;
      }
      let sn = z[prev]!;
      let cn = z[j]!;
      const tau = Math.hypot(cn, sn);
      cn /= tau;
      sn = -sn / tau;
      if (Math.abs((dd[j]! - dd[prev]!) * cn * sn) <= tol) {
        // Rotate the two eigenvector columns so that z[prev] becomes 0 and prev deflates.
        z[j] = tau;
        z[prev] = 0;
        for (let r = 0; r < len; r++) {
          const a = q0 + r * ldq;
          const qp = Q[a + prev]!;
          const qn = Q[a + j]!;
          Q[a + prev] = cn * qp + sn * qn;
          Q[a + j] = cn * qn - sn * qp;
        }
        if (colType[prev] !== colType[j]) colType[j] = 2;
        const t2 = dd[prev]! * cn * cn + dd[j]! * sn * sn;
        dd[j] = dd[prev]! * sn * sn + dd[j]! * cn * cn;
        dd[prev] = t2;
        deflated.push(prev);
        prev = j;
      } else {
        kept.push(prev);
        prev = j;
      }
    }
    if (prev >= 0) kept.push(prev);
  }

  const nk = kept.length;
  const dk = Float64Array.from(kept, (j) => dd[j]!);
  const zk = Float64Array.from(kept, (j) => z[j]!);
  const origin = new Int32Array(nk);
  const tau = new Float64Array(nk);
  const kernel = tridiagonalKernels()?.secularEquation(nk, dk, zk) ?? null;
  secularKernel = kernel;
  SUMS = kernel ? kernel.out : JS_SUMS;
  for (let i = 0; i < nk; i++) solveSecular(i, nk, dk, zk, rho, origin, tau);
  secularKernel = null;

  const zhat = guEisenstatZ(nk, dk, zk, rho, origin, tau);
  const U = secularEigenvectors(nk, dk, zhat, origin, tau);
  // New eigenvectors of the kept part: Q[:, kept]·U. The top n1 rows only meet columns of type 1 and 2,
  // the bottom rows only type 2 and 3, so each half is one gather and one gemm over its columns.
  const H = new Float64Array(len * nk);
  mergeHalfProduct(0, n1, 3, nk, colType, kept, Q, q0, ldq, U, H);
  mergeHalfProduct(n1, len, 1, nk, colType, kept, Q, q0, ldq, U, H);

  // Assemble all eigenpairs, ascending.
  const values = new Float64Array(len);
  const source = new Int32Array(len); // ≥ 0: deflated column of Q; < 0: −1 − root index into H
  let t = 0;
  for (const j of deflated) {
    values[t] = dd[j]!;
    source[t++] = j;
  }
  for (let i = 0; i < nk; i++) {
    values[t] = dk[origin[i]!]! + tau[i]!;
    source[t++] = -1 - i;
  }
  const out = sortedOrder(values);
  const colSource = Int32Array.from(out, (i) => source[i]!);
  assembleColumns(len, nk, colSource, Q, q0, ldq, H);
  for (let c = 0; c < len; c++) d[s + c] = values[out[c]!]!;
}

/**
 * Gu–Eisenstat: ẑ_j² = (λ_j − d_j)/ρ · Π_{i≠j} (λ_i − d_j)/(d_i − d_j), with the sign of z_j; each
 * λ_i − d_j taken as (d_origin(i) − d_j) + τ_i, without cancellation.
 */
function guEisenstatZ(
  nk: number,
  dk: Float64Array,
  zk: Float64Array,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): Float64Array {
  const zhat = new Float64Array(nk);
  for (let j = 0; j < nk; j++) {
    const dj = dk[j]!;
    let v = (dk[origin[j]!]! - dj + tau[j]!) / rho;
    for (let i = 0; i < j; i++) v *= (dk[origin[i]!]! - dj + tau[i]!) / (dk[i]! - dj);
    for (let i = j + 1; i < nk; i++) v *= (dk[origin[i]!]! - dj + tau[i]!) / (dk[i]! - dj);
    zhat[j] = Math.sign(zk[j]!) * Math.sqrt(Math.abs(v));
  }
  return zhat;
}

/** U (nk × nk), column i the unit vector ∝ (ẑ_j / (d_j − λ_i))_j. */
function secularEigenvectors(
  nk: number,
  dk: Float64Array,
  zhat: Float64Array,
  origin: Int32Array,
  tau: Float64Array,
): Float64Array {
  const base = Float64Array.from(origin, (o) => dk[o]!);
  // In WebAssembly two columns per f64x2, the same operations per entry (same bits); else the twin below.
  const ws = tridiagonalKernels();
  if (ws) return ws.secularEigenvectors(nk, dk, zhat, base, tau);
  // Row by row (row j = component j of every vector): the writes are sequential; each column's norm is
  // still summed over j in increasing order.
  const U = new Float64Array(nk * nk);
  const norm = new Float64Array(nk);
  for (let j = 0; j < nk; j++) {
    const zj = zhat[j]!;
    const dj = dk[j]!;
    const row = j * nk;
    for (let i = 0; i < nk; i++) {
      const u = zj / (dj - base[i]! - tau[i]!);
      U[row + i] = u;
      norm[i] += u * u;
    }
  }
  for (let i = 0; i < nk; i++) norm[i] = 1 / Math.sqrt(norm[i]!);
  for (let j = 0; j < nk; j++) {
    const row = j * nk;
    for (let i = 0; i < nk; i++) U[row + i] *= norm[i]!;
  }
  return U;
}

/**
 * The merged block's eigenvectors in ascending order, written over Q's block: column c is Q's column
 * colSource[c] (a deflated pair) when ≥ 0, else column −1 − colSource[c] of H (len × nk, a new pair).
 */
function assembleColumns(
  len: number,
  nk: number,
  colSource: Int32Array,
  Q: Float64Array,
  q0: number,
  ldq: number,
  H: Float64Array,
): void {
  // Row r of the result depends only on row r of Q and H: one row of scratch.
  const row = new Float64Array(len);
  for (let r = 0; r < len; r++) {
    const a = q0 + r * ldq;
    const h = r * nk - 1;
    for (let c = 0; c < len; c++) {
      const src = colSource[c]!;
      row[c] = src >= 0 ? Q[a + src]! : H[h - src]!;
    }
    Q.set(row, a);
  }
}

/**
 * Root i of 1 + ρ Σ_j z_j²/(d_j − λ) = 0 with d ascending (d_i < λ_i < d_{i+1}, or d_last < λ_last): as
 * (origin pole, offset τ) in origin[i], tau[i]. Rational interpolation, else safeguarded Newton.
 */
function solveSecular(
  i: number,
  nk: number,
  dk: Float64Array,
  zk: Float64Array,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): void {
  if (
    nk >= 3 &&
    (i < nk - 1 ? interiorRoot(i, nk, dk, zk, rho, origin, tau) : lastRoot(nk, dk, zk, rho, origin, tau))
  )
    return;
  secularNewton(i, nk, dk, zk, rho, origin, tau);
}

/**
 * The sums of f/ρ = 1/ρ + Σ z_j²/δ_j at offset t from pole o, δ_j = (d_j − d_o) − t, split at o (dlaed4's
 * ψ over j < o, φ over j > o, both without the pole o itself): ψ, ψ′, φ, φ′ and the running-sum error
 * bound, into SUMS.
 */
const JS_SUMS = new Float64Array(5);
/** Where secularSums writes: JS_SUMS, or the kernel memory's view while a merge's kernel is set. */
let SUMS: Float64Array = JS_SUMS;
/** The current merge's WebAssembly secular equation (same operations, same bits), or null for the twin. */
let secularKernel: { sums(o: number, t: number): void } | null = null;
const PSI = 0;
const DPSI = 1;
const PHI = 2;
const DPHI = 3;
const ERR = 4;
function secularSums(nk: number, dk: Float64Array, zk: Float64Array, o: number, t: number): void {
  if (secularKernel) {
    secularKernel.sums(o, t);
    return;
  }
  const base = dk[o]!;
  let psi = 0;
  let dpsi = 0;
  let err = 0;
  for (let j = 0; j < o; j++) {
    const q = zk[j]! / (dk[j]! - base - t);
    psi += zk[j]! * q;
    dpsi += q * q;
    err += psi;
  }
  err = Math.abs(err);
  let phi = 0;
  let dphi = 0;
  for (let j = nk - 1; j > o; j--) {
    const q = zk[j]! / (dk[j]! - base - t);
    phi += zk[j]! * q;
    dphi += q * q;
    err += phi;
  }
  SUMS[PSI] = psi;
  SUMS[DPSI] = dpsi;
  SUMS[PHI] = phi;
  SUMS[DPHI] = dphi;
  SUMS[ERR] = err;
}

/** The root of the quadratic a·η² − … of dlaed4's two-pole step, the stable branch for the sign of a. */
function twoPoleStep(a: number, b: number, c: number): number {
  if (a <= 0) return (a - Math.sqrt(Math.abs(a * a - 4 * b * c))) / (2 * c);
  return (2 * b) / (a + Math.sqrt(Math.abs(a * a - 4 * b * c)));
}

/**
 * Interior root i (d_i < λ < d_{i+1}, 1 ≤ nk − 1 − i), dlaed4's case 1 < I < N with the two-pole fixed-weight
 * iteration (without its three-pole variant: where that would be used the two-pole step converges too, a
 * step or two later). Returns false if it did not converge.
 */
function interiorRoot(
  i: number,
  nk: number,
  dk: Float64Array,
  zk: Float64Array,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): boolean {
  const rhoinv = 1 / rho;
  const ip1 = i + 1;
  const del = dk[ip1]! - dk[i]!;
  const midpt = del / 2;
  const zi2 = zk[i]! * zk[i]!;
  const zip12 = zk[ip1]! * zk[ip1]!;
  // f at the midpoint tells which pole is nearer: it becomes the origin.
  let c0 = rhoinv;
  for (let j = 0; j < i; j++) c0 += (zk[j]! * zk[j]!) / (dk[j]! - dk[i]! - midpt);
  for (let j = i + 2; j < nk; j++) c0 += (zk[j]! * zk[j]!) / (dk[j]! - dk[i]! - midpt);
  const orgati = c0 + zi2 / -midpt + zip12 / (del - midpt) > 0;
  let t: number;
  let lower: number;
  let upper: number;
  if (orgati) {
    const a = c0 * del + zi2 + zip12;
    const b = zi2 * del;
    t =
      a > 0
        ? (2 * b) / (a + Math.sqrt(Math.abs(a * a - 4 * b * c0)))
        : (a - Math.sqrt(Math.abs(a * a - 4 * b * c0))) / (2 * c0);
    lower = 0;
    upper = midpt;
  } else {
    const a = c0 * del - zi2 - zip12;
    const b = zip12 * del;
    t =
      a < 0
        ? (2 * b) / (a - Math.sqrt(Math.abs(a * a + 4 * b * c0)))
        : -(a + Math.sqrt(Math.abs(a * a + 4 * b * c0))) / (2 * c0);
    lower = -midpt;
    upper = 0;
  }
  const ii = orgati ? i : ip1;
  const dii = dk[ii]!;
  const zii = zk[ii]!;
  let swtch = false;
  let prew = 0;
  for (let it = 0; it <= MAX_RATIONAL_ITERATIONS; it++) {
    // δ_i and δ_{i+1} at the current offset, f/ρ (w) with its derivative and error bound.
    secularSums(nk, dk, zk, ii, t);
    const deltaI = dk[i]! - dii - t;
    const deltaIp1 = dk[ip1]! - dii - t;
    const q = zii / (orgati ? deltaI : deltaIp1);
    const dw = SUMS[DPSI]! + SUMS[DPHI]! + q * q;
    const w = rhoinv + SUMS[PHI]! + SUMS[PSI]! + zii * q;
    const err =
      8 * (SUMS[PHI]! - SUMS[PSI]!) + SUMS[ERR]! + 2 * rhoinv + 3 * Math.abs(zii * q) + Math.abs(t) * dw;
    if (Math.abs(w) <= ROUNDOFF * err) {
      origin[i] = ii;
      tau[i] = t;
      return true;
    }
    // Li's switch between the two fixed-weight schemes when w does not shrink tenfold per step.
    if (it === 1) swtch = orgati ? -w > Math.abs(prew) / 10 : w > Math.abs(prew) / 10;
    else if (it > 1 && w * prew > 0 && Math.abs(w) > Math.abs(prew) / 10) swtch = !swtch;
    if (w <= 0) lower = Math.max(lower, t);
    else upper = Math.min(upper, t);
    let c: number;
    let dpsi = SUMS[DPSI]!;
    let dphi = SUMS[DPHI]!;
    if (!swtch) {
      c = orgati
        ? w - deltaIp1 * dw - (dk[i]! - dk[ip1]!) * (zk[i]! / deltaI) ** 2
        : w - deltaI * dw - (dk[ip1]! - dk[i]!) * (zk[ip1]! / deltaIp1) ** 2;
    } else {
      if (orgati) dpsi += q * q;
      else dphi += q * q;
      c = w - deltaI * dpsi - deltaIp1 * dphi;
    }
    let a = (deltaI + deltaIp1) * w - deltaI * deltaIp1 * dw;
    const b = deltaI * deltaIp1 * w;
    let eta: number;
    if (c === 0) {
      if (a === 0) {
        if (swtch) a = deltaI * deltaI * dpsi + deltaIp1 * deltaIp1 * dphi;
        else a = orgati ? zi2 + deltaIp1 * deltaIp1 * (dpsi + dphi) : zip12 + deltaI * deltaI * (dpsi + dphi);
      }
      eta = b / a;
    } else {
      eta = twoPoleStep(a, b, c);
    }
    // A step of the wrong sign is replaced by Newton's; one leaving the bracket by bisection.
    if (w * eta >= 0) eta = -w / dw;
    if (t + eta > upper || t + eta < lower) eta = w < 0 ? (upper - t) / 2 : (lower - t) / 2;
    prew = w;
    t += eta;
  }
  return false;
}

/**
 * The last root (λ > d_last), dlaed4's case I = N: origin d_last, τ in (0, ρ] (‖z‖ ≤ 1 after the merge's
 * scaling and deflation), the two nearest poles fitted exactly. Returns false if it did not converge.
 */
function lastRoot(
  nk: number,
  dk: Float64Array,
  zk: Float64Array,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): boolean {
  const rhoinv = 1 / rho;
  const n1 = nk - 1;
  const n2 = nk - 2;
  const dn = dk[n1]!;
  const midpt = rho / 2;
  let c0 = rhoinv;
  for (let j = 0; j < n2; j++) c0 += (zk[j]! * zk[j]!) / (dk[j]! - dn - midpt);
  const z22 = zk[n2]! * zk[n2]!;
  const z12 = zk[n1]! * zk[n1]!;
  const del = dn - dk[n2]!;
  const w0 = c0 + z22 / (dk[n2]! - dn - midpt) - z12 / midpt;
  const quadratic = () => {
    const a = -c0 * del + z22 + z12;
    const b = z12 * del;
    return a < 0
      ? (2 * b) / (Math.sqrt(a * a + 4 * b * c0) - a)
      : (a + Math.sqrt(a * a + 4 * b * c0)) / (2 * c0);
  };
  let t: number;
  let lower: number;
  let upper: number;
  if (w0 <= 0) {
    t = c0 <= z22 / (del + rho) + z12 / rho ? rho : quadratic();
    lower = midpt;
    upper = rho;
  } else {
    t = quadratic();
    lower = 0;
    upper = midpt;
  }
  for (let it = 0; it <= MAX_RATIONAL_ITERATIONS; it++) {
    secularSums(nk, dk, zk, n1, t);
    const q = zk[n1]! / -t;
    const phi = zk[n1]! * q;
    const dpsi = SUMS[DPSI]!;
    const dphi = q * q;
    const dw = dpsi + dphi;
    const w = rhoinv + phi + SUMS[PSI]!;
    const err = 8 * (-phi - SUMS[PSI]!) + SUMS[ERR]! - phi + rhoinv + Math.abs(t) * dw;
    if (Math.abs(w) <= ROUNDOFF * err) {
      origin[n1] = n1;
      tau[n1] = t;
      return true;
    }
    if (w <= 0) lower = Math.max(lower, t);
    else upper = Math.min(upper, t);
    const d2 = dk[n2]! - dn - t;
    const d1 = -t;
    const c = Math.abs(w - d2 * dpsi - d1 * dphi);
    const a = (d2 + d1) * w - d2 * d1 * dw;
    const b = d2 * d1 * w;
    let eta: number;
    if (c === 0) eta = upper - t;
    else if (a >= 0) eta = (a + Math.sqrt(Math.abs(a * a - 4 * b * c))) / (2 * c);
    else eta = (2 * b) / (a - Math.sqrt(Math.abs(a * a - 4 * b * c)));
    if (w * eta > 0) eta = -w / dw;
    if (t + eta > upper || t + eta < lower) eta = w < 0 ? (upper - t) / 2 : (lower - t) / 2;
    t += eta;
  }
  return false;
}

/**
 * Root i by safeguarded Newton inside the bracketing interval, falling back to bisection. Chooses the nearer
 * pole as origin (by the sign of f at the midpoint) and finds τ = λ − d_origin.
 */
function secularNewton(
  i: number,
  nk: number,
  dk: Float64Array,
  zk: Float64Array,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): void {
  let o = i;
  let lo = 0;
  let hi: number;
  if (i < nk - 1) {
    const mid = (dk[i + 1]! - dk[i]!) / 2;
    if (secular(dk, zk, rho, i, mid, nk).f >= 0) {
      hi = mid;
    } else {
      o = i + 1;
      lo = -mid;
      hi = 0;
    }
  } else {
    let zz = 0;
    for (let j = 0; j < nk; j++) zz += zk[j]! * zk[j]!;
    hi = rho * zz;
  }
  let x = (lo + hi) / 2;
  for (let it = 0; it < MAX_SECULAR_ITERATIONS; it++) {
    const { f, fp, abs } = secular(dk, zk, rho, o, x, nk);
    if (f === 0) break;
    if (f < 0) lo = x;
    else hi = x;
    if (Math.abs(f) <= 4 * EPS * nk * abs || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    const newton = x - f / fp;
    x = newton > lo && newton < hi ? newton : (lo + hi) / 2;
  }
  origin[i] = o;
  tau[i] = x;
}

/** f(τ) = 1 + ρ Σ z_j²/δ_j, f′ = ρ Σ z_j²/δ_j², and 1 + ρ Σ |z_j²/δ_j|, with δ_j = (d_j − d_o) − τ. */
function secular(dk: Float64Array, zk: Float64Array, rho: number, o: number, x: number, nk: number) {
  const base = dk[o]!;
  let f = 0;
  let fp = 0;
  let abs = 0;
  for (let j = 0; j < nk; j++) {
    const delta = dk[j]! - base - x;
    const q = (zk[j]! * zk[j]!) / delta;
    f += q;
    abs += Math.abs(q);
    fp += q / delta;
  }
  return { f: 1 + rho * f, fp: rho * fp, abs: 1 + rho * abs };
}
