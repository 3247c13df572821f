/**
 * Triangular solves (BLAS dtrsv / left-side dtrsm), base tier, row-major. T is n × n at `T[offT]` with
 * leading dimension ldt; only its `upper` or lower triangle is read. op(T) = T or Tᵀ. Every variant is
 * arranged so that the inner loop runs along a row of T (a dot product or an axpy), i.e. over
 * contiguous memory. A zero pivot gives ±Infinity/NaN as IEEE division does; checked wrappers look first.
 */
import { daxpy, ddot } from './blas1.ts';

/** Solves op(T)·x = b in place (x holds b on entry). */
export function dtrsv(
  upper: boolean,
  trans: boolean,
  unitDiag: boolean,
  n: number,
  T: Float64Array,
  offT: number,
  ldt: number,
  x: Float64Array,
  offX: number,
  incX: number,
): void {
  if (!upper && !trans) {
    for (let i = 0; i < n; i++) {
      const r = offT + i * ldt;
      const v = x[offX + i * incX]! - ddot(i, T, r, 1, x, offX, incX);
      x[offX + i * incX] = unitDiag ? v : v / T[r + i]!;
    }
  } else if (upper && !trans) {
    for (let i = n - 1; i >= 0; i--) {
      const r = offT + i * ldt;
      const v = x[offX + i * incX]! - ddot(n - i - 1, T, r + i + 1, 1, x, offX + (i + 1) * incX, incX);
      x[offX + i * incX] = unitDiag ? v : v / T[r + i]!;
    }
  } else if (!upper && trans) {
    for (let i = n - 1; i >= 0; i--) {
      const r = offT + i * ldt;
      const xi = unitDiag ? x[offX + i * incX]! : x[offX + i * incX]! / T[r + i]!;
      x[offX + i * incX] = xi;
      daxpy(i, -xi, T, r, 1, x, offX, incX);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = offT + i * ldt;
      const xi = unitDiag ? x[offX + i * incX]! : x[offX + i * incX]! / T[r + i]!;
      x[offX + i * incX] = xi;
      daxpy(n - i - 1, -xi, T, r + i + 1, 1, x, offX + (i + 1) * incX, incX);
    }
  }
}

/** Solves op(T)·X = B in place for an n × q right-hand side B (row-major, leading dimension ldb). */
export function dtrsm(
  upper: boolean,
  trans: boolean,
  unitDiag: boolean,
  n: number,
  q: number,
  T: Float64Array,
  offT: number,
  ldt: number,
  B: Float64Array,
  offB: number,
  ldb: number,
): void {
  const scaleRow = (i: number) => {
    if (unitDiag) return;
    const inv = 1 / T[offT + i * ldt + i]!;
    const b = offB + i * ldb;
    for (let j = 0; j < q; j++) B[b + j] *= inv;
  };
  if (!upper && !trans) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++)
        daxpy(q, -T[offT + i * ldt + j]!, B, offB + j * ldb, 1, B, offB + i * ldb, 1);
      scaleRow(i);
    }
  } else if (upper && !trans) {
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++)
        daxpy(q, -T[offT + i * ldt + j]!, B, offB + j * ldb, 1, B, offB + i * ldb, 1);
      scaleRow(i);
    }
  } else if (!upper && trans) {
    for (let i = n - 1; i >= 0; i--) {
      scaleRow(i);
      for (let j = 0; j < i; j++)
        daxpy(q, -T[offT + i * ldt + j]!, B, offB + i * ldb, 1, B, offB + j * ldb, 1);
    }
  } else {
    for (let i = 0; i < n; i++) {
      scaleRow(i);
      for (let j = i + 1; j < n; j++)
        daxpy(q, -T[offT + i * ldt + j]!, B, offB + i * ldb, 1, B, offB + j * ldb, 1);
    }
  }
}
