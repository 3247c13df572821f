/** methods.md §5 reference data: R[t−1, j] = sin(0.7t)(0.5 + 0.1j) + 0.8 sin(1.3 t (j + 2)), t = 1..T. */
export function methodsR5(T: number, p: number): Float64Array {
  const R = new Float64Array(T * p);
  for (let t = 1; t <= T; t++) {
    for (let j = 0; j < p; j++)
      R[(t - 1) * p + j] = Math.sin(0.7 * t) * (0.5 + 0.1 * j) + 0.8 * Math.sin(1.3 * t * (j + 2));
  }
  return R;
}

/** Slow, obvious dense twins of the estimators' ingredients (style.md habit 3). */
export function naiveCentre(T: number, p: number, R: Float64Array): Float64Array {
  const X = new Float64Array(T * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += R[t * p + j]!;
    m /= T;
    for (let t = 0; t < T; t++) X[t * p + j] = R[t * p + j]! - m;
  }
  return X;
}

export function naiveCov(T: number, p: number, R: Float64Array, ddof: number): Float64Array {
  const X = naiveCentre(T, p, R);
  const S = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += X[t * p + a]! * X[t * p + b]!;
      S[a * p + b] = s / (T - ddof);
    }
  }
  return S;
}
