/**
 * All estimators on one window, sharing its work (architecture.md §5): one centred window, one Gram
 * matrix, one covariance eigendecomposition (LW-2020, PCA, and the closed-form diagnostics), one
 * correlation eigendecomposition (RMT); LW and OAS need only traces of the Gram matrix.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { asWindow, type CovarianceOptions } from './common.ts';
import { fitLW2020 } from './lw2020.ts';
import { DEFAULT_PCA_FACTORS, fitPCA } from './pca.ts';
import { fitRMT } from './rmt.ts';
import { fitSampleCovariance } from './sample.ts';
import { fitLedoitWolf, fitOAS } from './shrinkage.ts';
import { COVARIANCE_METHODS, type CovarianceMethod, type FittedCovariance } from './types.ts';
import type { CovarianceWindow } from './window.ts';

export interface CovarianceSuiteOptions extends CovarianceOptions {
  /** Estimators to fit (default all six, in COVARIANCE_METHODS order). */
  readonly methods?: readonly CovarianceMethod[];
  readonly pcaFactors?: number;
}

export interface CovarianceSuite {
  readonly window: CovarianceWindow;
  readonly fits: ReadonlyMap<CovarianceMethod, FittedCovariance<CovarianceMethod, unknown>>;
}

/** Fits every requested estimator on one shared window. */
export function fitCovarianceSuite(
  returns: Panel | CovarianceWindow,
  options: CovarianceSuiteOptions = {},
): CovarianceSuite {
  const window = asWindow(returns, options);
  const methods = options.methods ?? COVARIANCE_METHODS;
  const fits = new Map<CovarianceMethod, FittedCovariance<CovarianceMethod, unknown>>();
  for (const m of methods) {
    switch (m) {
      case 'sample':
        fits.set(m, fitSampleCovariance(window));
        break;
      case 'ledoit_wolf':
        fits.set(m, fitLedoitWolf(window));
        break;
      case 'oas':
        fits.set(m, fitOAS(window));
        break;
      case 'lw2020':
        fits.set(m, fitLW2020(window));
        break;
      case 'rmt':
        fits.set(m, fitRMT(window));
        break;
      case 'pca':
        fits.set(m, fitPCA(window, options.pcaFactors ?? DEFAULT_PCA_FACTORS));
        break;
      default:
        throw new InvalidInputError(`unknown covariance method '${String(m)}'`, {
          where: { field: 'methods' },
        });
    }
  }
  return { window, fits };
}
