import { describe, expect, it } from 'vitest';
import type { Panel } from '../../src/core/panel.ts';
import { generateSyntheticMarket } from '../../src/data/index.ts';
import { WalkForwardFactorModel } from '../../src/pipeline/walk-forward-factor-model.ts';
import { residualRingOptions } from '../../src/pipeline/walk-forward-residuals.ts';
import { fitFamaMacBeth } from '../../src/risk/factor-model/fama-macbeth.ts';
import { defaultLoadings, logReturnsFromUniverse } from '../../src/risk/factor-model/loadings.ts';
import type { FamaMacBethResult, LoadingInput } from '../../src/risk/factor-model/types.ts';

const { universe } = generateSyntheticMarket({ stocks: 60, days: 330, seed: 5 });
const returns = logReturnsFromUniverse(universe)!;
const { loadings } = defaultLoadings(universe, returns);
const options = { lookback: 120, minDates: 60, minTickers: 30 };

/** Everything a caller can read from a result, with typed arrays as plain arrays (bit-exact comparison). */
function plain(r: FamaMacBethResult): unknown {
  if (r.status !== 'ok') return r;
  const m = r.model;
  return {
    diagnostics: r.diagnostics,
    tickers: m.tickers,
    factors: m.factors,
    B: Array.from(m.B),
    F: Array.from(m.F),
    D: Array.from(m.D),
    specificObs: Array.from(m.specificObs),
    dates: m.factorReturnDates,
    fHat: Array.from(m.factorReturns),
    premia: m.premia,
    skipped: m.skippedDates,
  };
}

function expectSameAsFullFit(ret: Panel, load: readonly LoadingInput[], ends: number[]) {
  const rolling = new WalkForwardFactorModel(ret, load, options);
  for (const end of ends) {
    const full = fitFamaMacBeth(ret, load, { end, ...options });
    expect(plain(rolling.fit(end))).toEqual(plain(full));
  }
}

describe('walk-forward Fama–MacBeth model (cross-sections computed once)', () => {
  it('equals fitFamaMacBeth bit for bit at every rebalance, including the short early windows', () => {
    expect(loadings.length).toBeGreaterThan(2);
    // 30 and 50 are below minDates (skipped by the full fit's rule); later windows slide by 21
    expectSameAsFullFit(
      returns,
      loadings,
      [30, 50, 70, 91, 112, 133, 154, 175, 196, 217, 238, 259, 280, 329],
    );
  });

  it('falls back to the full fit when a window holds a malformed value, and agrees with it', () => {
    const values = Float64Array.from(returns.values);
    const N = returns.tickers.length;
    values[200 * N + 3] = Number.POSITIVE_INFINITY;
    const bad = { ...returns, values };
    const ends = [180, 200, 250, 329];
    expectSameAsFullFit(bad, loadings, ends);
    const r = new WalkForwardFactorModel(bad, loadings, options).fit(250);
    expect(r.status === 'ok' && r.diagnostics.malformedTickers.length).toBe(1);
  });

  it('agrees when a date has too few assets and when a loading column is constant in the window', () => {
    const N = returns.tickers.length;
    const values = Float64Array.from(returns.values);
    for (let i = 10; i < N; i++) values[150 * N + i] = Number.NaN;
    const sparse = { ...returns, values };
    const flat = loadings.map((l, c) =>
      c === 0 ? { ...l, panel: { ...l.panel, values: new Float64Array(l.panel.values.length).fill(1) } } : l,
    );
    expectSameAsFullFit(sparse, loadings, [160, 200]);
    expectSameAsFullFit(returns, flat, [160, 200]);
    const r = new WalkForwardFactorModel(sparse, loadings, options).fit(160);
    expect(r.status === 'ok' && r.model.skippedDates.some((s) => s.reason === 'too-few-assets')).toBe(true);
  });

  it('agrees with the windows in any order (rows overwritten by later dates are recomputed), on both paths', () => {
    // a window reaching back past rows that later windows' dates have taken over in the ring
    const ends = [300, 150, 329, 200, 120, 329];
    expectSameAsFullFit(returns, loadings, ends);
    residualRingOptions.forceJs = true;
    try {
      expectSameAsFullFit(returns, loadings, ends);
    } finally {
      residualRingOptions.forceJs = false;
    }
  });
});
