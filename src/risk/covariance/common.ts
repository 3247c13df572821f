/**
 * Pieces shared by the estimators: turning the caller's input into a CovarianceWindow, and the two
 * structured forms of methods.md §5's representation table.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { StructuredCovariance, transposeInto } from '../../linalg/index.ts';
import { closedFormDiagnostics } from './diagnostics.ts';
import type {
  CovarianceDiagnostics,
  CovarianceMethod,
  FittedCovariance,
  SharedEigenSpectrum,
} from './types.ts';
import { CovarianceWindow } from './window.ts';
import type { WindowOptions } from './window-extract.ts';

/** Options every estimator accepts: the window and its missing-data policy (window-extract.ts). */
export type CovarianceOptions = WindowOptions;

/** A panel is cut into a window with `options`; a ready window is used as it is (shared work). */
export function asWindow(
  returns: Panel | CovarianceWindow,
  options: CovarianceOptions = {},
): CovarianceWindow {
  const w = returns instanceof CovarianceWindow ? returns : CovarianceWindow.fromPanel(returns, options);
  if (w.T < 2) {
    throw new InvalidInputError(
      `a covariance needs at least 2 dates after the missing-data policy, got ${w.T}`,
      {
        where: { field: 'returns' },
      },
    );
  }
  if (w.p < 1)
    throw new InvalidInputError('no stock has enough history in the window', { where: { field: 'returns' } });
  return w;
}

const sharedTransposes = new WeakMap<CovarianceWindow, Float64Array>();

/**
 * U = Xᵀ/√T (p × T) for the Gram-side forms "A + (Xᵀ/√T) C (Xᵀ/√T)ᵀ", computed once per window and shared
 * (read-only) by the Sample, LW and OAS operators.
 */
export function sharedScaledTranspose(w: CovarianceWindow): Float64Array {
  let U = sharedTransposes.get(w);
  if (U === undefined) {
    U = new Float64Array(w.p * w.T);
    transposeInto(w.T, w.p, w.X, 0, w.p, U, 0, w.T);
    const alpha = 1 / Math.sqrt(w.T);
    for (let k = 0; k < U.length; k++) U[k]! *= alpha;
    sharedTransposes.set(w, U);
  }
  return U;
}

/**
 * The Gram-side form a·I + (Xᵀ/√T)·(c·I)·(Xᵀ/√T)ᵀ = a·I + (c/T)·XᵀX of the sample (a = 0, c = T/(T − 1)),
 * Ledoit–Wolf and OAS (a = ρμ, c = 1 − ρ) estimators when T ≤ p, sharing U = Xᵀ/√T between them.
 */
export function gramSideOperator(w: CovarianceWindow, a: number, c: number): StructuredCovariance {
  const T = w.T;
  const C = new Float64Array(T * T);
  for (let i = 0; i < T; i++) C[i * T + i] = c;
  return new StructuredCovariance({ p: w.p, k: T, diag: a, U: sharedScaledTranspose(w), C });
}

/*
 * Small per-fit maps of spectra as module functions with loops: `map`/`from` with an arrow over a fit's values
 * made a closure per call, and the fits that run at every rebalance were recompiled for each (decision 157).
 */

/** values[idx[c]] for each c, a new array. */
export function gathered(values: ArrayLike<number>, idx: readonly number[]): Float64Array {
  const y = new Float64Array(idx.length);
  for (let c = 0; c < idx.length; c++) y[c] = values[idx[c]!]!;
  return y;
}

/** scale·x entrywise, a new array. */
export function scaled(x: Float64Array, scale: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = scale * x[i]!;
  return y;
}

/** x − a entrywise, a new array. */
export function shifted(x: Float64Array, a: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! - a;
  return y;
}

/** A diagonal k × k matrix. */
export function diagonalC(c: ArrayLike<number>): Float64Array {
  const k = c.length;
  const C = new Float64Array(k * k);
  for (let i = 0; i < k; i++) C[i * k + i] = c[i]!;
  return C;
}

/**
 * Σ = Σ_i σ_i v_i v_iᵀ over the full p-space eigenbasis V (p × p), written as a·I + V·diag(σ − a)·Vᵀ
 * with a = max(min σ, 0) so Woodbury applies whenever Σ is positive definite.
 */
export function eigenbasisOperator(p: number, V: Float64Array, sigma: Float64Array): StructuredCovariance {
  let a = Number.POSITIVE_INFINITY;
  for (const s of sigma) a = Math.min(a, s);
  a = Math.max(a, 0);
  const c = sigma.map((s) => s - a);
  return new StructuredCovariance({ p, k: sigma.length, diag: a, U: V, C: diagonalC(c) });
}

/** Builds the immutable fitted result with lazily computed, cached diagnostics. */
export function fitted<M extends CovarianceMethod, D>(
  method: M,
  w: CovarianceWindow,
  covariance: StructuredCovariance,
  details: D,
  diagnose: () => CovarianceDiagnostics,
): FittedCovariance<M, D> {
  let cache: CovarianceDiagnostics | undefined;
  return Object.freeze({
    method,
    tickers: w.tickers,
    T: w.T,
    p: w.p,
    covariance,
    details: Object.freeze(details),
    diagnostics(): CovarianceDiagnostics {
      cache ??= diagnose();
      return cache;
    },
  });
}

/** Closed-form diagnostics for a spectrum shared with S₀ (see diagnostics.ts). */
export function sharedSpectrumDiagnostics(
  w: CovarianceWindow,
  spec: SharedEigenSpectrum | (() => SharedEigenSpectrum),
): () => CovarianceDiagnostics {
  return () => closedFormDiagnostics(typeof spec === 'function' ? spec() : spec, w.shrinkageStatistics());
}

/**
 * The window's covariance spectrum as a shared spectrum: eigenvalue map `f(λ)` of Σ̂ on the non-null
 * directions (λ = eigenvalue of XᵀX), `f0` on the p − q null directions the small side does not see.
 */
export function mapWindowSpectrum(
  w: CovarianceWindow,
  f: (lambda: number) => number,
  f0: number,
): SharedEigenSpectrum {
  const spec = w.covarianceSpectrum();
  const q = spec.q;
  const sigma = new Float64Array(q + 1);
  const s0 = new Float64Array(q + 1);
  const mult = new Float64Array(q + 1);
  for (let i = 0; i < q; i++) {
    const l = Math.max(spec.values[i]!, 0);
    sigma[i] = f(l);
    s0[i] = l / w.T;
    mult[i] = 1;
  }
  sigma[q] = f0;
  mult[q] = w.p - q;
  return { sigma, s0, mult };
}
