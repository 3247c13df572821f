/** The point-in-time rule of methods.md §10, written the slow, obvious way, for checking the generator's panels. */
import { closeTime } from '../../../src/core/calendar.ts';
import type { PitEvents, Universe } from '../../../src/core/universe.ts';

/** Indices of the events of (ticker index i, field index f), in storage order. */
export function eventIndices(e: PitEvents, i: number, f: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < e.value.length; k++) if (e.ticker[k] === i && e.field[k] === f) out.push(k);
  return out;
}

/**
 * Among the events `ks` with available_time ≤ τ, the value of the one with the largest event_time (ties: the
 * largest available_time); NaN if none.
 */
export function pitValue(e: PitEvents, ks: readonly number[], tau: number): number {
  let best = -1;
  for (const k of ks) {
    if (e.availableTime[k]! > tau) continue;
    if (
      best < 0 ||
      e.eventTime[k]! > e.eventTime[best]! ||
      (e.eventTime[k] === e.eventTime[best] && e.availableTime[k]! > e.availableTime[best]!)
    ) {
      best = k;
    }
  }
  return best < 0 ? Number.NaN : e.value[best]!;
}

/** The daily panel of `field` that the PIT rule gives: value at date t as of closeTime(t). */
export function naivePitFill(u: Universe, field: string): Float64Array {
  const N = u.tickers.length;
  const T = u.dates.length;
  const out = new Float64Array(N * T);
  const f = u.events.fields.indexOf(field);
  const closes = u.dates.map(closeTime);
  for (let i = 0; i < N; i++) {
    const ks = eventIndices(u.events, i, f);
    for (let t = 0; t < T; t++) out[t * N + i] = pitValue(u.events, ks, closes[t]!);
  }
  return out;
}
