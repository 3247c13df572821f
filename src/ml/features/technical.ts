/**
 * Technical features (seed 003 calculator 1) from the daily OHLCV panels. Price-level quantities (SMA, EMA,
 * MACD, ATR) are divided by the close so that every feature is comparable across stocks and over time; the
 * raw indicators are the exported helpers below (they are what the hand-computed tests check).
 *
 * Conventions (TA-Lib unless stated): EMA α = 2/(n+1) and Wilder α = 1/n, both seeded by the simple mean of
 * the first n values; RSI and ADX use Wilder averages; Bollinger bands use the population sd (ddof 0, as
 * Bollinger defines them); historical volatility is the ddof-1 sd of daily log returns × √252 (methods.md §0).
 * Missing OHLV panels give NaN columns, never a substitute.
 */
import type { Universe } from '../../core/universe.ts';
import type { PanelOps } from './panel-ops.ts';
import type { FeatureBlock, FeatureCalculator } from './types.ts';

export const TECHNICAL_FEATURES = [
  'ret_1d',
  'ret_5d',
  'ret_21d',
  'roc_10',
  'rsi_14',
  'macd_line_norm',
  'macd_signal_norm',
  'macd_hist_norm',
  'stoch_k_14',
  'stoch_d_3',
  'sma_20_ratio',
  'sma_50_ratio',
  'sma_200_ratio',
  'sma_20_50_ratio',
  'sma_50_200_ratio',
  'ema_12_ratio',
  'ema_26_ratio',
  'adx_14',
  'plus_di_14',
  'minus_di_14',
  'atr_14_pct',
  'bb_width_20',
  'bb_pct_b_20',
  'hist_vol_20',
  'hist_vol_60',
  'obv_slope_20',
  'vwap_ratio_20',
  'volume_sma_ratio_20',
  'dist_52w_high',
  'dist_52w_low',
  'daily_range',
  'overnight_gap',
] as const;

/** RSI_n = 100 − 100/(1 + AG/AL) with Wilder averages of gains and losses; AL = 0 gives 100, AG = AL = 0 NaN. */
export function rsiWilder(ops: PanelOps, close: Float64Array, n: number): Float64Array {
  const { T, N } = ops;
  const gain = ops.alloc();
  const loss = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const d = close[t * N + i]! - close[(t - 1) * N + i]!;
      gain[t * N + i] = d > 0 ? d : Number.isNaN(d) ? Number.NaN : 0;
      loss[t * N + i] = d < 0 ? -d : Number.isNaN(d) ? Number.NaN : 0;
    }
  }
  const ag = ops.wilder(gain, n);
  const al = ops.wilder(loss, n);
  const out = ops.alloc();
  for (let j = 0; j < out.length; j++) {
    const g = ag[j]!;
    const l = al[j]!;
    if (Number.isNaN(g) || Number.isNaN(l) || (g === 0 && l === 0)) continue;
    out[j] = l === 0 ? 100 : 100 - 100 / (1 + g / l);
  }
  return out;
}

/** MACD line EMA_fast − EMA_slow, signal = EMA_signal(line), histogram = line − signal (price units). */
export function macd(
  ops: PanelOps,
  close: Float64Array,
  fast = 12,
  slow = 26,
  signal = 9,
): { line: Float64Array; signal: Float64Array; hist: Float64Array } {
  const ef = ops.ema(close, fast);
  const es = ops.ema(close, slow);
  const line = ops.alloc();
  for (let j = 0; j < line.length; j++) line[j] = ef[j]! - es[j]!;
  const sig = ops.ema(line, signal);
  const hist = ops.alloc();
  for (let j = 0; j < hist.length; j++) hist[j] = line[j]! - sig[j]!;
  return { line, signal: sig, hist };
}

/** True range max(H − L, |H − C_{t−1}|, |L − C_{t−1}|); NaN on the first bar. */
export function trueRange(
  ops: PanelOps,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
): Float64Array {
  const { T, N } = ops;
  const tr = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const h = high[t * N + i]!;
      const l = low[t * N + i]!;
      const pc = close[(t - 1) * N + i]!;
      tr[t * N + i] = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
    }
  }
  return tr;
}

