/** The slow, obviously correct point-in-time answer (methods.md §10) used as the tests' twin. */
export interface RefEvent {
  readonly entity: string;
  readonly feature: string;
  readonly eventTime: number;
  readonly ingestTime: number;
  readonly value: number;
}

/** The visible event at asOf: max (event, ingest) among event ≤ asOf and ingest ≤ asOf; null when none. */
export function naivePointInTime(
  events: readonly RefEvent[],
  entity: string,
  feature: string,
  asOf: number,
): RefEvent | null {
  let best: RefEvent | null = null;
  for (const e of events) {
    if (e.entity !== entity || e.feature !== feature) continue;
    if (e.eventTime > asOf || e.ingestTime > asOf) continue;
    if (
      !best ||
      e.eventTime > best.eventTime ||
      (e.eventTime === best.eventTime && e.ingestTime > best.ingestTime)
    )
      best = e;
  }
  return best;
}
