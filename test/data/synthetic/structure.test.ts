import { describe, expect, it } from 'vitest';
import { businessDays } from '../../../src/core/calendar.ts';
import { generateSyntheticMarket, MARKET_PANELS } from '../../../src/data/synthetic/index.ts';
import { GICS_SECTOR_SHARES, GICS_SECTORS } from '../../../src/data/synthetic/parameters.ts';
import { corr, firstDifference } from './arrays.ts';

const N = 120;
const T = 260;
const market = generateSyntheticMarket({ stocks: N, days: T, seed: 11 });
const u = market.universe;
const P = (name: string) => u.panels.get(name)!.values;

function expectSameMarket(a: typeof market, b: typeof market) {
  for (const name of MARKET_PANELS) {
    expect(
      firstDifference(a.universe.panels.get(name)!.values, b.universe.panels.get(name)!.values),
      name,
    ).toBe(-1);
  }
  for (const [name, s] of a.universe.series)
    expect(firstDifference(b.universe.series.get(name)!, s), name).toBe(-1);
  const [ea, eb] = [a.universe.events, b.universe.events];
  expect(ea.fields).toEqual(eb.fields);
  for (const col of ['ticker', 'field', 'eventTime', 'availableTime', 'value'] as const) {
    expect(firstDifference(ea[col], eb[col]), col).toBe(-1);
  }
  for (const key of Object.keys(a.truth) as (keyof typeof a.truth)[]) {
    const [x, y] = [a.truth[key], b.truth[key]];
    if (x instanceof Float64Array) expect(firstDifference(x, y as Float64Array), key).toBe(-1);
    else expect(x).toEqual(y);
  }
}

