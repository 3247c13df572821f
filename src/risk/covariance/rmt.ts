/**
 * RMT eigenvalue clipping on the correlation matrix, López de Prado's (2020) constant-residual variant,
 * exactly as methods.md §5 [S8]: C = corr(S₁), q = p/(T − 1), λ₊ = (1 + √q)², noise eigenvalues
 * (λ ≤ λ₊, including the zero ones when p > T − 1) replaced by their mean λ̄ = (p − Σ_signal λ)/|N|,
 * unit diagonal restored, and Σ̃ = σσᵀ ∘ C̃ (so diag Σ̃ = diag S₁).
 *
 * Representation (methods.md §5 table): Σ̃ = diag(σ_i² e_i² λ̄) + (D_σ E V_s)·diag(λ_s − λ̄)·(D_σ E V_s)ᵀ,
 * e_i = 1/√C̃_ii, with the signal eigenvectors V_s taken from the Gram matrix of the standardised window.
 */
import type { Panel } from '../../core/panel.ts';
import { StructuredCovariance } from '../../linalg/index.ts';
import { asWindow, type CovarianceOptions, diagonalC, fitted, shifted } from './common.ts';
import { operatorDiagnostics } from './diagnostics.ts';
import type { FittedCovariance } from './types.ts';
import type { CovarianceWindow } from './window.ts';

export interface RMTDetails {
  /** q = p/(T − 1). */
  readonly q: number;
  /** Marchenko–Pastur upper edge (1 + √q)². */
  readonly lambdaPlus: number;
  /** Informational lower edge (1 − √q)². */
  readonly lambdaMinus: number;
  readonly signalCount: number;
  /** |N| = p − signalCount. */
  readonly noiseCount: number;
  /** Mean noise eigenvalue λ̄ (NaN when every eigenvalue is signal). */
  readonly lambdaBar: number;
  readonly topEigenvalue: number;
}

export type RMTFit = FittedCovariance<'rmt', RMTDetails>;

export function fitRMT(w: CovarianceWindow): RMTFit {
  const { T, p } = w;
  const scale = 1 / (T - 1);
  const q = p / (T - 1);
  const lambdaPlus = (1 + Math.sqrt(q)) ** 2;
  const lambdaMinus = (1 - Math.sqrt(q)) ** 2;
  // Eigenvalues of C = ZᵀZ/(T − 1) are those of the small side scaled by 1/(T − 1).
  const { signal, top } = w.correlationSignalSpectrum(lambdaPlus / scale);
  // descending; loops rather than per-call callbacks, which cost a recompilation of this function at every
  // rebalance (docs/decisions/157 item 5)
  const ks = signal.values.length;
  const lamS = new Float64Array(ks);
  for (let s = 0; s < ks; s++) lamS[s] = signal.values[ks - 1 - s]! * scale;
  let signalSum = 0;
  for (let s = 0; s < ks; s++) signalSum += lamS[s]!;
  const noiseCount = p - ks;
  const lambdaBar = noiseCount > 0 ? (p - signalSum) / noiseCount : Number.NaN;
  const sd = w.sd();
  const topEigenvalue = top * scale;
  const details: RMTDetails = {
    q,
    lambdaPlus,
    lambdaMinus,
    signalCount: ks,
    noiseCount,
    lambdaBar,
    topEigenvalue,
  };
  if (ks === 0) {
    const diag = sd.map((s) => s * s);
    const op = new StructuredCovariance({ p, k: 0, diag, U: new Float64Array(0), C: new Float64Array(0) });
    return fitted('rmt', w, op, details, () => operatorDiagnostics(op, w, w.shrinkageStatistics()));
  }
  const order = new Array<number>(ks);
  for (let s = 0; s < ks; s++) order[s] = ks - 1 - s;
  const Vs = w.pSpaceVectors(signal, order, w.standardisedShared());
  const bar = noiseCount > 0 ? lambdaBar : 0;
  const A = new Float64Array(p);
  const U = new Float64Array(p * ks);
  for (let i = 0; i < p; i++) {
    let cii = bar;
    for (let s = 0; s < ks; s++) cii += (lamS[s]! - bar) * Vs[i * ks + s]! ** 2;
    const e = 1 / Math.sqrt(cii);
    A[i] = sd[i]! * sd[i]! * e * e * bar;
    for (let s = 0; s < ks; s++) U[i * ks + s] = sd[i]! * e * Vs[i * ks + s]!;
  }
  const op = new StructuredCovariance({ p, k: ks, diag: A, U, C: diagonalC(shifted(lamS, bar)) });
  return fitted('rmt', w, op, details, () => operatorDiagnostics(op, w, w.shrinkageStatistics()));
}

/** RMT-clipping estimator (style.md habit 5). */
export class RMTCovariance {
  constructor(readonly options: Readonly<CovarianceOptions> = {}) {}
  fit(returns: Panel | CovarianceWindow): RMTFit {
    return fitRMT(asWindow(returns, this.options));
  }
}

/** One-shot `new RMTCovariance(options).fit(returns)`. */
export function rmtCovariance(returns: Panel | CovarianceWindow, options: CovarianceOptions = {}): RMTFit {
  return new RMTCovariance(options).fit(returns);
}
