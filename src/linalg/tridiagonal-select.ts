/**
 * Selected eigenpairs of a symmetric tridiagonal matrix T (diagonal d, off-diagonal e): the eigenvalues by
 * bisection on Sturm counts and their eigenvectors by inverse iteration — LAPACK's dstebz + dstein
 * (Demmel 1997, "Applied Numerical Linear Algebra" §5.3.4; Golub & Van Loan 4th ed. §8.4.1, §8.2.2),
 * written from the published algorithms. Cost O(n) per Sturm count and per inverse-iteration step, so k
 * eigenpairs cost O(n·k) (plus O(n·k²) reorthogonalisation inside clusters) where a full decomposition
 * costs O(n²) or more: the tool when only the top of a spectrum is wanted (RMT's signal eigenpairs).
 */
import { Rng } from '../core/rng.ts';

const EPS = 2 ** -52;
const SAFE_MIN = 2 ** -1022;
/** Inverse-iteration solves per vector, and the solves past the growth test that are kept (dstein). */
const MAX_ITERATIONS = 5;
const EXTRA_ITERATIONS = 2;
/** Eigenvalues closer than ORTHO_GAP·‖T‖₁ form a cluster whose vectors are reorthogonalised (dstein). */
const ORTHO_GAP = 1e-3;

/** Smallest pivot allowed in the Sturm recurrence (dstebz's PIVMIN): avoids division by zero. */
function pivotMin(n: number, e: Float64Array): number {
  let m = 1;
  for (let i = 0; i + 1 < n; i++) m = Math.max(m, e[i]! * e[i]!);
  return SAFE_MIN * m;
}

/**
 * Number of eigenvalues of T below x: the negative pivots of the LDLᵀ factorisation of T − xI
 * (Sylvester's law of inertia), q_i = d_i − x − e_{i−1}²/q_{i−1}.
 */
export function tridiagonalCountBelow(
  n: number,
  d: Float64Array,
  e: Float64Array,
  x: number,
  pivmin: number = pivotMin(n, e),
): number {
  let count = 0;
  let q = 1;
  for (let i = 0; i < n; i++) {
    q = d[i]! - x - (i > 0 ? (e[i - 1]! * e[i - 1]!) / q : 0);
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/** Gershgorin interval [lo, hi] holding every eigenvalue of T. */
function gershgorin(n: number, d: Float64Array, e: Float64Array): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i + 1 < n ? Math.abs(e[i]!) : 0);
    lo = Math.min(lo, d[i]! - r);
    hi = Math.max(hi, d[i]! + r);
  }
  // Widened as dstebz does, so the ends are strictly outside the spectrum despite rounding in the counts.
  const pad = 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi)) * n + 2 * pivotMin(n, e);
  return { lo: lo - pad, hi: hi + pad };
}

/**
 * The eigenvalues of T with (ascending) indices first … n − 1, by bisection: each is bracketed until the
 * interval is ε·‖T‖ (or 2 ulps of the eigenvalue, if wider) wide, so the absolute error is O(ε·‖T‖) as
 * for QL (dstebz's default tolerance). Ascending.
 */
export function tridiagonalTopEigenvalues(
  n: number,
  d: Float64Array,
  e: Float64Array,
  first: number,
): Float64Array {
  const pivmin = pivotMin(n, e);
  const { lo: glo, hi: ghi } = gershgorin(n, d, e);
  const out = new Float64Array(Math.max(n - first, 0));
  const atol = Math.max(EPS * Math.max(Math.abs(glo), Math.abs(ghi)), pivmin);
  for (let j = first; j < n; j++) {
    // invariant: count(lo) ≤ j < count(hi)
    let lo = j > first ? out[j - first - 1]! - pivmin : glo;
    if (tridiagonalCountBelow(n, d, e, lo, pivmin) > j) lo = glo;
    let hi = ghi;
    for (;;) {
      const mid = 0.5 * (lo + hi);
      const width = hi - lo;
      if (
        width <= Math.max(atol, 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) ||
        mid === lo ||
        mid === hi
      ) {
        out[j - first] = mid;
        break;
      }
      if (tridiagonalCountBelow(n, d, e, mid, pivmin) > j) hi = mid;
      else lo = mid;
    }
  }
  return out;
}

/**
 * Unit eigenvectors of T for the ascending eigenvalues `values` (accurate to O(ε‖T‖), e.g. from
 * tridiagonalTopEigenvalues), as the rows of Z (k × n, leading dimension ldz): inverse iteration on the
 * pivoted LU factors of T − λI from a seeded random start, accepted once the solve has grown the iterate
 * past dstein's threshold and EXTRA_ITERATIONS more solves were made (at most MAX_ITERATIONS), with Gram–Schmidt against the earlier vectors of the
 * same cluster (gap < ORTHO_GAP·‖T‖₁) at every step, and the shift of a clustered eigenvalue nudged by
 * 10·ε·|λ| so that equal shifts do not give equal vectors. Signs: the largest entry of each vector is
 * positive. Returns −1, or the index of the first vector that was not accepted (dstein's failure).
 */
