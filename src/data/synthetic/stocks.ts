/**
 * Per-stock draws that stay fixed over the sample: sector, factor loadings B (N × 8), sector loading,
 * idiosyncratic vol (adjusted into the annual-vol band), first price, size and trading turnover.
 * Each quantity has its own random stream (`deriveSeed(seed, label)`), so adding one does not shift others.
 */
import { deriveSeed, Rng } from '../../core/rng.ts';
import {
  ANNUAL_VOL_MAX,
  ANNUAL_VOL_MIN,
  BETA_DISPERSION,
  BETA_MAX,
  BETA_MIN,
  FACTOR_COUNT,
  FACTOR_VOLS_DAILY,
  GICS_SECTOR_SHARES,
  IDIO_VOL_MAX_DAILY,
  IDIO_VOL_MIN_DAILY,
  SECTOR_LOADING_MAX,
  SECTOR_LOADING_MIN,
  SECTOR_VOL_DAILY,
  STYLE_LOADING_CLIP,
  STYLE_LOADING_SD,
} from './parameters.ts';

export interface StockDraws {
  /** Sector index of each stock into the first `sectors` GICS names. */
  readonly sectorOf: Int32Array;
  /** N × 8 row-major: `loadings[i * 8 + k]`; column 0 is the market beta. */
  readonly loadings: Float64Array;
  readonly sectorLoading: Float64Array;
  /** Unconditional daily idiosyncratic vol. */
  readonly idioVol: Float64Array;
  /** Unconditional annualised total vol, in [ANNUAL_VOL_MIN, ANNUAL_VOL_MAX]. */
  readonly annualVol: Float64Array;
  /** Price on the first date. */
  readonly price0: Float64Array;
  /** ln(market cap) on the first date, before the filings' share counts adjust it. */
  readonly logMcap0: Float64Array;
  /** Mean daily share turnover (volume / shares outstanding). */
  readonly turnover: Float64Array;
}

const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/**
 * Sector sizes by the largest-remainder rule on `GICS_SECTOR_SHARES` (renormalised over the first S names),
 * at least one stock each, assigned to stocks in a random order.
 */
export function assignSectors(N: number, S: number, rng: Rng): Int32Array {
  const shares = GICS_SECTOR_SHARES.slice(0, S);
  const total = shares.reduce((a, b) => a + b, 0);
  const counts = new Int32Array(S).fill(1);
  let left = N - S;
  const ideal = shares.map((w) => (w / total) * (N - S));
  const rem: { s: number; r: number }[] = [];
  for (let s = 0; s < S; s++) {
    const whole = Math.floor(ideal[s]!);
    counts[s]! += whole;
    left -= whole;
    rem.push({ s, r: ideal[s]! - whole });
  }
  rem.sort((a, b) => b.r - a.r || a.s - b.s);
  for (let k = 0; k < left; k++) counts[rem[k]!.s]!++;
  const sectorOf = new Int32Array(N);
  let p = 0;
  for (let s = 0; s < S; s++) for (let c = 0; c < counts[s]!; c++) sectorOf[p++] = s;
  for (let i = N - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = sectorOf[i]!;
    sectorOf[i] = sectorOf[j]!;
    sectorOf[j] = tmp;
  }
  return sectorOf;
}

export function drawStocks(seed: number, N: number, S: number): StockDraws {
  const K = FACTOR_COUNT;
  const sectorOf = assignSectors(N, S, new Rng(deriveSeed(seed, 'sectors')));

  const rl = new Rng(deriveSeed(seed, 'loadings'));
  const loadings = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    loadings[i * K] = clip(1 + BETA_DISPERSION * rl.normal(), BETA_MIN, BETA_MAX);
    for (let k = 1; k < K; k++) {
      loadings[i * K + k] = clip(STYLE_LOADING_SD * rl.normal(), -STYLE_LOADING_CLIP, STYLE_LOADING_CLIP);
    }
  }

  const rs = new Rng(deriveSeed(seed, 'sector-loadings'));
  const sectorLoading = new Float64Array(N);
  for (let i = 0; i < N; i++) sectorLoading[i] = rs.uniformIn(SECTOR_LOADING_MIN, SECTOR_LOADING_MAX);

  // Idiosyncratic vol: a uniform draw, then moved so the total unconditional vol lies in the band.
  const ri = new Rng(deriveSeed(seed, 'idio-vol'));
  const idioVol = new Float64Array(N);
  const annualVol = new Float64Array(N);
  const vMin = ANNUAL_VOL_MIN ** 2 / 252;
  const vMax = ANNUAL_VOL_MAX ** 2 / 252;
  for (let i = 0; i < N; i++) {
    let sys = (sectorLoading[i]! * SECTOR_VOL_DAILY) ** 2;
    for (let k = 0; k < K; k++) sys += (loadings[i * K + k]! * FACTOR_VOLS_DAILY[k]!) ** 2;
    let idioVar = ri.uniformIn(IDIO_VOL_MIN_DAILY, IDIO_VOL_MAX_DAILY) ** 2;
    if (sys + idioVar < vMin) idioVar = vMin - sys;
    else if (sys + idioVar > vMax) idioVar = Math.max(vMax - sys, 0);
    idioVol[i] = Math.sqrt(idioVar);
    annualVol[i] = Math.sqrt(252 * (sys + idioVar));
  }

  // Size: small caps load positively on the size factor (seed 002's +4 %/yr premium is "small minus big").
  const rz = new Rng(deriveSeed(seed, 'size'));
  const price0 = new Float64Array(N);
  const logMcap0 = new Float64Array(N);
  const turnover = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const sizeZ = loadings[i * K + 2]! / STYLE_LOADING_SD;
    const liquidityZ = loadings[i * K + 7]! / STYLE_LOADING_SD;
    price0[i] = Math.exp(Math.log(40) + 0.7 * rz.normal());
    logMcap0[i] = 22 - 0.8 * sizeZ + 0.8 * rz.normal();
    // About 0.6 % of shares a day, more for small and for liquidity-loaded names.
    turnover[i] = 0.006 * Math.exp(0.25 * liquidityZ - 0.15 * (logMcap0[i]! - 22) + 0.3 * rz.normal());
  }
  return { sectorOf, loadings, sectorLoading, idioVol, annualVol, price0, logMcap0, turnover };
}