describe('synthetic market: shape and determinism', () => {
  it('has every documented panel on the dates × tickers grid and business-day dates', () => {
    expect(u.dates).toEqual(businessDays('2015-01-01', T));
    expect(u.tickers[0]).toBe('STK_0000');
    expect(u.tickers[N - 1]).toBe('STK_0119');
    expect([...u.panels.keys()].sort()).toEqual([...MARKET_PANELS].sort());
    for (const p of u.panels.values()) {
      expect(p.values.length).toBe(N * T);
      expect(p.dates).toBe(u.dates);
    }
    expect(market.truth.loadings.length).toBe(N * 8);
    expect(market.truth.factorReturns.length).toBe(T * 8);
    expect(market.truth.garchVariance.length).toBe(T);
    expect(u.source).toContain('seed=11');
  });

  it('is identical for the same seed and differs for another seed', () => {
    expectSameMarket(market, generateSyntheticMarket({ stocks: N, days: T, seed: 11 }));
    const other = generateSyntheticMarket({ stocks: N, days: T, seed: 12 });
    expect(firstDifference(other.universe.panels.get('close')!.values, P('close'))).toBe(0);
    expect(firstDifference(other.truth.loadings, market.truth.loadings)).toBe(0);
    expect(firstDifference(other.universe.events.value, u.events.value)).not.toBe(-1);
  });

  it('puts panels on SharedArrayBuffers when asked, with the same values', () => {
    const shared = generateSyntheticMarket({ stocks: N, days: T, seed: 11, shared: true });
    for (const p of shared.universe.panels.values())
      expect(p.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(P('close').buffer).toBeInstanceOf(ArrayBuffer);
    expectSameMarket(market, shared);
  });

  it('is causal: a shorter market with the same seed is an exact prefix of a longer one', () => {
    const Ts = 140;
    const short = generateSyntheticMarket({ stocks: N, days: Ts, seed: 11 });
    for (const name of MARKET_PANELS) {
      expect(
        firstDifference(short.universe.panels.get(name)!.values, P(name).subarray(0, Ts * N)),
        name,
      ).toBe(-1);
    }
    for (const [name, s] of short.universe.series) {
      expect(firstDifference(s, u.series.get(name)!.subarray(0, Ts)), name).toBe(-1);
    }
    expect(firstDifference(short.truth.factorReturns, market.truth.factorReturns.subarray(0, Ts * 8))).toBe(
      -1,
    );
    expect(firstDifference(short.truth.garchVariance, market.truth.garchVariance.subarray(0, Ts))).toBe(-1);
    // Its events are the long market's events that were available by its last close, in the same order.
    const lastClose = Date.parse(`${u.dates[Ts - 1]}T21:00:00Z`);
    const keep: number[] = [];
    for (let k = 0; k < u.events.value.length; k++) if (u.events.availableTime[k]! <= lastClose) keep.push(k);
    const e = short.universe.events;
    expect(e.value.length).toBe(keep.length);
    for (const col of ['ticker', 'field', 'eventTime', 'availableTime', 'value'] as const) {
      expect(
        firstDifference(
          e[col],
          Float64Array.from(keep, (k) => u.events[col][k]!),
        ),
        col,
      ).toBe(-1);
    }
  });

  it('assigns all 11 GICS sectors with sizes from the documented shares', () => {
    const big = generateSyntheticMarket({ stocks: 1000, days: 2, seed: 3 });
    expect(big.universe.sectors).toEqual([...GICS_SECTORS]);
    const counts = new Array(11).fill(0);
    for (const s of big.universe.sectorOf) counts[s]++;
    counts.forEach((c, s) => {
      expect(Math.abs(c - 1000 * GICS_SECTOR_SHARES[s]!)).toBeLessThanOrEqual(1);
    });
    // Fewer sectors: the first S names, still every one present.
    const few = generateSyntheticMarket({ stocks: 7, days: 2, sectors: 4, seed: 3 });
    expect(few.universe.sectors).toEqual(GICS_SECTORS.slice(0, 4));
    expect(new Set(few.universe.sectorOf).size).toBe(4);
  });
});

describe('synthetic market: internally consistent prices', () => {
  it('stores returns that equal close_t / close_{t−1} − 1 exactly, NaN on the first date', () => {
    const close = P('close');
    const ret = P('return');
    for (let i = 0; i < N; i++) expect(Number.isNaN(ret[i]!)).toBe(true);
    const expected = Float64Array.from(ret, (_, k) => (k < N ? Number.NaN : close[k]! / close[k - N]! - 1));
    expect(firstDifference(ret, expected)).toBe(-1);
  });

  it('has OHLC bars around the close: low ≤ min(open, close) ≤ max(open, close) ≤ high, all positive', () => {
    const [open, high, low, close] = [P('open'), P('high'), P('low'), P('close')];
    let gapAbs = 0;
    let retAbs = 0;
    let bad = 0;
    for (let k = 0; k < N * T; k++) {
      if (
        !(
          low[k]! > 0 &&
          low[k]! <= Math.min(open[k]!, close[k]!) &&
          high[k]! >= Math.max(open[k]!, close[k]!)
        )
      )
        bad++;
      if (k >= N) {
        gapAbs += Math.abs(Math.log(open[k]! / close[k - N]!));
        retAbs += Math.abs(Math.log(close[k]! / close[k - N]!));
      }
    }
    expect(bad).toBe(0);
    // The overnight gap is a fraction of the day's move, not a second random walk.
    expect(gapAbs / retAbs).toBeGreaterThan(0.15);
    expect(gapAbs / retAbs).toBeLessThan(0.6);
  });

  it('has integer volumes linked to market cap across stocks and to |return| within a stock', () => {
    const [volume, close, mcap, ret] = [P('volume'), P('close'), P('market_cap'), P('return')];
    const logDollarVolume: number[] = [];
    const logCap: number[] = [];
    let linked = 0;
    let notInteger = 0;
    for (let i = 0; i < N; i++) {
      let dv = 0;
      let cap = 0;
      const v: number[] = [];
      const a: number[] = [];
      for (let t = 0; t < T; t++) {
        const k = t * N + i;
        if (!(Number.isInteger(volume[k]!) && volume[k]! >= 1)) notInteger++;
        dv += volume[k]! * close[k]!;
        cap += mcap[k]!;
        if (t > 0) {
          v.push(volume[k]!);
          a.push(Math.abs(ret[k]!));
        }
      }
      logDollarVolume.push(Math.log(dv));
      logCap.push(Math.log(cap));
      if (corr(v, a) > 0.1) linked++;
    }
    expect(notInteger).toBe(0);
    expect(corr(logDollarVolume, logCap)).toBeGreaterThan(0.7);
    expect(linked / N).toBeGreaterThan(0.9);
  });

  it('computes the market and sector indices as cap-weighted returns of the previous day', () => {
    const [mcap, ret] = [P('market_cap'), P('return')];
    const market = u.series.get('market')!;
    expect(market[0]).toBe(1000);
    const sectors = u.sectors.map((s) => u.series.get(`sector:${s}`)!);
    for (let t = 1; t < T; t++) {
      let num = 0;
      let den = 0;
      const sn = new Array(u.sectors.length).fill(0);
      const sd = new Array(u.sectors.length).fill(0);
      for (let i = 0; i < N; i++) {
        const w = mcap[(t - 1) * N + i]!;
        num += w * ret[t * N + i]!;
        den += w;
        sn[u.sectorOf[i]!] += w * ret[t * N + i]!;
        sd[u.sectorOf[i]!] += w;
      }
      expect(market[t]! / market[t - 1]! - 1).toBeCloseTo(num / den, 12);
      sectors.forEach((s, j) => {
        expect(s[t]! / s[t - 1]! - 1).toBeCloseTo(sn[j] / sd[j], 12);
      });
    }
  });

  it('has a VIX in annualised percent that prices the GARCH variance forward over 21 days', () => {
    const vix = u.series.get('vix')!;
    const h = market.truth.garchVariance;
    const phi = market.truth.garch.alpha + market.truth.garch.beta;
    const A = (1 - phi ** 21) / (21 * (1 - phi));
    for (let t = 0; t < T - 1; t++) {
      const expected = 100 * 1.1 * 0.15 * Math.sqrt(1 + (h[t + 1]! - 1) * A);
      expect(vix[t]).toBeCloseTo(expected, 10);
    }
    expect(Math.min(...vix)).toBeGreaterThan(5);
    expect(Math.max(...vix)).toBeLessThan(80);
  });
});
