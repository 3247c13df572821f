/**
 * Standard normal functions for the truncated-Gaussian Parzen estimators of TPE (methods.md §9.6):
 * erfc to full double precision (a positive-term series for erf when |x| < 2.5, Lentz's continued fraction
 * for erfc beyond, in log space so far tails do not underflow), Φ, log Φ, the log mass of an interval and
 * the inverse Φ (Acklam's rational approximation polished by one Halley step).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf(x) for |x| < 2.5: 2/√π · e^{−x²} · Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); all terms positive. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** ln erfc(x) for x ≥ 2.5 by the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function logErfcLarge(x: number): number {
  // Modified Lentz on b0 + a1/(b1 + a2/(b2 + …)) with b_k = x, a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let C = f;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - Math.log(SQRT_PI) - Math.log(f);
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 2.5) return Math.exp(logErfcLarge(x));
  if (x <= -2.5) return 2 - Math.exp(logErfcLarge(-x));
  return 1 - erfSeries(x);
}

/** Φ(x) = ½ erfc(−x/√2). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** ln Φ(x), accurate in the far left tail. */
export function logNormalCdf(x: number): number {
  const z = -x / Math.SQRT2;
  if (z >= 2.5) return Math.log(0.5) + logErfcLarge(z);
  return Math.log(normalCdf(x));
}

/** ln φ(x) = −x²/2 − ln √(2π). */
export function logNormalPdf(x: number): number {
  return -0.5 * x * x - LN_SQRT_2PI;
}

/** ln(Φ(b) − Φ(a)) for a < b, computed in the tail where the difference is formed (Optuna's _log_gauss_mass). */
export function logGaussMass(a: number, b: number): number {
  if (!(b > a)) return Number.NEGATIVE_INFINITY;
  if (b <= 0) {
    const lb = logNormalCdf(b);
    return lb + Math.log1p(-Math.exp(logNormalCdf(a) - lb));
  }
  if (a >= 0) {
    const la = logNormalCdf(-a);
    return la + Math.log1p(-Math.exp(logNormalCdf(-b) - la));
  }
  // Central case: 1 − Φ(a) − Φ(−b), both terms ≤ ½.
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p ∈ (0, 1) (±∞ at 0 and 1): Acklam's approximation (1.15e-9) and one Halley step. */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x =
      -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  // Halley refinement on Φ(x) − p (in the upper tail on the complement, where Φ(x) − p loses digits).
  const e = x > 0 ? -(normalCdf(-x) - (1 - p)) : normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
