// Small random universes for signal tests: every field the built-in families read, a `market` index, a few
// NaN holes, and deterministic from a seed.
import { businessDays } from '../../src/core/calendar.ts';
import { type Panel, panelFromValues } from '../../src/core/panel.ts';
import { Rng } from '../../src/core/rng.ts';
import { makeUniverse, type Universe } from '../../src/core/universe.ts';

export interface FixtureOptions {
  readonly T?: number;
  readonly N?: number;
  readonly sectors?: number;
  readonly seed?: number;
  /** Share of return cells set to NaN. */
  readonly holes?: number;
  readonly market?: boolean;
  readonly fields?: readonly string[];
}

export const FUNDAMENTAL_FIELDS = [
  'book_to_market',
  'roe',
  'eps_revision',
  'short_interest',
  'earnings_surprise',
  'accruals',
  'asset_growth',
];

export interface FixtureData {
  T: number;
  N: number;
  dates: string[];
  tickers: string[];
  sectorNames: string[];
  panels: Map<string, Float64Array>;
  market: Float64Array | undefined;
}

export function fixtureData(o: FixtureOptions = {}): FixtureData {
  const T = o.T ?? 200;
  const N = o.N ?? 30;
  const G = o.sectors ?? 4;
  const rng = new Rng(o.seed ?? 1);
  const dates = businessDays('2020-01-01', T);
  const tickers = Array.from({ length: N }, (_, i) => `T${String(i).padStart(3, '0')}`);
  const sectorNames = Array.from({ length: N }, (_, i) => `S${i % G}`);
  const panels = new Map<string, Float64Array>();
  const ret = new Float64Array(T * N);
  const mkt = new Float64Array(T);
  for (let t = 0; t < T; t++) mkt[t] = 0.01 * rng.normal();
  const b = Float64Array.from({ length: N }, () => 1 + 0.3 * rng.normal());
  for (let t = 0; t < T; t++)
    for (let i = 0; i < N; i++) ret[t * N + i] = b[i]! * mkt[t]! + 0.02 * rng.normal();
  for (let k = 0; k < T * N; k++) if (rng.uniform() < (o.holes ?? 0)) ret[k] = Number.NaN;
  panels.set('return', ret);
  const mcap = new Float64Array(T * N);
  for (let i = 0; i < N; i++) {
    let m = Math.exp(20 + rng.normal());
    for (let t = 0; t < T; t++) {
      const r = ret[t * N + i]!;
      if (!Number.isNaN(r)) m *= 1 + r;
      mcap[t * N + i] = m;
    }
  }
  panels.set('market_cap', mcap);
  for (const f of o.fields ?? FUNDAMENTAL_FIELDS) {
    const v = new Float64Array(T * N);
    for (let i = 0; i < N; i++) {
      let level = rng.normal();
      for (let t = 0; t < T; t++) {
        if (t % 21 === 0) level = 0.7 * level + 0.3 * rng.normal();
        v[t * N + i] = level;
      }
    }
    panels.set(f, v);
  }
  let level = 100;
  const market = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    level *= 1 + mkt[t]!;
    market[t] = level;
  }
  return { T, N, dates, tickers, sectorNames, panels, market: o.market === false ? undefined : market };
}

export function universeFrom(d: FixtureData): Universe {
  const panels = new Map<string, Panel>();
  for (const [name, v] of d.panels) panels.set(name, panelFromValues(d.dates, d.tickers, v));
  return makeUniverse({
    dates: d.dates,
    tickers: d.tickers,
    securities: d.tickers.map((ticker, i) => ({ ticker, sector: d.sectorNames[i]! })),
    panels,
    ...(d.market ? { series: new Map([['market', d.market]]) } : {}),
    source: 'test fixture',
  });
}

export function fixtureUniverse(o: FixtureOptions = {}): Universe {
  return universeFrom(fixtureData(o));
}

/** A deep copy of fixture data, so a test can perturb it. */
export function cloneData(d: FixtureData): FixtureData {
  return {
    ...d,
    panels: new Map([...d.panels].map(([k, v]) => [k, new Float64Array(v)])),
    market: d.market ? new Float64Array(d.market) : undefined,
  };
}

/** Bitwise equality of two float arrays over [from, to), NaN equal to NaN. */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): boolean {
  for (let k = from; k < to; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/**
 * Largest |a_k − b_k| / max(1, |b_k|) over the cells, or Infinity when the NaN patterns differ (the
 * tolerance of docs/decisions/026: reordered float sums, never a different missing-value rule).
 */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let worst = 0;
  for (let k = from; k < to; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.POSITIVE_INFINITY;
      continue;
    }
    if (x === y) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return worst;
}
