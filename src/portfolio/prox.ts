/**
 * The exact proximal operator of one name's trading cost and box, used by the ADMM z-update (methods.md §7):
 *
 *   z* = argmin_z  a·|z − w0| + b·|z − w0|^{3/2} + λ·|z| + (ρ/2)(z − v)²   subject to lo ≤ z ≤ hi
 *
 * with a ≥ 0 the linear cost (κ + half-spread + fee), b ≥ 0 the square-root-impact coefficient, and λ ≥ 0 the
 * multiplier of a gross-leverage constraint. The objective is convex in one variable, so the constrained
 * minimiser is the projection onto [lo, hi] of the unconstrained one. On each interval between the kinks
 * {0, w0} the stationarity condition is a quadratic in u = √|z − w0| (closed form); if no interval holds a
 * stationary point, the minimum sits at a kink.
 */
export function proxTradeCost(
  v: number,
  w0: number,
  a: number,
  b: number,
  lambda: number,
  rho: number,
  lo: number,
  hi: number,
): number {
  const e1 = Math.min(0, w0);
  const e2 = Math.max(0, w0);
  // Interval midpoints give the signs of (z − w0) and z on each open interval. The bounds are spelled out
  // rather than kept in an array: this runs p times per ADMM iteration and must not allocate.
  for (let k = 0; k < 3; k++) {
    const left = k === 0 ? Number.NEGATIVE_INFINITY : k === 1 ? e1 : e2;
    const right = k === 0 ? e1 : k === 1 ? e2 : Number.POSITIVE_INFINITY;
    if (!(left < right)) continue;
    const probe = Number.isFinite(left)
      ? Number.isFinite(right)
        ? 0.5 * (left + right)
        : left + 1
      : right - 1;
    const sA = probe > w0 ? 1 : -1;
    const sL = probe > 0 ? 1 : -1;
    // ρu² + 1.5·b·u + c = 0 with c = a + sA·(ρ(w0 − v) + λ·sL)
    const c = a + sA * (rho * (w0 - v) + lambda * sL);
    if (c > 0) continue;
    const u = b === 0 ? Math.sqrt(-c / rho) : (-1.5 * b + Math.sqrt(2.25 * b * b - 4 * rho * c)) / (2 * rho);
    const z = w0 + sA * u * u;
    if (z > left && z < right) return clip(z, lo, hi);
  }
  const f1 = proxObjective(e1, v, w0, a, b, lambda, rho);
  const f2 = proxObjective(e2, v, w0, a, b, lambda, rho);
  return clip(f1 <= f2 ? e1 : e2, lo, hi);
}

/** The one-name objective minimised by proxTradeCost, at z. */
function proxObjective(
  z: number,
  v: number,
  w0: number,
  a: number,
  b: number,
  lambda: number,
  rho: number,
): number {
  const t = Math.abs(z - w0);
  return a * t + b * t * Math.sqrt(t) + lambda * Math.abs(z) + 0.5 * rho * (z - v) * (z - v);
}

function clip(z: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, z));
}
