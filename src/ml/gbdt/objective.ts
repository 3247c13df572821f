/**
 * Multi-class softmax objective, methods.md §9.3 items 1–2 (XGBoost `multi:softprob`).
 *
 * p = softmax(F) per row; for class k and sample weight ω: g = (p_k − 1{y = k})·ω,
 * h = max(2·p_k·(1 − p_k)·ω, 1e-16). The factor 2 is XGBoost's (Appendix A item 3), not the softmax Hessian's
 * diagonal. Initial margins: base_score (0.5 per class, XGBoost < 3.1) or the centred log-prior intercept
 * b_k = ln π_k − mean_j ln π_j with π_k the weighted class frequency floored at 1e-6 (XGBoost ≥ 3.1).
 */

/** Minimum hessian, XGBoost's kEps for softmax. */
export const HESSIAN_FLOOR = 1e-16;

/** In place: row i of `F` (n × K, row-major) becomes softmax(F_i), computed with the row maximum subtracted. */
export function softmaxRowsInPlace(F: Float64Array, n: number, K: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = F[o]!;
    for (let k = 1; k < K; k++) if (F[o + k]! > mx) mx = F[o + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(F[o + k]! - mx);
      F[o + k] = e;
      s += e;
    }
    for (let k = 0; k < K; k++) F[o + k] = F[o + k]! / s;
  }
}

/**
 * Gradients and hessians of all K classes from the margins F (n × K). Writes class k into
 * gh[k * 2n + 2i] (g) and gh[k * 2n + 2i + 1] (h); `P` (n × K) receives the probabilities.
 * `w` may be undefined (unit weights). Base kernel: no validation, no allocation.
 *
 * One pass per row: the softmax is formed exactly as softmaxRowsInPlace does it (row maximum, exponentials,
 * their sum in class order, quotients), and the row's K gradient pairs follow while it is in registers.
 */
export function softmaxGradients(
  F: Float64Array,
  y: Int32Array,
  w: Float64Array | undefined,
  n: number,
  K: number,
  P: Float64Array,
  gh: Float64Array,
): void {
  if (K === 3) {
    softmaxGradients3(F, y, w, n, P, gh);
    return;
  }
  const stride = 2 * n;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = F[o]!;
    for (let k = 1; k < K; k++) if (F[o + k]! > mx) mx = F[o + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(F[o + k]! - mx);
      P[o + k] = e;
      s += e;
    }
    const wi = w ? w[i]! : 1;
    const yi = y[i]!;
    for (let k = 0; k < K; k++) {
      const p = P[o + k]! / s;
      P[o + k] = p;
      const g = (k === yi ? p - 1 : p) * wi;
      const h = 2 * p * (1 - p) * wi;
      gh[k * stride + 2 * i] = g;
      gh[k * stride + 2 * i + 1] = Math.max(h, HESSIAN_FLOOR);
    }
  }
}

/**
 * softmaxGradients for K = 3 (seed 003's up/flat/down target) with the row in locals: the same operations in
 * the same order as the general loop (max, exponentials, their sum e0 + e1 + e2, quotients), without the
 * inner loops and the round trips through P.
 */
function softmaxGradients3(
  F: Float64Array,
  y: Int32Array,
  w: Float64Array | undefined,
  n: number,
  P: Float64Array,
  gh: Float64Array,
): void {
  const s1 = 2 * n;
  const s2 = 4 * n;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const f0 = F[o]!;
    const f1 = F[o + 1]!;
    const f2 = F[o + 2]!;
    let mx = f0;
    if (f1 > mx) mx = f1;
    if (f2 > mx) mx = f2;
    const e0 = Math.exp(f0 - mx);
    const e1 = Math.exp(f1 - mx);
    const e2 = Math.exp(f2 - mx);
    const s = e0 + e1 + e2;
    const p0 = e0 / s;
    const p1 = e1 / s;
    const p2 = e2 / s;
    P[o] = p0;
    P[o + 1] = p1;
    P[o + 2] = p2;
    const wi = w ? w[i]! : 1;
    const yi = y[i]!;
    const j = 2 * i;
    gh[j] = (yi === 0 ? p0 - 1 : p0) * wi;
    gh[j + 1] = Math.max(2 * p0 * (1 - p0) * wi, HESSIAN_FLOOR);
    gh[s1 + j] = (yi === 1 ? p1 - 1 : p1) * wi;
    gh[s1 + j + 1] = Math.max(2 * p1 * (1 - p1) * wi, HESSIAN_FLOOR);
    gh[s2 + j] = (yi === 2 ? p2 - 1 : p2) * wi;
    gh[s2 + j + 1] = Math.max(2 * p2 * (1 - p2) * wi, HESSIAN_FLOOR);
  }
}

/**
 * The centred log-prior intercept of XGBoost ≥ 3.1: b_k = ln π_k − mean_j ln π_j, π_k = weighted class
 * frequency floored at 1e-6. Example: y = [0, 0, 1, 2] → π = [0.5, 0.25, 0.25], b = [0.462…, −0.231…, −0.231…].
 */
export function logPriorIntercept(y: Int32Array, w: Float64Array | undefined, K: number): Float64Array {
  const count = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i]! : 1;
    count[y[i]!]! += wi;
    total += wi;
  }
  const b = new Float64Array(K);
  let mean = 0;
  for (let k = 0; k < K; k++) {
    b[k] = Math.log(Math.max(count[k]! / total, 1e-6));
    mean += b[k]!;
  }
  mean /= K;
  for (let k = 0; k < K; k++) b[k] = b[k]! - mean;
  return b;
}
