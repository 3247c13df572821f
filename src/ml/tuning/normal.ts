/**
 * Standard normal functions for the truncated-Gaussian Parzen estimators of TPE (methods.md §9.6):
 * erfc to full double precision (a positive-term series for erf when |x| < 2.5, Lentz's continued fraction
 * for erfc beyond, in log space so far tails do not underflow), Φ, log Φ, the log mass of an interval and
 * re-exports the shared Φ and Φ⁻¹ of stats/normal.ts.
 */
import { normalCdf } from '../../stats/normal.ts';

/** Φ and Φ⁻¹ are the shared ones of stats/normal.ts; this file adds erfc, ln Φ and interval masses. */
export { normalCdf, normalQuantile as normalPpf } from '../../stats/normal.ts';

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
