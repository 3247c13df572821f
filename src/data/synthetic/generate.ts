/**
 * `generateSyntheticMarket`: the seeded synthetic market alphalab runs on by default (seed 002's
 * `load_universe_data` structure with methods.md Appendix A item 11 fixed). See docs/api/synthetic.md for
 * the model, its parameters (parameters.ts) and the amount of signal each characteristic carries.
 */
import { businessDays, closeTime, epochDay } from '../../core/calendar.ts';
import type { Panel } from '../../core/panel.ts';
import type { Security } from '../../core/universe.ts';
import { makeUniverse } from '../../core/universe.ts';
import { EventBuffer } from './events.ts';
import { simulateFilings } from './filings.ts';
import { simulateInsiders } from './insider.ts';
import { MARKET_PANELS, runMarket } from './market.ts';
import type { ResolvedSyntheticOptions, SyntheticOptions } from './options.ts';
import { resolveSyntheticOptions } from './options.ts';
import {
  ANNOUNCEMENT_JUMP_PER_SURPRISE,
  EFFECTS,
  FACTOR_NAMES,
  FACTOR_PREMIA_DAILY,
  FACTOR_VOLS_DAILY,
  GARCH_ALPHA,
  GARCH_BETA,
  GARCH_OMEGA,
  GICS_SECTORS,
  SECTOR_VOL_DAILY,
} from './parameters.ts';
import { simulateEpsRevisions, simulateShortInterest } from './periodic.ts';
import { monthOf } from './schedule.ts';
import { drawStocks } from './stocks.ts';
import type { SyntheticMarket } from './types.ts';

/** `STK_0000` … with at least four digits. */
export function syntheticTicker(i: number, N: number): string {
  return `STK_${String(i).padStart(Math.max(4, String(N - 1).length), '0')}`;
}

/**
 * A complete, deterministic market for `options.seed`: daily OHLCV, returns, market caps and characteristics,
 * point-in-time events (filings, short interest, EPS revisions, insider transactions), benchmark series and
 * the ground truth. Throws InvalidInputError for bad options.
 *
 * Example: `generateSyntheticMarket({ stocks: 50, days: 300, seed: 7 }).universe.panels.get('close')`.
 */
export function generateSyntheticMarket(options: SyntheticOptions = {}): SyntheticMarket {
  return buildSyntheticMarket(resolveSyntheticOptions(options));
}

/** Internal hooks for tests; not part of the public API. */
export interface SyntheticHooks {
  /** T × N, receives the injected return a_{t,i} (κ terms and φ_t·momentum) of every day t ≥ 1. */
  readonly expectedReturns?: Float64Array;
}

/** `generateSyntheticMarket` on already-resolved options, with optional test hooks. */
export function buildSyntheticMarket(
  o: ResolvedSyntheticOptions,
  hooks: SyntheticHooks = {},
): SyntheticMarket {
  const { stocks: N, days: T, sectors: S, seed } = o;
  const dates = businessDays(o.start, T);
  const tickers = Array.from({ length: N }, (_, i) => syntheticTicker(i, N));
  const closes = Float64Array.from(dates, (d) => closeTime(d));
  const firstDay = epochDay(dates[0]!);
  const lastDay = epochDay(dates[T - 1]!);
  const startMonth = monthOf(firstDay);

  const stocks = drawStocks(seed, N, S);
  // Upper estimates of the event counts (quarters, months, half-months, insider trades incl. history).
  const months = T / 21 + 40;
  const events = new EventBuffer(closes, {
    events: N * ((months / 3) * 15 + months + 2 * months + (2 * T) / 60),
    tracked: N * ((months / 3) * 6 + 3 * months),
  });
  simulateFilings(seed, stocks, startMonth, lastDay, events);
  simulateEpsRevisions(seed, N, startMonth, lastDay, events);
  simulateShortInterest(seed, N, startMonth, lastDay, events);
  const paths = runMarket({
    seed,
    T,
    S,
    shared: o.shared,
    stocks,
    visibility: events.visibility(),
    ...(hooks.expectedReturns ? { expectedReturnsOut: hooks.expectedReturns } : {}),
  });
  simulateInsiders(seed, closes, paths.panels.close, paths.panels.market_cap, N, events);

  const sectorNames = GICS_SECTORS.slice(0, S);
  const securities: Security[] = tickers.map((ticker, i) => ({
    ticker,
    sector: sectorNames[stocks.sectorOf[i]!]!,
    name: `Synthetic Co ${i}`,
  }));
  const panels = new Map<string, Panel>();
  for (const name of MARKET_PANELS) panels.set(name, { dates, tickers, values: paths.panels[name] });
  const series = new Map<string, Float64Array>([
    ['market', paths.marketIndex],
    ['vix', paths.vix],
  ]);
  sectorNames.forEach((name, s) => {
    series.set(`sector:${name}`, paths.sectorIndex[s]!);
  });

  const universe = makeUniverse({
    dates,
    tickers,
    securities,
    panels,
    series,
    events: events.toPitEvents(),
    source: `synthetic(seed=${seed}, stocks=${N}, days=${T}, sectors=${S}, start=${dates[0]})`,
  });
  return {
    universe,
    truth: {
      factorNames: FACTOR_NAMES,
      loadings: stocks.loadings,
      factorReturns: paths.factorReturns,
      factorPremia: Float64Array.from(FACTOR_PREMIA_DAILY),
      factorVols: Float64Array.from(FACTOR_VOLS_DAILY),
      sectorLoadings: stocks.sectorLoading,
      sectorReturns: paths.sectorReturns,
      sectorVol: SECTOR_VOL_DAILY,
      idioVols: stocks.idioVol,
      annualVols: stocks.annualVol,
      garchVariance: paths.garchVariance,
      garch: { omega: GARCH_OMEGA, alpha: GARCH_ALPHA, beta: GARCH_BETA },
      momentumFactor: paths.momentumFactor,
      effects: { ...EFFECTS, announcementJump: ANNOUNCEMENT_JUMP_PER_SURPRISE },
    },
  };
}
