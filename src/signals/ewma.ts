/**
 * Exponentially weighted smoothing of a signal along time, the use alphalab gives to a spec's decay
 * half-life (methods.md Appendix A item 11: seed 002 defines `decay_halflife` and never uses it).
 *
 *   y_{t,i} = Σ_{k≥0} λ^k x_{t−k,i} / Σ_{k≥0} λ^k  over the non-NaN x_{t−k,i},  λ = 2^{−1/H},
 *
 * the bias-corrected ("adjusted") EWMA, so the first values are not pulled towards 0. It uses data ≤ t only.
 * A NaN input gives a NaN output for that cell (the stock has no signal today) while older values keep
 * decaying in the running sums. H = 0 means no smoothing.
 */
import { InvalidInputError } from '../core/errors.ts';

/**
 * Base kernel: smooths the date-major T×N panel `x` in place with decay factor `lambda`. `num` and `den`
 * are length-N scratch arrays (overwritten). No checks.
 */
export function ewmaSmoothInPlace(
  T: number,
  N: number,
  x: Float64Array,
  lambda: number,
  num: Float64Array,
  den: Float64Array,
): void {
  num.fill(0);
  den.fill(0);
  for (let t = 0; t < T; t++) {
    const base = t * N;
    for (let i = 0; i < N; i++) {
      const v = x[base + i]!;
      if (!Number.isNaN(v)) {
        const a = num[i]! * lambda + v;
        const b = den[i]! * lambda + 1;
        num[i] = a;
        den[i] = b;
        x[base + i] = a / b;
      } else {
        num[i] = num[i]! * lambda;
        den[i] = den[i]! * lambda;
      }
    }
  }
}

/** λ = 2^{−1/H} for half-life H in bars; H = 0 gives 0 (no memory). */
export function ewmaDecay(halfLife: number): number {
  if (!(halfLife >= 0) || !Number.isFinite(halfLife)) {
    throw new InvalidInputError(`half-life must be a finite number ≥ 0, got ${halfLife}`, {
      where: { field: 'halfLife' },
    });
  }
  return halfLife === 0 ? 0 : 2 ** (-1 / halfLife);
}

/**
 * EWMA-smoothed copy (or in place when `out === x`) of a date-major T×N panel with half-life `halfLife` bars.
 * Example: one column [1, 3] with H = 1 (λ = 0.5) → [1, (3 + 0.5)/(1 + 0.5)] = [1, 2.333…].
 */
export function ewmaSmooth(
  T: number,
  N: number,
  x: Float64Array,
  halfLife: number,
  out?: Float64Array,
): Float64Array {
  if (x.length !== T * N)
    throw new InvalidInputError(`panel has length ${x.length}, expected ${T}×${N}`, {
      where: { field: 'x' },
    });
  const o = out ?? new Float64Array(x);
  if (o !== x && out !== undefined) o.set(x);
  ewmaSmoothInPlace(T, N, o, ewmaDecay(halfLife), new Float64Array(N), new Float64Array(N));
  return o;
}
