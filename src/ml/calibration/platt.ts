/**
 * Binary Platt scaling as scikit-learn defines it, methods.md §9.7 [S10, S20].
 *
 * Targets t_i = (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for negatives (N± = weighted class totals).
 * (A, B) minimise L = Σ ω_i [−t_i ln P_i − (1 − t_i) ln(1 − P_i)], P_i = 1/(1 + exp(A f_i + B)), from
 * A = 0, B = ln((N₋ + 1)/(N₊ + 1)). With z = A f + B: L = Σ ω [softplus(z) − (1 − t) z], ∂L/∂z = t − P,
 * ∂²L/∂z² = P(1 − P), so Newton's method with a backtracking line search converges to the exact optimum;
 * we stop when the gradient of the mean loss is below 1e-12, or at the float floor when a huge sample keeps
 * it a little above while Newton steps fall below 1e-15 of the parameters (scikit-learn's BFGS / L-BFGS-B stop near it,
 * ~1e-6 away: Appendix A item 8). R9.7: A = −4.627040018596754, B = 2.2561512608316767.
 */
import { InvalidInputError, NotConvergedError } from '../../core/errors.ts';

export interface PlattScaler {
  readonly A: number;
  readonly B: number;
  /** Newton iterations used. */
  readonly iterations: number;
  /** |∇| (max-norm) of the mean loss at (A, B). */
  readonly gradientNorm: number;
}

/** Calibrated probability 1/(1 + exp(A f + B)), computed without overflow. */
export function plattProbability(s: Pick<PlattScaler, 'A' | 'B'>, f: number): number {
  const z = s.A * f + s.B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export const PLATT_GRADIENT_TOLERANCE = 1e-12;

/**
 * Fits (A, B) on scores f and binary outcomes y (0/1 or booleans), optional weights. Degenerate input: a
 * constant score (no information on A) fits A = 0 and B alone; n = 0 or zero total weight throws.
 */
export function fitPlatt(
  f: ArrayLike<number>,
  y: ArrayLike<number | boolean>,
  weights?: ArrayLike<number>,
): PlattScaler {
  const n = f.length;
  if (y.length !== n) throw new InvalidInputError(`Platt scaling: ${n} scores and ${y.length} outcomes`);
  if (weights && weights.length !== n)
    throw new InvalidInputError(`Platt scaling: ${n} scores and ${weights.length} weights`);
  let Np = 0;
  let Nn = 0;
  let fMin = Number.POSITIVE_INFINITY;
  let fMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const fi = f[i]!;
    if (!Number.isFinite(fi))
      throw new InvalidInputError(`Platt scaling: score ${fi} is not finite`, { where: { row: i } });
    const w = weights ? weights[i]! : 1;
    if (!(w >= 0 && Number.isFinite(w)))
      throw new InvalidInputError(`Platt scaling: weight ${w} is not finite and ≥ 0`, { where: { row: i } });
    const yi = y[i];
    if (!(yi === 0 || yi === 1 || yi === true || yi === false))
      throw new InvalidInputError(`Platt scaling: outcome ${String(yi)} is not 0/1`, { where: { row: i } });
    if (yi === 1 || yi === true) Np += w;
    else Nn += w;
    if (w > 0) {
      fMin = Math.min(fMin, fi);
      fMax = Math.max(fMax, fi);
    }
  }
  const W = Np + Nn;
  if (!(W > 0)) throw new InvalidInputError('Platt scaling needs at least one sample with positive weight');
  const tPos = (Np + 1) / (Np + 2);
  const tNeg = 1 / (Nn + 2);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = y[i] === 1 || y[i] === true ? tPos : tNeg;
  const w = (i: number) => (weights ? weights[i]! : 1);
  const loss = (A: number, B: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = A * f[i]! + B;
      s += w(i) * (softplus(z) - (1 - t[i]!) * z);
    }
    return s / W;
  };
  const constantScore = !(fMax > fMin);
  let A = 0;
  let B = Math.log((Nn + 1) / (Np + 1));
  let L = loss(A, B);
  let gNorm = Number.POSITIVE_INFINITY;
  const maxIter = 100;
  for (let it = 0; it <= maxIter; it++) {
    let gA = 0;
    let gB = 0;
    let hAA = 0;
    let hAB = 0;
    let hBB = 0;
    for (let i = 0; i < n; i++) {
      const fi = f[i]!;
      const P = plattProbability({ A, B }, fi);
      const r = (w(i) * (t[i]! - P)) / W;
      const c = (w(i) * P * (1 - P)) / W;
      gA += r * fi;
      gB += r;
      hAA += c * fi * fi;
      hAB += c * fi;
      hBB += c;
    }
    if (constantScore) gA = 0;
    gNorm = Math.max(Math.abs(gA), Math.abs(gB));
    if (gNorm < PLATT_GRADIENT_TOLERANCE) return { A, B, iterations: it, gradientNorm: gNorm };
    if (it === maxIter) break;
    let dA: number;
    let dB: number;
    const det = hAA * hBB - hAB * hAB;
    if (constantScore || !(det > 1e-300)) {
      dA = 0;
      dB = -gB / hBB;
    } else {
      dA = -(hBB * gA - hAB * gB) / det;
      dB = -(hAA * gB - hAB * gA) / det;
    }
    // Close to the optimum the loss differences sink below its rounding level, so a line search there only
    // shrinks good steps; pure Newton converges quadratically. Far from it, backtracking (Armijo) keeps each
    // step a descent step.
    let step = 1;
    if (gNorm > 1e-6) {
      const slope = gA * dA + gB * dB;
      while (step > 1e-10 && !(loss(A + step * dA, B + step * dB) <= L + 1e-4 * step * slope)) step /= 2;
    }
    A += step * dA;
    B += step * dB;
    L = loss(A, B);
    // At the float floor (a step below 1e-15 of the parameters) the gradient cannot shrink further.
    if (gNorm < 1e-9 && Math.abs(dA) + Math.abs(dB) < 1e-15 * (Math.abs(A) + Math.abs(B))) {
      return { A, B, iterations: it + 1, gradientNorm: gNorm };
    }
  }
  throw new NotConvergedError('Platt scaling (Newton)', maxIter, { gradient: gNorm });
}
