/**
 * Universe: everything alphalab knows about a market (architecture.md §3) — named daily panels on one
 * date × ticker grid, the securities with their sectors, benchmark series on the same dates, and sparse
 * point-in-time events, each stamped with when it happened and when it became known.
 */
import { InvalidInputError } from './errors.ts';
import type { Panel } from './panel.ts';

export interface Security {
  readonly ticker: string;
  readonly sector: string;
  readonly name?: string;
}

/**
 * Sparse point-in-time facts, stored column-wise (one entry per index k). Times are epoch ms UTC.
 * A fact may be used at decision time τ only if `availableTime[k] <= τ` (methods.md §10).
 */
export interface PitEvents {
  /** Distinct field names; `field[k]` indexes into this. */
  readonly fields: readonly string[];
  /** Index into `Universe.tickers`. */
  readonly ticker: Int32Array;
  readonly field: Int32Array;
  readonly eventTime: Float64Array;
  readonly availableTime: Float64Array;
  readonly value: Float64Array;
}

export interface Universe {
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  /** One per ticker, same order as `tickers`. */
  readonly securities: readonly Security[];
  /** Distinct sector names, sorted. */
  readonly sectors: readonly string[];
  /** Per ticker, the index of its sector in `sectors`. */
  readonly sectorOf: Int32Array;
  /** Daily fields (close, return, market_cap, …), each dates × tickers. */
  readonly panels: ReadonlyMap<string, Panel>;
  /** Benchmark series aligned to `dates` (market index level, volatility index, sector indices, factors). */
  readonly series: ReadonlyMap<string, Float64Array>;
  readonly events: PitEvents;
  /** Where the universe came from (synthetic seed, directory), for manifests. */
  readonly source: string;
}

export function emptyEvents(): PitEvents {
  return {
    fields: [],
    ticker: new Int32Array(0),
    field: new Int32Array(0),
    eventTime: new Float64Array(0),
    availableTime: new Float64Array(0),
    value: new Float64Array(0),
  };
}

export function eventCount(e: PitEvents): number {
  return e.value.length;
}

/** The panel named `field`, or a typed error naming what the universe has. */
export function requirePanel(u: Universe, field: string): Panel {
  const p = u.panels.get(field);
  if (!p) {
    throw new InvalidInputError(
      `the universe has no '${field}' field (it has: ${[...u.panels.keys()].join(', ')})`,
      {
        where: { field },
      },
    );
  }
  return p;
}

export function hasPanel(u: Universe, field: string): boolean {
  return u.panels.has(field);
}

/** Builds the sorted sector list and per-ticker sector index from securities. */
export function sectorIndex(securities: readonly Security[]): { sectors: string[]; sectorOf: Int32Array } {
  const sectors = [...new Set(securities.map((s) => s.sector))].sort();
  const idx = new Map(sectors.map((s, k) => [s, k] as const));
  const sectorOf = new Int32Array(securities.length);
  securities.forEach((s, i) => {
    sectorOf[i] = idx.get(s.sector)!;
  });
  return { sectors, sectorOf };
}

/** Panels on the grid of `dates` × `tickers`, checked for shape. */
export function makeUniverse(args: {
  dates: readonly string[];
  tickers: readonly string[];
  securities: readonly Security[];
  panels: ReadonlyMap<string, Panel>;
  series?: ReadonlyMap<string, Float64Array>;
  events?: PitEvents;
  source: string;
}): Universe {
  const { dates, tickers, securities, panels } = args;
  if (securities.length !== tickers.length) {
    throw new InvalidInputError(`${securities.length} securities for ${tickers.length} tickers`);
  }
  securities.forEach((s, i) => {
    if (s.ticker !== tickers[i]) {
      throw new InvalidInputError(`securities are not in ticker order at position ${i}`, {
        where: { ticker: s.ticker },
      });
    }
  });
  for (const [name, p] of panels) {
    if (p.values.length !== dates.length * tickers.length) {
      throw new InvalidInputError(
        `panel '${name}' has ${p.values.length} cells, expected ${dates.length * tickers.length}`,
        {
          where: { field: name },
        },
      );
    }
  }
  const series = args.series ?? new Map<string, Float64Array>();
  for (const [name, s] of series) {
    if (s.length !== dates.length) {
      throw new InvalidInputError(`series '${name}' has ${s.length} values, expected ${dates.length}`, {
        where: { field: name },
      });
    }
  }
  const { sectors, sectorOf } = sectorIndex(securities);
  return {
    dates,
    tickers,
    securities,
    sectors,
    sectorOf,
    panels,
    series,
    events: args.events ?? emptyEvents(),
    source: args.source,
  };
}