export function tridiagonalInverseIteration(
  n: number,
  d: Float64Array,
  e: Float64Array,
  values: Float64Array,
  Z: Float64Array,
  offZ: number,
  ldz: number,
  seed = 1,
): number {
  const k = values.length;
  if (n === 0 || k === 0) return -1;
  let onenrm = Math.abs(d[0]!) + (n > 1 ? Math.abs(e[0]!) : 0);
  for (let i = 1; i < n; i++) {
    onenrm = Math.max(onenrm, Math.abs(d[i]!) + Math.abs(e[i - 1]!) + (i + 1 < n ? Math.abs(e[i]!) : 0));
  }
  if (n === 1) {
    for (let j = 0; j < k; j++) Z[offZ + j * ldz] = 1;
    return -1;
  }
  const orthoTol = ORTHO_GAP * onenrm;
  const growth = Math.sqrt(0.1 / n);
  const rng = new Rng(seed);
  // Pivoted LU of T − λI (LAPACK dgttrf): U has diagonal u0 and two superdiagonals u1, u2; l holds the
  // multipliers and swap[i] whether rows i and i + 1 were exchanged.
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const l = new Float64Array(n);
  const swap = new Uint8Array(n);
  const x = new Float64Array(n);
  let failed = -1;
  let clusterStart = 0;
  let shiftPrev = 0;
  for (let j = 0; j < k; j++) {
    let shift = values[j]!;
    if (j > 0 && shift - values[j - 1]! >= orthoTol) clusterStart = j;
    else if (j > 0 && shift - shiftPrev < 10 * EPS * Math.abs(shift))
      shift = shiftPrev + 10 * EPS * Math.abs(shift);
    shiftPrev = shift;
    factor(n, d, e, shift, u0, u1, u2, l, swap);
    // Zero pivots become ε·‖T‖ (dlagts' perturbation): the solve then amplifies the eigenvector.
    const tiny = EPS * onenrm;
    for (let i = 0; i < n; i++) if (Math.abs(u0[i]!) < tiny) u0[i] = u0[i]! < 0 ? -tiny : tiny;
    for (let i = 0; i < n; i++) x[i] = 2 * rng.uniform() - 1;
    let passed = 0;
    for (let it = 0; it < MAX_ITERATIONS && passed <= EXTRA_ITERATIONS; it++) {
      // Scale the right-hand side so that the growth of the solution measures nearness to the eigenvector.
      let asum = 0;
      for (let i = 0; i < n; i++) asum += Math.abs(x[i]!);
      const scale = (n * onenrm * Math.max(EPS, Math.abs(u0[n - 1]!))) / asum;
      for (let i = 0; i < n; i++) x[i]! *= scale;
      solve(n, u0, u1, u2, l, swap, x);
      for (let c = clusterStart; c < j; c++) {
        const z = offZ + c * ldz;
        let s = 0;
        for (let i = 0; i < n; i++) s += Z[z + i]! * x[i]!;
        for (let i = 0; i < n; i++) x[i]! -= s * Z[z + i]!;
      }
      let xmax = 0;
      for (let i = 0; i < n; i++) xmax = Math.max(xmax, Math.abs(x[i]!));
      if (xmax >= growth) passed++;
    }
    if (passed <= EXTRA_ITERATIONS && failed < 0) failed = j;
    let norm2 = 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      norm2 += x[i]! * x[i]!;
      if (Math.abs(x[i]!) > Math.abs(x[big]!)) big = i;
    }
    const inv = (x[big]! < 0 ? -1 : 1) / Math.sqrt(norm2);
    const z = offZ + j * ldz;
    for (let i = 0; i < n; i++) Z[z + i] = x[i]! * inv;
  }
  return failed;
}

/** Pivoted LU of T − σI, n ≥ 2 (dgttrf on the tridiagonal with sub = super = e). */
function factor(
  n: number,
  d: Float64Array,
  e: Float64Array,
  sigma: number,
  u0: Float64Array,
  u1: Float64Array,
  u2: Float64Array,
  l: Float64Array,
  swap: Uint8Array,
): void {
  for (let i = 0; i < n; i++) u0[i] = d[i]! - sigma;
  for (let i = 0; i + 1 < n; i++) u1[i] = e[i]!;
  u2.fill(0);
  for (let i = 0; i + 1 < n; i++) {
    const sub = e[i]!;
    if (Math.abs(u0[i]!) >= Math.abs(sub)) {
      swap[i] = 0;
      const m = u0[i] !== 0 ? sub / u0[i]! : 0;
      l[i] = m;
      u0[i + 1]! -= m * u1[i]!;
    } else {
      // Row i + 1 becomes the pivot row: its entries (sub, u0[i+1], e[i+1]) move up.
      swap[i] = 1;
      const m = u0[i]! / sub;
      l[i] = m;
      u0[i] = sub;
      const t = u0[i + 1]!;
      u0[i + 1] = u1[i]! - m * t;
      u1[i] = t;
      if (i + 2 < n) {
        u2[i] = u1[i + 1]!;
        u1[i + 1] = -m * u1[i + 1]!;
      }
    }
  }
}

/** x ← (LU)⁻¹x for the factors of `factor`. */
function solve(
  n: number,
  u0: Float64Array,
  u1: Float64Array,
  u2: Float64Array,
  l: Float64Array,
  swap: Uint8Array,
  x: Float64Array,
): void {
  for (let i = 0; i + 1 < n; i++) {
    if (swap[i]) {
      const t = x[i]!;
      x[i] = x[i + 1]!;
      x[i + 1] = t - l[i]! * x[i + 1]!;
    } else x[i + 1]! -= l[i]! * x[i]!;
  }
  x[n - 1]! /= u0[n - 1]!;
  if (n > 1) x[n - 2] = (x[n - 2]! - u1[n - 2]! * x[n - 1]!) / u0[n - 2]!;
  for (let i = n - 3; i >= 0; i--) x[i] = (x[i]! - u1[i]! * x[i + 1]! - u2[i]! * x[i + 2]!) / u0[i]!;
}
