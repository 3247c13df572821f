/**
 * Cross-asset features (seed 003 calculator 3) against the universe's benchmark series (values dated ≤ t):
 *   corr_market_60 / beta_market_60 — rolling 60-day Pearson correlation and OLS beta of the stock's daily
 *     simple returns on the `market` index returns (complete windows, NaN on a degenerate variance);
 *   rel_strength_market_20 — (C_t/C_{t−20}) / (M_t/M_{t−20}) − 1, the 20-day price relative to the market
 *     (a ratio of prices, not of returns: seed 003's "symbol return / SPY return" explodes near a zero return);
 *   rel_strength_sector_20 — the same against the stock's `sector:<name>` index;
 *   vix_level, vix_change_5 — the volatility index and its 5-day relative change.
 */
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';
import type { FeatureBlock, FeatureCalculator } from './types.ts';

export const CROSS_ASSET_FEATURES = [
  'corr_market_60',
  'beta_market_60',
  'rel_strength_market_20',
  'rel_strength_sector_20',
  'vix_level',
  'vix_change_5',
] as const;

/** r_t = x_t / x_{t−1} − 1 of a series (NaN at t = 0 or for a non-positive base). */
function seriesReturns(x: Float64Array): Float64Array {
  const r = new Float64Array(x.length).fill(Number.NaN);
  for (let t = 1; t < x.length; t++) if (x[t - 1]! > 0) r[t] = x[t]! / x[t - 1]! - 1;
  return r;
}

function computeCrossAsset(u: Universe, ops: PanelOps): FeatureBlock {
  const { T, N } = ops;
  const C = u.panels.get('close')?.values ?? ops.alloc();
  const nanSeries = new Float64Array(T).fill(Number.NaN);
  const market = u.series.get('market') ?? nanSeries;
  const ret = ops.change(C, 1);
  const { corr, beta } = ops.corrBeta(ret, seriesReturns(market), 60);

  const rel20 = (series: (i: number) => Float64Array) => {
    const out = ops.alloc();
    for (let t = 20; t < T; t++) {
      for (let i = 0; i < N; i++) {
        const s = series(i);
        const a = C[t * N + i]!;
        const b = C[(t - 20) * N + i]!;
        const m1 = s[t]!;
        const m0 = s[t - 20]!;
        if (a > 0 && b > 0 && m1 > 0 && m0 > 0) out[t * N + i] = a / b / (m1 / m0) - 1;
      }
    }
    return out;
  };
  const sectorSeries = u.sectors.map((s) => u.series.get(`sector:${s}`) ?? nanSeries);
  const vix = u.series.get('vix') ?? nanSeries;
  const vixLevel = ops.alloc();
  const vixChange = ops.alloc();
  for (let t = 0; t < T; t++) {
    const v = vix[t]!;
    const c = t >= 5 && vix[t - 5]! > 0 ? v / vix[t - 5]! - 1 : Number.NaN;
    vixLevel.fill(v, t * N, t * N + N);
    vixChange.fill(c, t * N, t * N + N);
  }
  return {
    family: 'cross_asset',
    names: [...CROSS_ASSET_FEATURES],
    columns: [
      corr,
      beta,
      rel20(() => market),
      rel20((i) => sectorSeries[u.sectorOf[i]!]!),
      vixLevel,
      vixChange,
    ],
  };
}

export const crossAssetCalculator: FeatureCalculator = {
  family: 'cross_asset',
  names: () => [...CROSS_ASSET_FEATURES],
  compute: (u, ops) => computeCrossAsset(u, ops),
};