/** Wilder's directional system: +DI, −DI (0–100) and ADX_n (Wilder average of DX). */
export function adxWilder(
  ops: PanelOps,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  n: number,
): { adx: Float64Array; plusDi: Float64Array; minusDi: Float64Array; atr: Float64Array } {
  const { T, N } = ops;
  const pdm = ops.alloc();
  const mdm = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const up = high[t * N + i]! - high[(t - 1) * N + i]!;
      const down = low[(t - 1) * N + i]! - low[t * N + i]!;
      if (Number.isNaN(up) || Number.isNaN(down)) continue;
      pdm[t * N + i] = up > down && up > 0 ? up : 0;
      mdm[t * N + i] = down > up && down > 0 ? down : 0;
    }
  }
  const atr = ops.wilder(trueRange(ops, high, low, close), n);
  const sp = ops.wilder(pdm, n);
  const sm = ops.wilder(mdm, n);
  const plusDi = ops.alloc();
  const minusDi = ops.alloc();
  const dx = ops.alloc();
  for (let j = 0; j < dx.length; j++) {
    const a = atr[j]!;
    if (!(a > 0)) continue;
    const p = (100 * sp[j]!) / a;
    const m = (100 * sm[j]!) / a;
    plusDi[j] = p;
    minusDi[j] = m;
    if (p + m > 0) dx[j] = (100 * Math.abs(p - m)) / (p + m);
  }
  return { adx: ops.wilder(dx, n), plusDi, minusDi, atr };
}

function panelOrNaN(u: Universe, name: string, size: number): Float64Array {
  return u.panels.get(name)?.values ?? new Float64Array(size).fill(Number.NaN);
}

