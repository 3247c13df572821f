/** A plain-data summary of a Universe, for `alphalab ingest` / `alphalab info` and run manifests. */
import { missingShare } from '../../core/panel.ts';
import { eventCount, type Universe } from '../../core/universe.ts';

export interface UniverseSummary {
  readonly source: string;
  readonly tickers: number;
  readonly dates: number;
  /** ISO date, or null for a universe without dates. */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly sectors: readonly { readonly name: string; readonly tickers: number }[];
  /** Daily fields in the universe's order, with the share of NaN cells in [0, 1]. */
  readonly fields: readonly { readonly name: string; readonly missingShare: number }[];
  readonly series: readonly { readonly name: string; readonly missingShare: number }[];
  readonly events: number;
  readonly eventFields: readonly string[];
}

export function summarizeUniverse(u: Universe): UniverseSummary {
  const counts = new Array<number>(u.sectors.length).fill(0);
  for (let i = 0; i < u.sectorOf.length; i++) counts[u.sectorOf[i]!]!++;
  return {
    source: u.source,
    tickers: u.tickers.length,
    dates: u.dates.length,
    firstDate: u.dates[0] ?? null,
    lastDate: u.dates[u.dates.length - 1] ?? null,
    sectors: u.sectors.map((name, k) => ({ name, tickers: counts[k]! })),
    fields: [...u.panels].map(([name, p]) => ({ name, missingShare: missingShare(p.values) })),
    series: [...u.series].map(([name, s]) => ({ name, missingShare: missingShare(s) })),
    events: eventCount(u.events),
    eventFields: u.events.fields,
  };
}
