/**
 * Fundamental features (seed 003 calculator 2) as of filing availability (methods.md §10): each filing field
 * is the latest visible, non-stale value at close(t); flows (revenue, net income, EBITDA, EPS, dividends)
 * are trailing-twelve-month sums of the four newest visible quarters. Prices are the close of t.
 *
 *   market cap = close × shares outstanding (PIT; the `market_cap` panel when shares are not filed)
 *   P/E = close / EPS_ttm, P/B = cap / book equity, P/S = cap / revenue_ttm,
 *   EV/EBITDA = (cap + total debt) / EBITDA_ttm (no cash field is filed, so EV omits cash),
 *   ROE (filed `roe`, else net income_ttm / book), current ratio, debt/equity, YoY growth of the newest
 *   quarter against the same quarter a year earlier, dividend yield = DPS_ttm / close,
 *   `<ratio>_rel_sector` = ratio / median of the ratio over the stock's sector on that date (≥ 3 values),
 *   `sector_<name>` = 1 for the stock's sector, else 0.
 * A valuation ratio with a non-positive denominator (losses, negative book) is NaN: it is not a valuation.
 */
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';
import { latestAndLaggedPanels, latestVisiblePanel, trailingFourQuarterSumPanel } from './pit-events.ts';
import type { FeatureBlock, FeatureCalculator, ResolvedFeatureOptions } from './types.ts';

export const FUNDAMENTAL_FEATURES = [
  'pe_ratio',
  'pb_ratio',
  'ps_ratio',
  'ev_ebitda',
  'pe_rel_sector',
  'pb_rel_sector',
  'ps_rel_sector',
  'ev_ebitda_rel_sector',
  'roe',
  'current_ratio',
  'debt_to_equity',
  'revenue_growth_yoy',
  'earnings_growth_yoy',
  'dividend_yield',
  'earnings_surprise',
  'eps_revision',
] as const;

/** `sector_<name>` with the name lower-cased and every run of non-alphanumerics replaced by `_`. */
export function sectorDummyName(sector: string): string {
  return `sector_${sector
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
}

/** x / b where b > 0 and x finite, else NaN. */
function overPositive(x: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  for (let j = 0; j < out.length; j++) {
    const d = b[j]!;
    out[j] = d > 0 && Number.isFinite(x[j]!) ? x[j]! / d : Number.NaN;
  }
  return out;
}

/**
 * value / median over the stock's sector on the same date, over the finite values; NaN when the sector has
 * fewer than `minCount` values or a non-positive median.
 */
export function relativeToSectorMedian(
  x: Float64Array,
  T: number,
  N: number,
  sectorOf: Int32Array,
  sectors: number,
  minCount = 3,
): Float64Array {
  const out = new Float64Array(T * N).fill(Number.NaN);
  const buckets: number[][] = Array.from({ length: sectors }, () => []);
  const median = new Float64Array(sectors);
  for (let t = 0; t < T; t++) {
    for (const b of buckets) b.length = 0;
    for (let i = 0; i < N; i++) {
      const v = x[t * N + i]!;
      if (Number.isFinite(v)) buckets[sectorOf[i]!]!.push(v);
    }
    for (let s = 0; s < sectors; s++) {
      const b = buckets[s]!;
      if (b.length < minCount) {
        median[s] = Number.NaN;
        continue;
      }
      b.sort((p, q) => p - q);
      const h = b.length >> 1;
      median[s] = b.length % 2 ? b[h]! : 0.5 * (b[h - 1]! + b[h]!);
    }
    for (let i = 0; i < N; i++) {
      const m = median[sectorOf[i]!]!;
      const v = x[t * N + i]!;
      if (m > 0 && Number.isFinite(v)) out[t * N + i] = v / m;
    }
  }
  return out;
}

function computeFundamental(u: Universe, ops: PanelOps, o: ResolvedFeatureOptions): FeatureBlock {
  const { T, N } = ops;
  const size = T * N;
  const cap = o.stalenessBars;
  const C = u.panels.get('close')?.values ?? ops.alloc();
  const latest = (f: string) => latestVisiblePanel(u, f, cap);
  const ttm = (f: string) => trailingFourQuarterSumPanel(u, f, cap);

  const shares = latest('shares_outstanding');
  const mcap = ops.alloc();
  const capPanel = u.panels.get('market_cap')?.values;
  const hasShares = u.events.fields.includes('shares_outstanding');
  for (let j = 0; j < size; j++) mcap[j] = hasShares ? C[j]! * shares[j]! : (capPanel?.[j] ?? Number.NaN);

  const book = latest('book_equity');
  const debt = latest('total_debt');
  const pe = overPositive(C, ttm('eps'), ops.alloc());
  const pb = overPositive(mcap, book, ops.alloc());
  const ps = overPositive(mcap, ttm('revenue'), ops.alloc());
  const ev = ops.alloc();
  for (let j = 0; j < size; j++) ev[j] = mcap[j]! + debt[j]!;
  const evEbitda = overPositive(ev, ttm('ebitda'), ops.alloc());

  const S = u.sectors.length;
  const rel = (x: Float64Array) => relativeToSectorMedian(x, T, N, u.sectorOf, S);

  let roe: Float64Array;
  if (u.events.fields.includes('roe')) roe = latest('roe');
  else roe = overPositive(ttm('net_income'), book, ops.alloc());
  const currentRatio = overPositive(latest('current_assets'), latest('current_liabilities'), ops.alloc());
  const debtToEquity = overPositive(debt, book, ops.alloc());
  const yoy = (f: string) => {
    const { latest: a, lagged: b } = latestAndLaggedPanels(u, f, 4, cap, 400);
    const out = overPositive(a, b, ops.alloc());
    for (let j = 0; j < size; j++) out[j]! -= 1;
    return out;
  };
  const dps = ttm('dividends_per_share');
  const divYield = overPositive(dps, C, ops.alloc());

  const columns: Float64Array[] = [
    pe,
    pb,
    ps,
    evEbitda,
    rel(pe),
    rel(pb),
    rel(ps),
    rel(evEbitda),
    roe,
    currentRatio,
    debtToEquity,
    yoy('revenue'),
    yoy('net_income'),
    divYield,
    latest('earnings_surprise'),
    latest('eps_revision'),
  ];
  const names: string[] = [...FUNDAMENTAL_FEATURES];
  for (let s = 0; s < S; s++) {
    const d = new Float64Array(size);
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) if (u.sectorOf[i] === s) d[t * N + i] = 1;
    names.push(sectorDummyName(u.sectors[s]!));
    columns.push(d);
  }
  return { family: 'fundamental', names, columns };
}

export const fundamentalCalculator: FeatureCalculator = {
  family: 'fundamental',
  names: (u) => [...FUNDAMENTAL_FEATURES, ...u.sectors.map(sectorDummyName)],
  compute: (u, ops, o) => computeFundamental(u, ops, o),
};
