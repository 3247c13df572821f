/**
 * Small dense ordinary least squares with classical and Newey–West (HAC) standard errors (methods.md §3,
 * §8). Solved by Householder QR of the n×k design (k small: CAPM, decay fits, rolling exposures), never
 * by forming X′X. Rows with a NaN in y or any column of X are dropped (listwise deletion, methods.md §0).
 *
 * HAC follows statsmodels `cov_hac_simple` with `use_correction=False` [S2]:
 *   V = (X′X)⁻¹ Ŝ (X′X)⁻¹,  Ŝ = Σ_{j=−L..L} w_j Σ_t u_t u′_{t−j},  u_t = x_t e_t,  w_j = 1 − |j|/(L + 1),
 * i.e. Bartlett weights, 1/n autocovariances (absorbed by the sandwich) and no small-sample factor.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkNonNegativeInteger, checkPositiveInteger } from './checks.ts';

/** A diagonal of R below this × the largest makes the design rank-deficient: every output is NaN. */
const RANK_TOLERANCE = 1e-12;

export interface OlsFit {
  /** Complete rows used. */
  readonly n: number;
  /** Number of regressors (columns of X, including any intercept column). */
  readonly k: number;
  readonly coefficients: Float64Array;
  /** Classical standard errors √(σ̂² [(X′X)⁻¹]_jj), σ̂² = RSS/(n − k). */
  readonly standardErrors: Float64Array;
  readonly tStats: Float64Array;
  /** Residuals e_t of the complete rows, in row order (length n). */
  readonly residuals: Float64Array;
  /** σ̂² = RSS/(n − k). */
  readonly residualVariance: number;
  /** (X′X)⁻¹, k×k row-major. */
  readonly xtxInverse: Float64Array;
  /** The complete rows of X (n×k row-major), kept for HAC. */
  readonly design: Float64Array;
}

function nanFit(n: number, k: number, design: Float64Array): OlsFit {
  const nan = () => new Float64Array(k).fill(Number.NaN);
  return {
    n,
    k,
    coefficients: nan(),
    standardErrors: nan(),
    tStats: nan(),
    residuals: new Float64Array(n).fill(Number.NaN),
    residualVariance: Number.NaN,
    xtxInverse: new Float64Array(k * k).fill(Number.NaN),
    design,
  };
}

/**
 * OLS of `y` (length T) on the T×k row-major design `X`. Returns NaN estimates when fewer than k + 1
 * complete rows remain or X is rank-deficient (e.g. a constant regressor beside the intercept).
 * Example (R2.2): y = r_i, X = [1, r_m] gives coefficients [α, β] = [−0.001593065693430657, 1.2807612095933265].
 */
export function ols(y: Float64Array, X: Float64Array, k: number): OlsFit {
  checkPositiveInteger('k', k);
  if (X.length !== y.length * k) {
    throw new InvalidInputError(
      `design X has length ${X.length}, expected y.length × k = ${y.length} × ${k}`,
      {
        where: { field: 'X' },
      },
    );
  }
  const T = y.length;
  const rows: number[] = [];
  for (let t = 0; t < T; t++) {
    let ok = !Number.isNaN(y[t]!);
    for (let j = 0; ok && j < k; j++) ok = !Number.isNaN(X[t * k + j]!);
    if (ok) rows.push(t);
  }
  const n = rows.length;
  const A = new Float64Array(n * k);
  const b = new Float64Array(n);
  rows.forEach((t, r) => {
    b[r] = y[t]!;
    for (let j = 0; j < k; j++) A[r * k + j] = X[t * k + j]!;
  });
  const design = A.slice();
  if (n <= k) return nanFit(n, k, design);
  // Householder QR in place: A becomes R above the diagonal; b becomes Q′y.
  const rDiag = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let r = j; r < n; r++) norm = Math.hypot(norm, A[r * k + j]!);
    const alpha = A[j * k + j]! > 0 ? -norm : norm;
    rDiag[j] = alpha;
    if (norm === 0) continue;
    // v = a_j − alpha e_j, stored in column j from row j down.
    A[j * k + j] = A[j * k + j]! - alpha;
    let vv = 0;
    for (let r = j; r < n; r++) vv += A[r * k + j]! * A[r * k + j]!;
    if (vv === 0) continue;
    for (let c = j + 1; c < k; c++) {
      let dot = 0;
      for (let r = j; r < n; r++) dot += A[r * k + j]! * A[r * k + c]!;
      const f = (2 * dot) / vv;
      for (let r = j; r < n; r++) A[r * k + c] = A[r * k + c]! - f * A[r * k + j]!;
    }
    let dot = 0;
    for (let r = j; r < n; r++) dot += A[r * k + j]! * b[r]!;
    const f = (2 * dot) / vv;
    for (let r = j; r < n; r++) b[r] = b[r]! - f * A[r * k + j]!;
  }
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(rDiag[j]!));
  for (let j = 0; j < k; j++)
    if (!(Math.abs(rDiag[j]!) > RANK_TOLERANCE * maxDiag)) return nanFit(n, k, design);
  const R = (i: number, j: number) => (i === j ? rDiag[i]! : A[i * k + j]!);
  const coefficients = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let acc = b[i]!;
    for (let j = i + 1; j < k; j++) acc -= R(i, j) * coefficients[j]!;
    coefficients[i] = acc / R(i, i);
  }
  // R⁻¹ (upper triangular), then (X′X)⁻¹ = R⁻¹ R⁻ᵀ.
  const Rinv = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let i = c; i >= 0; i--) {
      let acc = i === c ? 1 : 0;
      for (let j = i + 1; j <= c; j++) acc -= R(i, j) * Rinv[j * k + c]!;
      Rinv[i * k + c] = acc / R(i, i);
    }
  }
  const xtxInverse = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let m = Math.max(i, j); m < k; m++) acc += Rinv[i * k + m]! * Rinv[j * k + m]!;
      xtxInverse[i * k + j] = acc;
    }
  }
  const residuals = new Float64Array(n);
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let fit = 0;
    for (let j = 0; j < k; j++) fit += design[r * k + j]! * coefficients[j]!;
    const e = y[rows[r]!]! - fit;
    residuals[r] = e;
    rss += e * e;
  }
  const residualVariance = rss / (n - k);
  const standardErrors = new Float64Array(k);
  const tStats = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    standardErrors[j] = Math.sqrt(residualVariance * xtxInverse[j * k + j]!);
    tStats[j] = coefficients[j]! / standardErrors[j]!;
  }
  return { n, k, coefficients, standardErrors, tStats, residuals, residualVariance, xtxInverse, design };
}

