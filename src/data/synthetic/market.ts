/**
 * The date-major market loop: for each day t, expected returns from what was visible at the close of t − 1,
 * then the facts that become visible at the close of t, then the day's shocks, returns, prices, bars and
 * the derived panels. Every stream is its own `deriveSeed` sub-stream and is consumed in date order, so a
 * shorter market is an exact prefix of a longer one with the same seed.
 *
 * Return of stock i on day t ≥ 1 (a simple return; methods.md §1):
 *   r = a_i + Σ_k B_ik f_k + c_i g_{s(i)} + σ_i √h_t (ε_i + J·u_i)
 * with f_k = μ_k + σ_k √h_t z_k (factor returns), g_s = σ_sec √h_t z_s (sector returns), a_i the injected
 * injected returns (parameters.ts EFFECTS, each κ·z-score of a characteristic visible at t − 1; for momentum
 * κ is the mean of a momentum factor return φ_t), and u_i the
 * standardised earnings surprise of a filing that becomes visible at the close of t (0 otherwise). The close
 * is P_t = P_{t−1}(1 + r) and the stored return is recomputed as P_t / P_{t−1} − 1, so the two panels agree
 * exactly.
 */
import { NumericalError } from '../../core/errors.ts';
import { allocFloat64 } from '../../core/panel.ts';
import { deriveSeed, Rng } from '../../core/rng.ts';
import type { VisibilityIndex } from './events.ts';
import { trackedSlot } from './events.ts';
import {
  ANNOUNCEMENT_JUMP_PER_SURPRISE,
  EFFECTS,
  FACTOR_COUNT,
  FACTOR_PREMIA_DAILY,
  FACTOR_VOLS_DAILY,
  GARCH_ALPHA,
  GARCH_BETA,
  GARCH_OMEGA,
  MARKET_INDEX_BASE,
  MOMENTUM_FACTOR_VOL_DAILY,
  MOMENTUM_LOOKBACK,
  MOMENTUM_SKIP,
  SECTOR_INDEX_BASE,
  SECTOR_VOL_DAILY,
  VIX_HORIZON_DAYS,
  VIX_VARIANCE_RISK_PREMIUM,
} from './parameters.ts';
import type { StockDraws } from './stocks.ts';
import { ZigguratNormal } from './ziggurat.ts';

/** Daily panels the loop writes, in this order. */
export const MARKET_PANELS = [
  'open',
  'high',
  'low',
  'close',
  'volume',
  'return',
  'market_cap',
  'book_to_market',
  'roe',
  'asset_growth',
  'accruals',
  'eps_revision',
  'short_interest',
  'earnings_surprise',
] as const;
export type MarketPanel = (typeof MARKET_PANELS)[number];

export interface MarketPaths {
  readonly panels: Record<MarketPanel, Float64Array>;
  readonly marketIndex: Float64Array;
  readonly vix: Float64Array;
  /** S series of length T. */
  readonly sectorIndex: Float64Array[];
  /** T × 8, row 0 NaN (no return on the first date). */
  readonly factorReturns: Float64Array;
  /** T × S, row 0 NaN. */
  readonly sectorReturns: Float64Array;
  /** h_t, the GARCH variance multiplier of day t's shocks (h_0 = h_1 = 1). */
  readonly garchVariance: Float64Array;
  /** φ_t, the momentum factor's return per unit momentum z-score on day t; NaN before the window exists. */
  readonly momentumFactor: Float64Array;
}

/**
 * Adds κ·(x_i − mean)/sd (ddof 0, over the finite x_i of x[off .. off + N)) to `alpha[i]`; stocks with a
 * missing value get nothing. With fewer than two values or no dispersion nothing is injected (there is no
 * cross-section to rank).
 */
