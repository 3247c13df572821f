/**
 * Ledoit–Wolf (2020) analytical nonlinear shrinkage, exactly as methods.md §5 [S4]: demean, n = T − 1,
 * S = XᵀX/n, Epanechnikov kernel density f̃ and its Hilbert transform Hf̃ of the m = min(p, n) largest
 * eigenvalues with bandwidth h = n^{−1/3}, then d̃_i (p ≤ n: eq. 4.9; p > n: C.8) and d̃_0 on the null space.
 *
 * Representation (methods.md §5 table): p > n → d̃_0·I + U_n·diag(d̃ − d̃_0)·U_nᵀ with U_n the p-space
 * eigenvectors from the T × T Gram matrix; p ≤ n → the p × p eigenbasis. Eigenvalues at or below
 * λ_max·q·ε count as null (exact collinearity), and the p > n branch then runs with the numerical rank r
 * in place of n in m and in the null share (p − r)/r; h keeps the true n.
 * d̃ is not sorted (it need not be monotone, R5.1) and the trace is not preserved.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { StructuredCovariance } from '../../linalg/index.ts';
import {
  asWindow,
  type CovarianceOptions,
  diagonalC,
  eigenbasisOperator,
  fitted,
  sharedSpectrumDiagnostics,
} from './common.ts';
import type { FittedCovariance, SharedEigenSpectrum } from './types.ts';
import type { CovarianceWindow } from './window.ts';

export interface LW2020Details {
  readonly n: number;
  readonly h: number;
  /** Numerical rank r of S (= min(p, n) unless collinear). */
  readonly rank: number;
  /** Shrunk eigenvalue on the null space (NaN when p ≤ n and S has full rank). */
  readonly d0: number;
  readonly dMax: number;
  readonly dMin: number;
}

export type LW2020Fit = FittedCovariance<'lw2020', LW2020Details>;

const SQRT5 = Math.sqrt(5);

const CH1 = 3 / (10 * Math.PI);
const CH2 = 3 / (4 * SQRT5 * Math.PI);
/** Beyond this |x| the closed form of K loses more digits than the series below (u = √5/x ≤ 0.28). */
const SERIES_FROM = 8;

/**
 * The Hilbert kernel K(x) = −(3/(10π))x + (3/(4√5π))(1 − x²/5)·ln|(√5 − x)/(√5 + x)| of methods.md §5
 * step 5, with K(±√5) = ∓3√5/(10π).
 *
 * For large |x| the two terms cancel to O(1/x): at x ≈ 10⁴ (an isolated top eigenvalue against a small
 * one) the closed form keeps only ~7 digits, so d̃ of the top eigenvalue moved in the 5th digit between
 * float64 implementations. With u = √5/x, artanh's series gives the exact expansion
 * K = −(3/(√5π)) Σ_{k≥0} u^{2k+1}/((2k+1)(2k+3)), used for |x| > 8 (docs/decisions/082-risk-lw2020-hilbert-kernel.md).
 */
export function lw2020HilbertKernel(x: number): number {
  const ax = Math.abs(x);
  if (ax === SQRT5) return -CH1 * x;
  if (ax <= SERIES_FROM) {
    return -CH1 * x + CH2 * (1 - (x * x) / 5) * Math.log(Math.abs((SQRT5 - x) / (SQRT5 + x)));
  }
  const u = SQRT5 / x;
  const u2 = u * u;
  let term = u;
  let sum = 0;
  for (let k = 0; k < 40; k++) {
    const add = term / ((2 * k + 1) * (2 * k + 3));
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
    term *= u2;
  }
  return (-3 / (SQRT5 * Math.PI)) * sum;
}

/**
 * Base kernel: for the r positive eigenvalues `lambda[0..r)` writes f̃_i into `f` and Hf̃_i into `Hf`
 * (methods.md §5 steps 3–5). O(r²).
 */
export function lw2020DensityAndHilbert(
  r: number,
  lambda: Float64Array,
  h: number,
  f: Float64Array,
  Hf: Float64Array,
): void {
  const cK = 3 / (4 * SQRT5);
  for (let i = 0; i < r; i++) {
    let fs = 0;
    let hs = 0;
    const li = lambda[i]!;
    for (let j = 0; j < r; j++) {
      const hl = h * lambda[j]!;
      const x = (li - lambda[j]!) / hl;
      const q = 1 - (x * x) / 5;
      if (q > 0) fs += (cK * q) / hl;
      hs += lw2020HilbertKernel(x) / hl;
    }
    f[i] = fs / r;
    Hf[i] = hs / r;
  }
}

/** The shrunk spectrum of LW-2020 on a window, before any p-space eigenvector is formed. */
export interface LW2020Spectrum {
  readonly n: number;
  readonly h: number;
  /** Indices (ascending) into the window's covariance spectrum of the r eigenvalues kept. */
  readonly indices: readonly number[];
  /** Sample eigenvalues λ_i = (eigenvalue of XᵀX)/n of those indices. */
  readonly lambda: Float64Array;
  /** Shrunk eigenvalues d̃_i (not sorted). */
  readonly d: Float64Array;
  /** d̃_0 on the null space (NaN when full rank). */
  readonly d0: number;
  /** r = p: Σ̃ lives on the whole p-space eigenbasis. */
  readonly fullRank: boolean;
}

