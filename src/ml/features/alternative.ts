/**
 * Alternative-data features (seed 003 calculator 4).
 *
 * Insider activity over a trailing window of W calendar days (W = 90): at bar t a transaction counts iff it
 * is visible (available_time ≤ close(t)) and recent (event_time > close(t) − W days). Both conditions are
 * monotone in t, so each transaction contributes on the bars in [first bar with close ≥ available_time,
 * first bar with close ≥ event_time + W) — a difference array per ticker, O(events + T·N):
 *   insider_net_count_90d  = #buys − #sells (sign of `insider_shares`),
 *   insider_net_shares_90d = Σ signed shares,  insider_net_value_90d = Σ signed value (`insider_value`).
 * No transaction in the window is a real 0; a universe without insider fields gives NaN.
 *
 * Short interest (latest visible publication, methods.md §10 forward fill with the staleness cap):
 *   short_interest_ratio = short interest / shares outstanding (as published),
 *   short_interest_change = latest − previous publication (≤ 40 days apart),
 *   days_to_cover = short interest × shares outstanding / 20-day average volume.
 */
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';
import {
  closeTimes,
  eventsByTicker,
  firstAtOrAfterTime,
  latestAndLaggedPanels,
  latestVisiblePanel,
} from './pit-events.ts';
import type { FeatureBlock, FeatureCalculator, ResolvedFeatureOptions } from './types.ts';

export const ALTERNATIVE_FEATURES = [
  'insider_net_count_90d',
  'insider_net_shares_90d',
  'insider_net_value_90d',
  'short_interest_ratio',
  'short_interest_change',
  'days_to_cover',
] as const;

/**
 * Trailing-window sums of `transform(value)` over the visible, recent transactions of `field` (see the
 * module comment); null when the field is absent.
 */
export function trailingWindowEventSum(
  u: Universe,
  field: string,
  windowDays: number,
  transform: (v: number) => number,
): Float64Array | null {
  const lists = eventsByTicker(u, field);
  if (!lists) return null;
  const T = u.dates.length;
  const N = u.tickers.length;
  const cut = closeTimes(u);
  const e = u.events;
  const span = windowDays * 86_400_000;
  const diff = new Float64Array((T + 1) * N);
  for (let i = 0; i < N; i++) {
    for (const k of lists[i]!) {
      const a = firstAtOrAfterTime(cut, e.availableTime[k]!);
      const b = firstAtOrAfterTime(cut, e.eventTime[k]! + span);
      if (b <= a) continue;
      const v = transform(e.value[k]!);
      diff[a * N + i]! += v;
      diff[b * N + i]! -= v;
    }
  }
  const out = new Float64Array(T * N);
  // Integer-valued counts stay exact; sums are re-accumulated from the differences in date order.
  const acc = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      acc[i]! += diff[t * N + i]!;
      out[t * N + i] = acc[i]!;
    }
  }
  return out;
}

function computeAlternative(u: Universe, ops: PanelOps, o: ResolvedFeatureOptions): FeatureBlock {
  const size = ops.T * ops.N;
  const W = o.insiderWindowDays;
  const orNaN = (x: Float64Array | null) => x ?? ops.alloc();
  const count = orNaN(trailingWindowEventSum(u, 'insider_shares', W, (v) => Math.sign(v)));
  const shares = orNaN(trailingWindowEventSum(u, 'insider_shares', W, (v) => v));
  const value = orNaN(trailingWindowEventSum(u, 'insider_value', W, (v) => v));

  const si = latestAndLaggedPanels(u, 'short_interest', 1, o.stalenessBars, 40);
  const change = ops.alloc();
  for (let j = 0; j < size; j++) change[j] = si.latest[j]! - si.lagged[j]!;
  const sharesOut = latestVisiblePanel(u, 'shares_outstanding', o.stalenessBars);
  const V = u.panels.get('volume')?.values ?? ops.alloc();
  const adv = ops.sma(V, 20);
  const dtc = ops.alloc();
  for (let j = 0; j < size; j++) {
    const d = (si.latest[j]! * sharesOut[j]!) / adv[j]!;
    if (adv[j]! > 0 && Number.isFinite(d)) dtc[j] = d;
  }
  return {
    family: 'alternative',
    names: [...ALTERNATIVE_FEATURES],
    columns: [count, shares, value, si.latest, change, dtc],
  };
}

export const alternativeCalculator: FeatureCalculator = {
  family: 'alternative',
  names: () => [...ALTERNATIVE_FEATURES],
  compute: (u, ops, o) => computeAlternative(u, ops, o),
};
