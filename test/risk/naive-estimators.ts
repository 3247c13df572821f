/**
 * Slow, obviously correct dense twins of the five estimators (style.md habit 3): each forms the p × p
 * matrices and follows methods.md §4–5 line by line.
 */
import { symmetricEigen } from '../../src/linalg/index.ts';
import { lw2020HilbertKernel } from '../../src/risk/covariance/lw2020.ts';
import { naiveCentre, naiveCov } from './reference-data.ts';

function eig(S: Float64Array, p: number) {
  const { values, vectors } = symmetricEigen(
    { rows: p, cols: p, data: S.slice() },
    { symmetryTolerance: 1e-8 },
  );
  return { values, V: vectors.data };
}

function fromEigen(p: number, V: Float64Array, d: ArrayLike<number>): Float64Array {
  const S = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += V[a * p + k]! * d[k]! * V[b * p + k]!;
      S[a * p + b] = s;
    }
  return S;
}

export function naiveShrinkage(T: number, p: number, R: Float64Array, method: 'lw' | 'oas'): Float64Array {
  const X = naiveCentre(T, p, R);
  const S0 = naiveCov(T, p, R, 0);
  let tr = 0;
  for (let i = 0; i < p; i++) tr += S0[i * p + i]!;
  const mu = tr / p;
  let fro = 0;
  for (const v of S0) fro += v * v;
  let rho: number;
  if (method === 'lw') {
    let delta2 = 0;
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) delta2 += (S0[a * p + b]! - (a === b ? mu : 0)) ** 2;
    delta2 /= p;
    let beta = 0;
    for (let t = 0; t < T; t++)
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++) beta += (X[t * p + a]! * X[t * p + b]! - S0[a * p + b]!) ** 2;
    beta /= T * T * p;
    const b2 = Math.min(beta, delta2);
    rho = p === 1 || b2 === 0 ? 0 : b2 / delta2;
  } else {
    const den = (T + 1) * (fro - (tr * tr) / p);
    rho = den === 0 ? 1 : Math.min(1, (fro + tr * tr) / den);
  }
  return S0.map((v, k) => (1 - rho) * v + (k % (p + 1) === 0 ? rho * mu : 0));
}

export function naiveLW2020(T: number, p: number, R: Float64Array): Float64Array {
  const n = T - 1;
  const S = naiveCov(T, p, R, 1);
  const { values, V } = eig(S, p);
  const m = Math.min(p, n);
  const lam = Array.from(values).slice(p - m);
  const h = n ** (-1 / 3);
  const s5 = Math.sqrt(5);
  const f: number[] = [];
  const H: number[] = [];
  for (let i = 0; i < m; i++) {
    let fs = 0;
    let hs = 0;
    for (let j = 0; j < m; j++) {
      const x = (lam[i]! - lam[j]!) / (h * lam[j]!);
      fs += ((3 / (4 * s5)) * Math.max(1 - (x * x) / 5, 0)) / (h * lam[j]!);
      // The kernel itself is checked against 60-digit values in covariance-reference.test.ts; its closed
      // form cancels catastrophically for large |x|, which would make this twin the inaccurate side.
      hs += lw2020HilbertKernel(x) / (h * lam[j]!);
    }
    f.push(fs / m);
    H.push(hs / m);
  }
  const d = new Float64Array(p);
  if (p <= n) {
    const c = p / n;
    for (let i = 0; i < p; i++) {
      const l = lam[i]!;
      d[i] = l / ((Math.PI * c * l * f[i]!) ** 2 + (1 - c - Math.PI * c * l * H[i]!) ** 2);
    }
  } else {
    const meanInv = lam.reduce((a, l) => a + 1 / l, 0) / m;
    const Hf0 =
      (1 / Math.PI) *
      (3 / (10 * h * h) +
        (3 / (4 * s5 * h)) * (1 - 1 / (5 * h * h)) * Math.log((1 + s5 * h) / (1 - s5 * h))) *
      meanInv;
    const d0 = 1 / (Math.PI * ((p - n) / n) * Hf0);
    for (let i = 0; i < p - n; i++) d[i] = d0;
    for (let i = 0; i < n; i++) {
      const l = lam[i]!;
      d[p - n + i] = l / (Math.PI ** 2 * l * l * (f[i]! ** 2 + H[i]! ** 2));
    }
  }
  return fromEigen(p, V, d);
}

export function naiveRMT(T: number, p: number, R: Float64Array): Float64Array {
  const S = naiveCov(T, p, R, 1);
  const sd = Array.from({ length: p }, (_, i) => Math.sqrt(S[i * p + i]!));
  const C = S.map((v, k) => v / (sd[Math.floor(k / p)]! * sd[k % p]!));
  const { values, V } = eig(C, p);
  const lp = (1 + Math.sqrt(p / (T - 1))) ** 2;
  const noise = Array.from(values).filter((l) => l <= lp);
  const signalSum = Array.from(values)
    .filter((l) => l > lp)
    .reduce((a, b) => a + b, 0);
  const bar = (p - signalSum) / noise.length;
  const Ct = fromEigen(
    p,
    V,
    values.map((l) => (l <= lp ? bar : l)),
  );
  return Ct.map((v, k) => {
    const a = Math.floor(k / p);
    const b = k % p;
    return (v / Math.sqrt(Ct[a * p + a]! * Ct[b * p + b]!)) * sd[a]! * sd[b]!;
  });
}

export function naivePCA(T: number, p: number, R: Float64Array, k: number): Float64Array {
  const S1 = naiveCov(T, p, R, 1);
  const { values, V } = eig(S1, p);
  const d = values.map((l, i) => (i >= p - k ? l : 0));
  const low = fromEigen(p, V, d);
  return low.map((v, q) => (q % (p + 1) === 0 ? S1[q]! : v));
}
