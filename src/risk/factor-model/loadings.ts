/**
 * The default Fama–MacBeth loading set built from a universe (seed 000's eight `*_zscore` columns), and
 * log returns from Close (methods.md §6). Every loading on date t uses data dated ≤ t only, is winsorised
 * at 3σ and z-scored cross-sectionally (ddof 0, methods.md §1); fitFamaMacBeth lags it by one bar.
 *
 * | loading          | raw value on date t                                     | needs             |
 * |------------------|---------------------------------------------------------|-------------------|
 * | size             | ln(market_cap)                                          | market_cap        |
 * | value            | book_to_market                                          | book_to_market    |
 * | momentum         | Σ ln(1 + r) over t−251 … t−21 (12-1 month), ≥ 189 obs  | return or close   |
 * | low_volatility   | −sd(r) over t−62 … t (ddof 1), ≥ 42 obs                | return or close   |
 * | quality          | roe                                                     | roe               |
 * | growth           | asset_growth                                            | asset_growth      |
 * | accruals         | accruals                                                | accruals          |
 * | short_interest   | short_interest                                          | short_interest    |
 *
 * A loading whose field is missing from the universe is skipped with a note (price-only data keeps
 * momentum and low volatility only).
 */
import type { Panel } from '../../core/panel.ts';
import type { Universe } from '../../core/universe.ts';
import { rollingStd, rollingSum, winsorizeCrossSection, zscoreCrossSection } from '../../stats/index.ts';
import type { DroppedItem, LoadingInput } from './types.ts';

export const DEFAULT_LOADING_NAMES = [
  'size',
  'value',
  'momentum',
  'low_volatility',
  'quality',
  'growth',
  'accruals',
  'short_interest',
] as const;

const FIELD_OF: Readonly<Record<string, string>> = {
  size: 'market_cap',
  value: 'book_to_market',
  quality: 'roe',
  growth: 'asset_growth',
  accruals: 'accruals',
  short_interest: 'short_interest',
};

const MOMENTUM_WINDOW = 231; // t−251 … t−21
const MOMENTUM_SKIP = 21;
const MOMENTUM_MIN_OBS = 189;
const VOL_WINDOW = 63;
const VOL_MIN_OBS = 42;
const WINSORIZE_K = 3;

/**
 * Daily log returns ln(P_t/P_{t−1}) from `close` (or ln(1 + r) from `return` when there is no close).
 * A non-positive price gives −Infinity, which fitFamaMacBeth treats as a malformed ticker.
 */
export function logReturnsFromUniverse(u: Universe): Panel | undefined {
  const N = u.tickers.length;
  const T = u.dates.length;
  const out = new Float64Array(T * N).fill(Number.NaN);
  const close = u.panels.get('close');
  if (close) {
    const c = close.values;
    for (let t = 1; t < T; t++) {
      for (let i = 0; i < N; i++) {
        const a = c[(t - 1) * N + i]!;
        const b = c[t * N + i]!;
        if (Number.isNaN(a) || Number.isNaN(b)) continue;
        out[t * N + i] = a > 0 && b > 0 ? Math.log(b / a) : Number.NEGATIVE_INFINITY;
      }
    }
    return { dates: u.dates, tickers: u.tickers, values: out };
  }
  const ret = u.panels.get('return');
  if (!ret) return undefined;
  for (let k = 0; k < out.length; k++) {
    const r = ret.values[k]!;
    if (!Number.isNaN(r)) out[k] = r > -1 ? Math.log1p(r) : Number.NEGATIVE_INFINITY;
  }
  return { dates: u.dates, tickers: u.tickers, values: out };
}

/** Winsorises (3σ) then z-scores every date of a T × N raw panel, in place. */
function standardiseByDate(T: number, N: number, v: Float64Array): void {
  for (let t = 0; t < T; t++) {
    const row = v.subarray(t * N, (t + 1) * N);
    winsorizeCrossSection(row, WINSORIZE_K, row);
    zscoreCrossSection(row, row);
  }
}

export interface DefaultLoadings {
  readonly loadings: readonly LoadingInput[];
  /** Loadings left out, with the reason (e.g. "universe has no market_cap field"). */
  readonly skipped: readonly DroppedItem[];
}

/** Builds the default loading panels (table above) on the universe's grid. */
export function defaultLoadings(u: Universe, logReturns?: Panel): DefaultLoadings {
  const N = u.tickers.length;
  const T = u.dates.length;
  const lr = logReturns ?? logReturnsFromUniverse(u);
  const loadings: LoadingInput[] = [];
  const skipped: DroppedItem[] = [];
  let finiteLogReturns: Float64Array | undefined;
  if (lr) {
    // a loop, not values.map(fn): a callback per element costs tens of ns in V8 (3.8 M at full size)
    finiteLogReturns = lr.values.slice();
    for (let k = 0; k < finiteLogReturns.length; k++)
      if (!Number.isFinite(finiteLogReturns[k]!)) finiteLogReturns[k] = Number.NaN;
  }
  for (const name of DEFAULT_LOADING_NAMES) {
    let raw: Float64Array | undefined;
    if (name === 'momentum' || name === 'low_volatility') {
      if (!finiteLogReturns || T === 0) {
        skipped.push({ name, reason: 'universe has neither a close nor a return field' });
        continue;
      }
      if (name === 'momentum') {
        const s = rollingSum(finiteLogReturns, {
          window: MOMENTUM_WINDOW,
          minObs: MOMENTUM_MIN_OBS,
          columns: N,
        });
        // the sum ending at t − 21 is the value of t: shift the rows down in place
        raw = s.copyWithin(Math.min(T, MOMENTUM_SKIP) * N, 0, Math.max(0, T - MOMENTUM_SKIP) * N);
        raw.fill(Number.NaN, 0, Math.min(T, MOMENTUM_SKIP) * N);
      } else {
        raw = rollingStd(finiteLogReturns, { window: VOL_WINDOW, minObs: VOL_MIN_OBS, columns: N, ddof: 1 });
        for (let k = 0; k < raw.length; k++) raw[k] = -raw[k]!;
      }
    } else {
      const field = FIELD_OF[name]!;
      const p = u.panels.get(field);
      if (!p) {
        skipped.push({ name, reason: `universe has no ${field} field` });
        continue;
      }
      raw = p.values.slice();
      if (name === 'size')
        for (let k = 0; k < raw.length; k++) raw[k] = raw[k]! > 0 ? Math.log(raw[k]!) : Number.NaN;
    }
    standardiseByDate(T, N, raw);
    loadings.push({ name, panel: { dates: u.dates, tickers: u.tickers, values: raw } });
  }
  return { loadings, skipped };
}