/**
 * Newey–West lag choice (methods.md §3): L = max(h, ⌊4(n/100)^{2/9}⌋); with h = 0 (non-overlapping
 * samples, CAPM) only the Newey–West (1994) rule that statsmodels uses when nlags is None.
 * Example: neweyWestLags(10, 5) = 5; neweyWestLags(8) = 2.
 */
export function neweyWestLags(n: number, horizon = 0): number {
  checkNonNegativeInteger('n', n);
  checkNonNegativeInteger('horizon', horizon);
  return Math.max(horizon, Math.floor(4 * (n / 100) ** (2 / 9)));
}

/**
 * HAC covariance (X′X)⁻¹ Ŝ (X′X)⁻¹ of the coefficients of `fit` with `lags` Bartlett lags and no
 * small-sample correction [S2]. k×k row-major.
 */
export function neweyWestCovariance(fit: OlsFit, lags: number): Float64Array {
  checkNonNegativeInteger('lags', lags);
  const { n, k, design, residuals, xtxInverse } = fit;
  const u = new Float64Array(n * k);
  for (let t = 0; t < n; t++) for (let j = 0; j < k; j++) u[t * k + j] = design[t * k + j]! * residuals[t]!;
  const S = new Float64Array(k * k);
  for (let lag = 0; lag <= Math.min(lags, n - 1); lag++) {
    const w = 1 - lag / (lags + 1);
    for (let a = 0; a < k; a++) {
      for (let c = 0; c < k; c++) {
        let g = 0;
        for (let t = lag; t < n; t++) g += u[t * k + a]! * u[(t - lag) * k + c]!;
        // Γ_j + Γ_j′ for j ≥ 1; Γ_0 once.
        S[a * k + c] = S[a * k + c]! + w * g;
        if (lag > 0) S[c * k + a] = S[c * k + a]! + w * g;
      }
    }
  }
  const tmp = new Float64Array(k * k);
  const V = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let m = 0; m < k; m++) acc += xtxInverse[a * k + m]! * S[m * k + c]!;
      tmp[a * k + c] = acc;
    }
  }
  for (let a = 0; a < k; a++) {
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let m = 0; m < k; m++) acc += tmp[a * k + m]! * xtxInverse[m * k + c]!;
      V[a * k + c] = acc;
    }
  }
  return V;
}

/** HAC standard errors √diag of {@link neweyWestCovariance}. */
export function neweyWestStandardErrors(fit: OlsFit, lags: number): Float64Array {
  const V = neweyWestCovariance(fit, lags);
  return Float64Array.from({ length: fit.k }, (_, j) => Math.sqrt(V[j * fit.k + j]!));
}

/**
 * Newey–West standard error of the mean of the non-NaN values of `x`: √(Ŝ/n), Ŝ = γ̂_0 + 2Σ_{j=1}^{L}
 * (1 − j/(L+1)) γ̂_j, γ̂_j = (1/n)Σ_{t>j}(x_t − x̄)(x_{t−j} − x̄) (methods.md §3). NaN if n < 2.
 * Example (R3.2, L = 5): 0.003678767909685706.
 */
export function neweyWestMeanStandardError(x: Float64Array, lags: number): number {
  checkNonNegativeInteger('lags', lags);
  const v: number[] = [];
  for (let t = 0; t < x.length; t++) if (!Number.isNaN(x[t]!)) v.push(x[t]!);
  const n = v.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (const a of v) mean += a;
  mean /= n;
  let S = 0;
  for (let j = 0; j <= Math.min(lags, n - 1); j++) {
    let g = 0;
    for (let t = j; t < n; t++) g += (v[t]! - mean) * (v[t - j]! - mean);
    g /= n;
    S += j === 0 ? g : 2 * (1 - j / (lags + 1)) * g;
  }
  return Math.sqrt(S / n);
}