/**
 * Steps 1–7 of methods.md §5's LW-2020 on the window's shared spectrum: which eigenvalues are kept, and their
 * shrunk values. O(r²); no p-space vector is formed, so a caller that already holds the window's eigenvectors
 * (the walk-forward shares one set among sample, LW, OAS and LW-2020) assembles Σ̃ without recomputing them.
 */
export function lw2020ShrunkSpectrum(w: CovarianceWindow): LW2020Spectrum {
  const { T, p } = w;
  const n = T - 1;
  if (n < 12) {
    throw new InvalidInputError(
      `LW-2020 needs n = T − 1 ≥ 12 (its p > n branch needs √5·h < 1), got T = ${T}`,
      {
        where: { field: 'lookback' },
      },
    );
  }
  const spec = w.covarianceSpectrum();
  const q = spec.q;
  const m = Math.min(p, n);
  const top = spec.values[q - 1]!;
  const tol = Math.max(top, 0) * q * Number.EPSILON;
  // Indices (ascending) of the m largest eigenvalues that are numerically non-zero.
  const idx: number[] = [];
  for (let i = q - m; i < q; i++) if (spec.values[i]! > tol) idx.push(i);
  const r = idx.length;
  if (r === 0)
    throw new InvalidInputError('LW-2020: the window has no variance', { where: { field: 'returns' } });
  const lambda = new Float64Array(r);
  for (let c = 0; c < r; c++) lambda[c] = spec.values[idx[c]!]! / n;
  const h = n ** (-1 / 3);
  const f = new Float64Array(r);
  const Hf = new Float64Array(r);
  lw2020DensityAndHilbert(r, lambda, h, f, Hf);
  const d = new Float64Array(r);
  const fullRank = r === p;
  let d0 = Number.NaN;
  if (fullRank) {
    const c = p / n;
    for (let i = 0; i < r; i++) {
      const a = Math.PI * c * lambda[i]! * f[i]!;
      const b = 1 - c - Math.PI * c * lambda[i]! * Hf[i]!;
      d[i] = lambda[i]! / (a * a + b * b);
    }
  } else {
    for (let i = 0; i < r; i++) {
      const l = lambda[i]!;
      d[i] = l / (Math.PI * Math.PI * l * l * (f[i]! ** 2 + Hf[i]! ** 2));
    }
    let meanInv = 0;
    for (let i = 0; i < r; i++) meanInv += 1 / lambda[i]!;
    meanInv /= r;
    const sh = SQRT5 * h;
    const Hf0 =
      (1 / Math.PI) *
      (3 / (10 * h * h) + (3 / (4 * SQRT5 * h)) * (1 - 1 / (5 * h * h)) * Math.log((1 + sh) / (1 - sh))) *
      meanInv;
    d0 = 1 / (Math.PI * ((p - r) / r) * Hf0);
  }
  return { n, h, indices: idx, lambda, d, d0, fullRank };
}

export function fitLW2020(w: CovarianceWindow): LW2020Fit {
  const { T, p } = w;
  const { n, h, indices: idx, lambda, d, d0, fullRank } = lw2020ShrunkSpectrum(w);
  const r = idx.length;
  const spec = w.covarianceSpectrum();
  const V = w.pSpaceVectors(spec, idx);
  let op: StructuredCovariance;
  if (fullRank) op = eigenbasisOperator(p, V, d);
  else {
    op = new StructuredCovariance({ p, k: r, diag: d0, U: V, C: diagonalC(d.map((x) => x - d0)) });
  }
  const shared: SharedEigenSpectrum = {
    sigma: Float64Array.of(...d, fullRank ? 0 : d0),
    s0: Float64Array.of(...lambda.map((l) => (l * n) / T), 0),
    mult: Float64Array.of(...d.map(() => 1), p - r),
  };
  let dMax = Number.NEGATIVE_INFINITY;
  let dMin = Number.POSITIVE_INFINITY;
  for (const x of d) {
    dMax = Math.max(dMax, x);
    dMin = Math.min(dMin, x);
  }
  if (!fullRank) {
    dMax = Math.max(dMax, d0);
    dMin = Math.min(dMin, d0);
  }
  return fitted('lw2020', w, op, { n, h, rank: r, d0, dMax, dMin }, sharedSpectrumDiagnostics(w, shared));
}

/** LW-2020 estimator (style.md habit 5). */
export class LedoitWolf2020 {
  constructor(readonly options: Readonly<CovarianceOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): LW2020Fit {
    return fitLW2020(asWindow(returns, this.options));
  }
}

/** One-shot `new LedoitWolf2020(options).fit(returns)`. */
export function ledoitWolf2020(
  returns: Panel | CovarianceWindow,
  options: CovarianceOptions = {},
): LW2020Fit {
  return new LedoitWolf2020(options).fit(returns);
}