function computeTechnical(u: Universe, ops: PanelOps): FeatureBlock {
  const { T, N } = ops;
  const size = T * N;
  const C = panelOrNaN(u, 'close', size);
  const O = panelOrNaN(u, 'open', size);
  const H = panelOrNaN(u, 'high', size);
  const L = panelOrNaN(u, 'low', size);
  const V = panelOrNaN(u, 'volume', size);
  const cols = new Map<string, Float64Array>();
  const put = (name: (typeof TECHNICAL_FEATURES)[number], v: Float64Array) => cols.set(name, v);
  const relTo = (x: Float64Array, base: Float64Array) => {
    const out = ops.alloc();
    for (let j = 0; j < size; j++) if (base[j]! > 0) out[j] = x[j]! / base[j]!;
    return out;
  };
  const overMinusOne = (x: Float64Array, base: Float64Array) => {
    const out = relTo(x, base);
    for (let j = 0; j < size; j++) out[j]! -= 1;
    return out;
  };

  put('ret_1d', ops.change(C, 1));
  put('ret_5d', ops.change(C, 5));
  put('ret_21d', ops.change(C, 21));
  put('roc_10', ops.change(C, 10));
  put('rsi_14', rsiWilder(ops, C, 14));
  const m = macd(ops, C);
  put('macd_line_norm', relTo(m.line, C));
  put('macd_signal_norm', relTo(m.signal, C));
  put('macd_hist_norm', relTo(m.hist, C));

  const hh = ops.max(H, 14);
  const ll = ops.min(L, 14);
  const k = ops.alloc();
  for (let j = 0; j < size; j++) {
    const range = hh[j]! - ll[j]!;
    if (range > 1e-12 * Math.abs(hh[j]!)) k[j] = (100 * (C[j]! - ll[j]!)) / range;
  }
  put('stoch_k_14', k);
  put('stoch_d_3', ops.sma(k, 3));

  const sma20 = ops.sma(C, 20);
  const sma50 = ops.sma(C, 50);
  const sma200 = ops.sma(C, 200);
  put('sma_20_ratio', overMinusOne(C, sma20));
  put('sma_50_ratio', overMinusOne(C, sma50));
  put('sma_200_ratio', overMinusOne(C, sma200));
  put('sma_20_50_ratio', overMinusOne(sma20, sma50));
  put('sma_50_200_ratio', overMinusOne(sma50, sma200));
  put('ema_12_ratio', overMinusOne(C, ops.ema(C, 12)));
  put('ema_26_ratio', overMinusOne(C, ops.ema(C, 26)));

  const dmi = adxWilder(ops, H, L, C, 14);
  put('adx_14', dmi.adx);
  put('plus_di_14', dmi.plusDi);
  put('minus_di_14', dmi.minusDi);
  put('atr_14_pct', relTo(dmi.atr, C));

  const sd20 = ops.std(C, 20, 0);
  const width = ops.alloc();
  const pctB = ops.alloc();
  for (let j = 0; j < size; j++) {
    const mid = sma20[j]!;
    const s = sd20[j]!;
    if (!(mid > 0) || Number.isNaN(s)) continue;
    width[j] = (4 * s) / mid;
    // A flat window has no band: %B is undefined (methods.md §0), not 0.5.
    if (s > 1e-6 * mid) pctB[j] = (C[j]! - (mid - 2 * s)) / (4 * s);
  }
  put('bb_width_20', width);
  put('bb_pct_b_20', pctB);

  const logRet = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const a = C[t * N + i]!;
      const b = C[(t - 1) * N + i]!;
      if (a > 0 && b > 0) logRet[t * N + i] = Math.log(a / b);
    }
  }
  const annualise = (x: Float64Array) => {
    for (let j = 0; j < size; j++) x[j]! *= Math.sqrt(252);
    return x;
  };
  put('hist_vol_20', annualise(ops.std(logRet, 20, 1)));
  put('hist_vol_60', annualise(ops.std(logRet, 60, 1)));

  // OBV is path-dependent from the first bar; its 20-day change over the 20-day volume is not.
  const signedVol = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const d = C[t * N + i]! - C[(t - 1) * N + i]!;
      const v = V[t * N + i]!;
      if (!Number.isNaN(d)) signedVol[t * N + i] = d > 0 ? v : d < 0 ? -v : 0 * v;
    }
  }
  const volSum20 = ops.sum(V, 20);
  const obv = ops.sum(signedVol, 20);
  const obvSlope = ops.alloc();
  for (let j = 0; j < size; j++) if (volSum20[j]! > 0) obvSlope[j] = obv[j]! / volSum20[j]!;
  put('obv_slope_20', obvSlope);

  const tpv = ops.alloc();
  for (let j = 0; j < size; j++) tpv[j] = ((H[j]! + L[j]! + C[j]!) / 3) * V[j]!;
  const tpvSum = ops.sum(tpv, 20);
  const vwap = ops.alloc();
  for (let j = 0; j < size; j++) if (volSum20[j]! > 0) vwap[j] = tpvSum[j]! / volSum20[j]!;
  put('vwap_ratio_20', overMinusOne(C, vwap));
  put('volume_sma_ratio_20', relTo(V, ops.sma(V, 20)));

  put('dist_52w_high', overMinusOne(C, ops.max(H, 252)));
  put('dist_52w_low', overMinusOne(C, ops.min(L, 252)));
  const range = ops.alloc();
  for (let j = 0; j < size; j++) if (C[j]! > 0) range[j] = (H[j]! - L[j]!) / C[j]!;
  put('daily_range', range);
  const gap = ops.alloc();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const pc = C[(t - 1) * N + i]!;
      if (pc > 0) gap[t * N + i] = O[t * N + i]! / pc - 1;
    }
  }
  put('overnight_gap', gap);

  return {
    family: 'technical',
    names: [...TECHNICAL_FEATURES],
    columns: TECHNICAL_FEATURES.map((n) => cols.get(n)!),
  };
}

export const technicalCalculator: FeatureCalculator = {
  family: 'technical',
  names: () => [...TECHNICAL_FEATURES],
  compute: (u, ops) => computeTechnical(u, ops),
};
