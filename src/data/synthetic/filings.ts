/**
 * Quarterly filings (10-Q style): per stock, a fiscal calendar (80 % calendar quarters, 10 % each shifted by
 * one or two months) and a simulated balance sheet. Facts carry event_time = close of the fiscal quarter's
 * last day and available_time = the filing instant 20–60 calendar days later (moved off weekends): 45 %
 * before the open, 45 % after the close, 10 % during the session (methods.md §10). Three years are
 * simulated before the start and the last two emitted, so every field is visible on the first date.
 *
 * Links to the factor loadings (so the style premia reach the characteristics): book-to-market rises with
 * the value loading, ROE with the quality loading, asset growth with the investment loading, the payout
 * ratio with the dividend-yield loading. Accruals are independent noise. The standardised earnings
 * surprise is AR(1) across quarters (ρ = 0.35, unit variance). The balance sheet is plausible, not a
 * clean-surplus ledger: book equity = equity ratio × total assets.
 */
import { deriveSeed, Rng } from '../../core/rng.ts';
import type { EventBuffer } from './events.ts';
import { FIELD_INDEX as F, firstVisibleDay } from './events.ts';
import { FACTOR_COUNT, STYLE_LOADING_SD } from './parameters.ts';
import { closeMs, MS_PER_DAY, MS_PER_HOUR, monthLastDay, weekdayOnOrAfter } from './schedule.ts';
import type { StockDraws } from './stocks.ts';

/** Quarters simulated before the start month (burn-in) and how many of them are emitted as events. */
const BURN_IN_MONTHS = 36;
const EMITTED_HISTORY_MONTHS = 24;
export const FILING_LAG_MIN_DAYS = 20;
export const FILING_LAG_MAX_DAYS = 60;

const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** Filing instant: `lag` calendar days after the quarter end, on a weekday, at a random hour (UTC). */
function filingInstant(quarterEndDay: number, r: Rng): number {
  const lag = FILING_LAG_MIN_DAYS + r.int(FILING_LAG_MAX_DAYS - FILING_LAG_MIN_DAYS + 1);
  const day = weekdayOnOrAfter(quarterEndDay + lag);
  const u = r.uniform();
  const v = r.uniform();
  // Before the open (11:00–13:00 UTC), after the close (21:15–23:00) or in the session (14:30–20:30).
  const hour = u < 0.45 ? 11 + 2 * v : u < 0.9 ? 21.25 + 1.75 * v : 14.5 + 6 * v;
  return day * MS_PER_DAY + Math.round(hour * MS_PER_HOUR);
}

export function simulateFilings(
  seed: number,
  stocks: StockDraws,
  startMonth: number,
  lastDay: number,
  out: EventBuffer,
): void {
  const K = FACTOR_COUNT;
  const N = stocks.price0.length;
  for (let i = 0; i < N; i++) {
    const r = new Rng(deriveSeed(seed, 'filings', i));
    const z = (k: number) => stocks.loadings[i * K + k]! / STYLE_LOADING_SD;
    const u0 = r.uniform();
    const fiscalShift = u0 < 0.8 ? 0 : u0 < 0.9 ? 1 : 2;
    const mcap0 = Math.exp(stocks.logMcap0[i]!);
    const bm0 = Math.exp(Math.log(0.5) + 0.6 * z(1) + 0.3 * r.normal());
    const equityRatio = 0.2 + 0.5 * r.uniform();
    const roeMean = 0.1 + 0.05 * z(3) + 0.04 * r.normal();
    const growthMean = 0.015 + 0.012 * z(4) + 0.006 * r.normal();
    const payout = clip(0.3 + 0.15 * z(5) + 0.1 * r.normal(), 0, 0.9);
    const assetTurnover = 0.4 + 0.8 * r.uniform();
    const daShare = 0.03 + 0.07 * r.uniform();
    const debtShare = 0.3 + 0.4 * r.uniform();
    const currentAssetShare = 0.2 + 0.4 * r.uniform();
    const currentLiabilityShare = 0.2 + 0.3 * r.uniform();

    // Scaled back by the expected growth over the burn-in so levels near the start match mcap0 and bm0.
    let bookEquity = bm0 * mcap0 * Math.exp(-(BURN_IN_MONTHS / 3) * growthMean);
    let totalAssets = bookEquity / equityRatio;
    let shares = (mcap0 / stocks.price0[i]!) * Math.exp(-(BURN_IN_MONTHS / 3) * 0.001);
    let roe = roeMean;
    let growth = growthMean;
    let logEquityDev = 0;
    let accruals = 0.03 * r.normal();
    let surprise = r.normal();
    const assetsHistory = new Float64Array(4).fill(totalAssets);

    // First fiscal quarter-end month at or after startMonth − BURN_IN_MONTHS (quarter ends: months ≡ 2 mod 3).
    let m = startMonth - BURN_IN_MONTHS;
    while ((((m - 2 - fiscalShift) % 3) + 3) % 3 !== 0) m++;
    for (let q = 0; ; q++, m += 3) {
      const quarterEnd = monthLastDay(m);
      if (quarterEnd > lastDay) break;
      roe = roeMean + 0.7 * (roe - roeMean) + 0.04 * r.normal();
      growth = growthMean + 0.5 * (growth - growthMean) + 0.025 * r.normal();
      logEquityDev = 0.9 * logEquityDev + 0.05 * r.normal();
      accruals = 0.6 * accruals + 0.024 * r.normal();
      surprise = 0.35 * surprise + Math.sqrt(1 - 0.35 * 0.35) * r.normal();
      const shareChange = r.uniform() < 0.5 ? 0.002 + 0.008 * r.normal() : 0;
      const available = filingInstant(quarterEnd, r);

      const assetsYearAgo = assetsHistory[q % 4]!;
      const bookBefore = bookEquity;
      totalAssets *= Math.exp(growth);
      assetsHistory[q % 4] = totalAssets;
      bookEquity = Math.min(0.95, equityRatio * Math.exp(logEquityDev)) * totalAssets;
      shares *= Math.exp(shareChange);
      if (m < startMonth - EMITTED_HISTORY_MONTHS) continue;

      const netIncome = (roe / 4) * bookBefore;
      const revenue = (assetTurnover * totalAssets) / 4;
      const liabilities = totalAssets - bookEquity;
      const totalDebt = debtShare * liabilities;
      const facts: [number, number][] = [
        [F.revenue, revenue],
        [F.net_income, netIncome],
        [F.eps, netIncome / shares],
        [F.book_equity, bookEquity],
        [F.total_assets, totalAssets],
        [F.total_debt, totalDebt],
        [F.current_assets, currentAssetShare * totalAssets],
        [F.current_liabilities, currentLiabilityShare * liabilities],
        [F.ebitda, netIncome + daShare * revenue + 0.0125 * totalDebt],
        [F.dividends_per_share, (payout * Math.max(netIncome, 0)) / shares],
        [F.shares_outstanding, shares],
        [F.roe, roe],
        [F.asset_growth, totalAssets / assetsYearAgo - 1],
        [F.accruals, accruals],
        [F.earnings_surprise, surprise],
      ];
      const eventTime = closeMs(quarterEnd);
      const day = firstVisibleDay(out.closes, available);
      for (const [field, value] of facts) out.pushVisibleFrom(day, i, field, eventTime, available, value);
    }
  }
}
