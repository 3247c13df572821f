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
  // On each open interval between the kinks, the signs of (z − w0) and z at a probe point inside it, then the
  // root of ρu² + 1.5·b·u + c = 0 with c = a + sA·(ρ(w0 − v) + λ·sL) and z = w0 + sA·u². The three intervals
  // are spelled out rather than looped over (this runs p times per prox pass, several passes per ADMM
  // iteration); left of e1 both signs are −.
  let c = a - (rho * (w0 - v) - lambda);
  if (!(c > 0)) {
    const z = w0 - rootSquared(c, b, rho);
    if (z > Number.NEGATIVE_INFINITY && z < e1) return clip(z, lo, hi);
  }
  if (e1 < e2) {
    const probe = 0.5 * (e1 + e2);
    const sA = probe > w0 ? 1 : -1;
    const sL = probe > 0 ? 1 : -1;
    c = a + sA * (rho * (w0 - v) + lambda * sL);
    if (!(c > 0)) {
      const z = w0 + sA * rootSquared(c, b, rho);
      if (z > e1 && z < e2) return clip(z, lo, hi);
    }
  }
  const sA = e2 + 1 > w0 ? 1 : -1; // + unless |w0| ≥ 2^53
  c = a + sA * (rho * (w0 - v) + lambda);
  if (!(c > 0)) {
    const z = w0 + sA * rootSquared(c, b, rho);
    if (z > e2 && z < Number.POSITIVE_INFINITY) return clip(z, lo, hi);
  }
  const f1 = proxObjective(e1, v, w0, a, b, lambda, rho);
  const f2 = proxObjective(e2, v, w0, a, b, lambda, rho);
  return clip(f1 <= f2 ? e1 : e2, lo, hi);
}

/** u² for the root u ≥ 0 of ρu² + 1.5·b·u + c = 0 (c ≤ 0). */
function rootSquared(c: number, b: number, rho: number): number {
  const u = b === 0 ? Math.sqrt(-c / rho) : (-1.5 * b + Math.sqrt(2.25 * b * b - 4 * rho * c)) / (2 * rho);
  return u * u;
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
