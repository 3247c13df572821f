/**
 * MLSignalStrategy in src/backtest: a `decide` callback for `simulateWalkForward`. At decision index t it reads
 * the feature rows of t only (from the point-in-time view's date), predicts, and returns the position book's
 * target weights. Features come from a feature source keyed by the view's date index; with `featureSetSource`
 * that is a precomputed FeatureSet, whose calculators are property-tested to use nothing after t.
 */
import type { Decision } from '../../backtest/simulate.ts';
import type { PointInTimeView } from '../../backtest/view.ts';
import { type FeatureSet, featureMatrixAt } from '../features/feature-set.ts';
import type { FeatureMatrix } from '../gbdt/matrix.ts';
import type { MLSignalStrategy } from './strategy.ts';

/** Feature rows (one per ticker, in the view's ticker order) at the view's decision date. */
export type FeatureSource = (view: PointInTimeView) => FeatureMatrix;

/** Rows of a precomputed feature set, in the strategy's whitelist column order. */
export function featureSetSource(fs: FeatureSet, columns: readonly string[]): FeatureSource {
  const N = fs.tickers.length;
  const tickers = Int32Array.from({ length: N }, (_, i) => i);
  return (view) => featureMatrixAt(fs, new Int32Array(N).fill(view.t), tickers, columns);
}

/** The decide callback of simulateWalkForward for the strategy (signals → Kelly-sized, min-hold weights). */
export function mlStrategyDecide(
  strategy: MLSignalStrategy,
  features: FeatureSource,
): (view: PointInTimeView, held: Float64Array, k: number) => Decision {
  let book: ReturnType<MLSignalStrategy['positionBook']> | undefined;
  return (view) => {
    book ??= strategy.positionBook(view.tickers);
    const signals = strategy.generateSignals(view.date, view.tickers, features(view));
    const weights = book.update(view.t, signals);
    return {
      weights,
      info: {
        signals: signals.length,
        long: signals.filter((s) => s.direction === 'LONG').length,
        short: signals.filter((s) => s.direction === 'SHORT').length,
      },
    };
  };
}
