/**
 * Level-1 base kernels (BLAS naming, stdlib-js `ndarray` calling convention): a length, then each vector as
 * (array, offset, stride). They neither allocate nor validate. NaN propagates as IEEE arithmetic does.
 */

/** Σ_i x_i·y_i. Example: ddot(3, [1,2,3], 0, 1, [4,5,6], 0, 1) = 32. */
export function ddot(
  n: number,
  x: Float64Array,
  offX: number,
  incX: number,
  y: Float64Array,
  offY: number,
  incY: number,
): number {
  if (incX === 1 && incY === 1) {
    // Four independent accumulators break the add dependency chain (about 3× faster in V8).
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n4 = n - (n % 4);
    let i = 0;
    for (; i < n4; i += 4) {
      s0 += x[offX + i]! * y[offY + i]!;
      s1 += x[offX + i + 1]! * y[offY + i + 1]!;
      s2 += x[offX + i + 2]! * y[offY + i + 2]!;
      s3 += x[offX + i + 3]! * y[offY + i + 3]!;
    }
    for (; i < n; i++) s0 += x[offX + i]! * y[offY + i]!;
    return s0 + s1 + (s2 + s3);
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += x[offX + i * incX]! * y[offY + i * incY]!;
  return s;
}

/** y ← α·x + y. */
export function daxpy(
  n: number,
  alpha: number,
  x: Float64Array,
  offX: number,
  incX: number,
  y: Float64Array,
  offY: number,
  incY: number,
): void {
  if (alpha === 0) return;
  if (incX === 1 && incY === 1) {
    for (let i = 0; i < n; i++) y[offY + i] += alpha * x[offX + i]!;
    return;
  }
  for (let i = 0; i < n; i++) y[offY + i * incY] += alpha * x[offX + i * incX]!;
}

/** x ← α·x. With α = 0 the result is exactly 0 (BLAS convention), even where x held NaN. */
export function dscal(n: number, alpha: number, x: Float64Array, offX: number, incX: number): void {
  if (alpha === 0) {
    for (let i = 0; i < n; i++) x[offX + i * incX] = 0;
    return;
  }
  for (let i = 0; i < n; i++) x[offX + i * incX] *= alpha;
}

/**
 * Euclidean norm √(Σ x_i²). The plain sum of squares is used unless it under- or overflows, in which case
 * the scaled two-pass form max|x|·√(Σ (x_i/max|x|)²) is used (as LAPACK dnrm2 guards, without its cost
 * on ordinary data). NaN in x gives NaN.
 */
export function dnrm2(n: number, x: Float64Array, offX: number, incX: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[offX + i * incX]!;
    s += v * v;
  }
  if (s > 1e-280 && s < 1e280) return Math.sqrt(s);
  if (Number.isNaN(s)) return s;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(x[offX + i * incX]!));
  if (scale === 0 || scale === Number.POSITIVE_INFINITY) return scale;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const v = x[offX + i * incX]! / scale;
    t += v * v;
  }
  return scale * Math.sqrt(t);
}