export function addZScoredEffect(
  alpha: Float64Array,
  x: Float64Array,
  off: number,
  N: number,
  kappa: number,
): void {
  if (kappa === 0) return;
  // Welford's one-pass mean and sum of squared deviations, then one pass to apply.
  let n = 0;
  let mean = 0;
  let ss = 0;
  for (let i = 0; i < N; i++) {
    const v = x[off + i]!;
    if (!Number.isNaN(v)) {
      n++;
      const d = v - mean;
      mean += d / n;
      ss += d * (v - mean);
    }
  }
  if (n < 2) return;
  const sd = Math.sqrt(ss / n);
  if (!(sd > 0) || sd <= 1e-12 * Math.abs(mean)) return;
  const scale = kappa / sd;
  for (let i = 0; i < N; i++) {
    const v = x[off + i]!;
    if (!Number.isNaN(v)) alpha[i]! += scale * (v - mean);
  }
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function runMarket(args: {
  seed: number;
  T: number;
  S: number;
  shared: boolean;
  stocks: StockDraws;
  visibility: VisibilityIndex;
  /** Test hook: if given (T × N), receives a_{t,i}, the injected returns (κ terms and φ_t·momentum), for t ≥ 1. */
  expectedReturnsOut?: Float64Array;
}): MarketPaths {
  const { seed, T, S, stocks, visibility } = args;
  const N = stocks.price0.length;
  const K = FACTOR_COUNT;
  const B = stocks.loadings;
  const cells = T * N;
  const panels = {} as Record<MarketPanel, Float64Array>;
  for (const name of MARKET_PANELS) panels[name] = allocFloat64(cells, { shared: args.shared, fill: 0 });
  const { open, high, low, close, volume, market_cap: mcapP, book_to_market: bmP } = panels;
  const ret = panels.return;
  const { roe: roeP, asset_growth: agP, accruals: accP, eps_revision: revP } = panels;
  const { short_interest: siP, earnings_surprise: sueP } = panels;

  const slotRoe = trackedSlot('roe') * N;
  const slotAg = trackedSlot('asset_growth') * N;
  const slotAcc = trackedSlot('accruals') * N;
  const slotRev = trackedSlot('eps_revision') * N;
  const slotSi = trackedSlot('short_interest') * N;
  const slotSue = trackedSlot('earnings_surprise') * N;
  const slotShares = trackedSlot('shares_outstanding') * N;
  const slotBook = trackedSlot('book_equity') * N;
  const suePanelSlot = trackedSlot('earnings_surprise');

  const visible = new Float64Array(8 * N).fill(Number.NaN);
  const alpha = new Float64Array(N);
  const news = new Float64Array(N);
  const momentum = new Float64Array(N);
  const f = new Float64Array(K);
  const g = new Float64Array(S);
  const totalVol = stocks.annualVol.map((v) => v / Math.sqrt(252));

  const factorReturns = new Float64Array(T * K).fill(Number.NaN);
  const sectorReturns = new Float64Array(T * S).fill(Number.NaN);
  const garchVariance = new Float64Array(T);
  const marketIndex = new Float64Array(T);
  const vix = new Float64Array(T);
  const sectorIndex = Array.from({ length: S }, () => new Float64Array(T));
  const secNum = new Float64Array(S);
  const secDen = new Float64Array(S);

  const rFactor = new Rng(deriveSeed(seed, 'factor-shocks'));
  const rSector = new Rng(deriveSeed(seed, 'sector-shocks'));
  const rIdio = new ZigguratNormal(new Rng(deriveSeed(seed, 'idio-shocks')));
  const rBar = new Rng(deriveSeed(seed, 'bars'));
  const rGap = new ZigguratNormal(rBar);
  const rVolume = new ZigguratNormal(new Rng(deriveSeed(seed, 'volume')));
  const rMomentum = new Rng(deriveSeed(seed, 'momentum-factor'));
  const momentumFactor = new Float64Array(T).fill(Number.NaN);

  const phi = GARCH_ALPHA + GARCH_BETA;
  const vixAverage = (1 - phi ** VIX_HORIZON_DAYS) / (VIX_HORIZON_DAYS * (1 - phi));
  const vixScale = 100 * VIX_VARIANCE_RISK_PREMIUM * FACTOR_VOLS_DAILY[0]! * Math.sqrt(252);
  const momAdd = MOMENTUM_SKIP + 1;
  const momDrop = MOMENTUM_LOOKBACK + 1;
  // ln(1 + r) of the last momDrop days, a ring of rows, so the momentum window costs no extra logarithms.
  const logRing = new Float64Array(momDrop * N);
  let h = 1;

  // Module constants copied to locals: the hot loop should not go through ESM live bindings.
  const premia = Float64Array.from(FACTOR_PREMIA_DAILY);
  const factorVols = Float64Array.from(FACTOR_VOLS_DAILY);
  const sectorVol = SECTOR_VOL_DAILY;
  const jump = ANNOUNCEMENT_JUMP_PER_SURPRISE;
  const kappaMomentum = EFFECTS.momentum;
  const { idioVol, sectorLoading, sectorOf, price0, turnover } = stocks;
  const characteristicEffects: [number, number][] = (
    [
      [slotRev, EFFECTS.epsRevision],
      [slotSue, EFFECTS.earningsSurprise],
      [slotSi, EFFECTS.shortInterest],
      [slotAcc, EFFECTS.accruals],
      [slotAg, EFFECTS.assetGrowth],
    ] as [number, number][]
  ).filter(([, kappa]) => kappa !== 0);
  const effectSlot = new Uint8Array(8);
  for (const [off] of characteristicEffects) effectSlot[off / N] = 1;
  const characteristicAlpha = new Float64Array(N);
  let characteristicsChanged = true;

  for (let t = 0; t < T; t++) {
    const row = t * N;
    const prev = row - N;
    const sqrtH = Math.sqrt(h);
    const ringRow = (t % momDrop) * N;
    const hQuarter = Math.sqrt(sqrtH);

    // Injected returns of day t from the state at the close of t − 1 (strictly earlier information).
    alpha.fill(0);
    news.fill(0);
    if (t >= 1) {
      if (t - momAdd >= 1) {
        const o = ((t - momAdd) % momDrop) * N;
        for (let i = 0; i < N; i++) momentum[i]! += logRing[o + i]!;
      }
      if (t - momDrop >= 1) {
        const o = ((t - momDrop) % momDrop) * N;
        for (let i = 0; i < N; i++) momentum[i]! -= logRing[o + i]!;
      }
      // Characteristics change only on days facts arrive: recompute their part only then.
      if (characteristicsChanged) {
        characteristicAlpha.fill(0);
        for (const [slot, kappa] of characteristicEffects)
          addZScoredEffect(characteristicAlpha, visible, slot, N, kappa);
        characteristicsChanged = false;
      }
      alpha.set(characteristicAlpha);
      if (t - MOMENTUM_LOOKBACK >= 1) {
        const phi = kappaMomentum + MOMENTUM_FACTOR_VOL_DAILY * sqrtH * rMomentum.normal();
        momentumFactor[t] = phi;
        addZScoredEffect(alpha, momentum, 0, N, phi);
      }
      args.expectedReturnsOut?.set(alpha, row);
    }

    // Facts that become visible at the close of t; a surprise moves the price on that same day.
    for (let u = visibility.dayStart[t]!; u < visibility.dayStart[t + 1]!; u++) {
      const i = visibility.stock[u]!;
      const slot = visibility.slot[u]!;
      visible[slot * N + i] = visibility.value[u]!;
      if (slot === suePanelSlot) news[i] = visibility.value[u]!;
      if (effectSlot[slot] === 1) characteristicsChanged = true;
    }

    let z0 = 0;
    if (t >= 1) {
      for (let k = 0; k < K; k++) {
        const z = rFactor.normal();
        if (k === 0) z0 = z;
        f[k] = premia[k]! + factorVols[k]! * sqrtH * z;
        factorReturns[t * K + k] = f[k]!;
      }
      for (let s = 0; s < S; s++) {
        g[s] = sectorVol * sqrtH * rSector.normal();
        sectorReturns[t * S + s] = g[s]!;
      }
      secNum.fill(0);
      secDen.fill(0);
    }

    let mktNum = 0;
    let mktDen = 0;
    for (let i = 0; i < N; i++) {
      let c: number;
      let logReturn = 0;
      let previousClose: number;
      if (t === 0) {
        c = price0[i]!;
        previousClose = c;
        ret[row + i] = Number.NaN;
      } else {
        let r =
          alpha[i]! +
          idioVol[i]! * sqrtH * (rIdio.next() + jump * news[i]!) +
          sectorLoading[i]! * g[sectorOf[i]!]!;
        const b = i * K;
        for (let k = 0; k < K; k++) r += B[b + k]! * f[k]!;
        if (!(r > -1)) {
          throw new NumericalError(`synthetic return ${r} ≤ −100 % (stock ${i}, day ${t})`);
        }
        previousClose = close[prev + i]!;
        c = previousClose * (1 + r);
        const stored = c / previousClose - 1;
        ret[row + i] = stored;
        logReturn = Math.log1p(stored);
        logRing[ringRow + i] = logReturn;
        const w = mcapP[prev + i]!;
        if (w > 0) {
          mktNum += w * stored;
          mktDen += w;
          const s = sectorOf[i]!;
          secNum[s]! += w * stored;
          secDen[s]! += w;
        }
      }
      close[row + i] = c;
      const shares = visible[slotShares + i]!;
      const mcap = c * shares;
      mcapP[row + i] = mcap;
      bmP[row + i] = visible[slotBook + i]! / mcap;
      roeP[row + i] = visible[slotRoe + i]!;
      agP[row + i] = visible[slotAg + i]!;
      accP[row + i] = visible[slotAcc + i]!;
      revP[row + i] = visible[slotRev + i]!;
      siP[row + i] = visible[slotSi + i]!;
      sueP[row + i] = visible[slotSue + i]!;

      // Bars: an overnight gap carrying 30 % of the day's move, intraday extremes beyond open and close.
      const sigma = totalVol[i]! * sqrtH;
      const o = previousClose * Math.exp(0.3 * logReturn + 0.2 * sigma * rGap.next());
      open[row + i] = o;
      high[row + i] = Math.max(o, c) * Math.exp(-0.5 * sigma * Math.log(1 - rBar.uniform()));
      low[row + i] = Math.min(o, c) * Math.exp(0.5 * sigma * Math.log(1 - rBar.uniform()));
      // Busier on big-move days (E|ln(1+r)| = σ√(2/π)) and in volatile regimes; −0.3²/2 keeps the noise's mean at 1.
      const activity =
        (0.5 + (0.5 * Math.abs(logReturn)) / (sigma * SQRT_2_OVER_PI)) *
        hQuarter *
        Math.exp(0.3 * rVolume.next() - 0.045);
      volume[row + i] = Math.max(1, Math.round(turnover[i]! * shares * activity));
    }

    if (t === 0) {
      marketIndex[0] = MARKET_INDEX_BASE;
      for (let s = 0; s < S; s++) sectorIndex[s]![0] = SECTOR_INDEX_BASE;
    } else {
      marketIndex[t] = marketIndex[t - 1]! * (1 + (mktDen > 0 ? mktNum / mktDen : Number.NaN));
      for (let s = 0; s < S; s++) {
        sectorIndex[s]![t] =
          sectorIndex[s]![t - 1]! * (1 + (secDen[s]! > 0 ? secNum[s]! / secDen[s]! : Number.NaN));
      }
    }

    // GARCH(1,1): h_{t+1} is known at the close of t; the VIX prices its expected path over 21 days.
    garchVariance[t] = h;
    const hNext = t === 0 ? 1 : GARCH_OMEGA + (GARCH_ALPHA * z0 * z0 + GARCH_BETA) * h;
    vix[t] = vixScale * Math.sqrt(1 + (hNext - 1) * vixAverage);
    h = hNext;
  }
  return {
    panels,
    marketIndex,
    vix,
    sectorIndex,
    factorReturns,
    sectorReturns,
    garchVariance,
    momentumFactor,
  };
}
