/** Small random universes with OHLCV panels, benchmark series and PIT events for the feature tests. */
import { businessDays, closeTime } from '../../../src/core/calendar.ts';
import { Rng } from '../../../src/core/rng.ts';
import { makeUniverse, type PitEvents, type Universe } from '../../../src/core/universe.ts';

export const FIELDS = [
  'revenue',
  'net_income',
  'eps',
  'book_equity',
  'total_debt',
  'current_assets',
  'current_liabilities',
  'ebitda',
  'dividends_per_share',
  'shares_outstanding',
  'roe',
  'earnings_surprise',
  'eps_revision',
  'short_interest',
  'insider_shares',
  'insider_value',
];

const DAY = 86_400_000;

export function randomUniverse(seed: number, T = 300, N = 6): Universe {
  const rng = new Rng(seed);
  const dates = businessDays('2020-01-01', T);
  const tickers = Array.from({ length: N }, (_, i) => `T${i}`);
  const sectorNames = ['Energy', 'Health Care'];
  const securities = tickers.map((t, i) => ({ ticker: t, sector: sectorNames[i % 2]! }));
  const close = new Float64Array(T * N);
  const open = new Float64Array(T * N);
  const high = new Float64Array(T * N);
  const low = new Float64Array(T * N);
  const volume = new Float64Array(T * N);
  for (let i = 0; i < N; i++) {
    let p = 20 + 40 * rng.uniform();
    for (let t = 0; t < T; t++) {
      const o = p * Math.exp(0.005 * rng.normal());
      p = o * Math.exp(0.015 * rng.normal());
      close[t * N + i] = p;
      open[t * N + i] = o;
      high[t * N + i] = Math.max(o, p) * (1 + 0.01 * rng.uniform());
      low[t * N + i] = Math.min(o, p) * (1 - 0.01 * rng.uniform());
      volume[t * N + i] = Math.round(1e5 * (0.5 + rng.uniform()));
    }
  }
  const series = new Map<string, Float64Array>();
  const idx = (scale: number) => {
    const s = new Float64Array(T);
    let v = scale;
    for (let t = 0; t < T; t++) {
      v *= Math.exp(0.01 * rng.normal());
      s[t] = v;
    }
    return s;
  };
  series.set('market', idx(1000));
  series.set('vix', idx(16));
  for (const s of sectorNames) series.set(`sector:${s}`, idx(100));
  const panel = (values: Float64Array) => ({ dates, tickers, values });
  const panels = new Map([
    ['close', panel(close)],
    ['open', panel(open)],
    ['high', panel(high)],
    ['low', panel(low)],
    ['volume', panel(volume)],
  ]);
  return makeUniverse({
    dates,
    tickers,
    securities,
    panels,
    series,
    events: randomEvents(rng, dates, N),
    source: `test:${seed}`,
  });
}

function randomEvents(rng: Rng, dates: readonly string[], N: number): PitEvents {
  const tk: number[] = [];
  const fd: number[] = [];
  const et: number[] = [];
  const at: number[] = [];
  const val: number[] = [];
  const push = (i: number, f: string, e: number, a: number, v: number) => {
    tk.push(i);
    fd.push(FIELDS.indexOf(f));
    et.push(e);
    at.push(a);
    val.push(v);
  };
  const start = closeTime(dates[0]!) - 500 * DAY;
  const end = closeTime(dates[dates.length - 1]!);
  for (let i = 0; i < N; i++) {
    for (let q = start; q < end; q += 91 * DAY) {
      const avail = q + (20 + 40 * rng.uniform()) * DAY;
      for (const f of FIELDS.slice(0, 13))
        push(i, f, q, avail, (f === 'shares_outstanding' ? 1e6 : 10) * (0.2 + rng.uniform()));
    }
    for (let s = start; s < end; s += 15 * DAY)
      push(i, 'short_interest', s, s + 8 * DAY, 0.05 * rng.uniform());
    for (let s = closeTime(dates[0]!); s < end; s += (20 + 40 * rng.uniform()) * DAY) {
      const sh = Math.round((rng.uniform() - 0.6) * 1e4);
      const lag = (0.2 + 2 * rng.uniform()) * DAY;
      push(i, 'insider_shares', s - 5 * 3600e3, s + lag, sh);
      push(i, 'insider_value', s - 5 * 3600e3, s + lag, sh * 30);
    }
  }
  return {
    fields: FIELDS,
    ticker: Int32Array.from(tk),
    field: Int32Array.from(fd),
    eventTime: Float64Array.from(et),
    availableTime: Float64Array.from(at),
    value: Float64Array.from(val),
  };
}

/**
 * The universe with every input dated after bar `tStar` perturbed (methods.md §10 property test): panel rows
 * and series values after t* scaled, sign-flipped or NaN; events with event or available time after close(t*)
 * rescaled or deleted; extra future events injected.
 */
export function perturbAfter(u: Universe, tStar: number, seed: number): Universe {
  const rng = new Rng(seed);
  const T = u.dates.length;
  const N = u.tickers.length;
  const cut = closeTime(u.dates[tStar]!);
  const bump = (v: number) => {
    const r = rng.uniform();
    return r < 0.1 ? Number.NaN : r < 0.2 ? -v : v * (0.5 + rng.uniform());
  };
  const panels = new Map(
    [...u.panels].map(([name, p]) => {
      const values = Float64Array.from(p.values);
      for (let k = (tStar + 1) * N; k < T * N; k++) values[k] = bump(values[k]!);
      return [name, { ...p, values }] as const;
    }),
  );
  const series = new Map(
    [...u.series].map(([name, s]) => {
      const v = Float64Array.from(s);
      for (let t = tStar + 1; t < T; t++) v[t] = bump(v[t]!);
      return [name, v] as const;
    }),
  );
  const e = u.events;
  const keep: number[] = [];
  const tk: number[] = [];
  const fd: number[] = [];
  const et: number[] = [];
  const at: number[] = [];
  const val: number[] = [];
  for (let k = 0; k < e.value.length; k++) {
    const future = e.eventTime[k]! > cut || e.availableTime[k]! > cut;
    if (future && rng.uniform() < 0.3) continue;
    keep.push(k);
    tk.push(e.ticker[k]!);
    fd.push(e.field[k]!);
    et.push(e.eventTime[k]!);
    at.push(e.availableTime[k]!);
    val.push(future ? bump(e.value[k]!) * 3 : e.value[k]!);
  }
  for (let j = 0; j < 40; j++) {
    const a = cut + 1 + rng.uniform() * 200 * DAY;
    tk.push(rng.int(N));
    fd.push(rng.int(e.fields.length));
    et.push(a - rng.uniform() * 400 * DAY); // may even be an old event time, but it becomes known after t*
    at.push(a);
    val.push(rng.normal() * 1e3);
  }
  return {
    ...u,
    panels,
    series,
    events: {
      fields: e.fields,
      ticker: Int32Array.from(tk),
      field: Int32Array.from(fd),
      eventTime: Float64Array.from(et),
      availableTime: Float64Array.from(at),
      value: Float64Array.from(val),
    },
  };
}
