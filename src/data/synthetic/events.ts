/**
 * Point-in-time events as the generator produces them: a growable columnar buffer that becomes
 * `Universe.events`, and, for the fields that also have a daily panel, the day each fact first becomes
 * visible — the first date t with `availableTime <= closeTime(dates[t])` (methods.md §10). The daily panels
 * are then the forward fill of these updates, applied date-major in the market loop.
 */
import type { PitEvents } from '../../core/universe.ts';

/** Event fields, in the order of `PitEvents.fields`. */
export const EVENT_FIELDS = [
  'revenue',
  'net_income',
  'eps',
  'book_equity',
  'total_assets',
  'total_debt',
  'current_assets',
  'current_liabilities',
  'ebitda',
  'dividends_per_share',
  'shares_outstanding',
  'roe',
  'asset_growth',
  'accruals',
  'earnings_surprise',
  'eps_revision',
  'short_interest',
  'insider_shares',
  'insider_value',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
export const FIELD_INDEX: Readonly<Record<EventField, number>> = Object.fromEntries(
  EVENT_FIELDS.map((f, k) => [f, k]),
) as Record<EventField, number>;

/**
 * Fields whose latest visible value the market loop needs every day: the six sparse daily panels, plus
 * shares outstanding (market cap) and book equity (book-to-market). `TRACKED_SLOT[field]` is the slot.
 */
export const TRACKED_FIELDS = [
  'roe',
  'asset_growth',
  'accruals',
  'eps_revision',
  'short_interest',
  'earnings_surprise',
  'shares_outstanding',
  'book_equity',
] as const satisfies readonly EventField[];
export type TrackedField = (typeof TRACKED_FIELDS)[number];
/** Daily panels that are exactly the point-in-time forward fill of the event field of the same name. */
export const FORWARD_FILLED_PANELS = TRACKED_FIELDS.slice(0, 6) as readonly TrackedField[];

const TRACKED_SLOT = new Int32Array(EVENT_FIELDS.length).fill(-1);
TRACKED_FIELDS.forEach((f, s) => {
  TRACKED_SLOT[FIELD_INDEX[f]] = s;
});
export function trackedSlot(field: TrackedField): number {
  return TRACKED_FIELDS.indexOf(field);
}

/** Index of the first close at or after `availableTime`, or `closes.length` if none (binary search). */
export function firstVisibleDay(closes: Float64Array, availableTime: number): number {
  let lo = 0;
  let hi = closes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (closes[mid]! >= availableTime) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Daily updates of tracked fields, bucketed by the day they become visible (CSR: `dayStart` has T + 1). */
export interface VisibilityIndex {
  readonly dayStart: Int32Array;
  readonly stock: Int32Array;
  readonly slot: Int32Array;
  readonly value: Float64Array;
}

function grow<A extends Float64Array | Int32Array>(a: A, capacity: number): A {
  const b = new (a.constructor as new (n: number) => A)(capacity);
  b.set(a);
  return b;
}

/**
 * Collects events; drops those not available by the last close (they would not exist in data as of the end
 * of the sample). Per (ticker, field), events must be pushed in event-time order with non-decreasing
 * availability, so "latest visible" equals "last applied".
 */
export class EventBuffer {
  private n = 0;
  private ticker: Int32Array;
  private field: Int32Array;
  private eventTime: Float64Array;
  private availableTime: Float64Array;
  private value: Float64Array;
  private m = 0;
  private updDay: Int32Array;
  private updStock: Int32Array;
  private updSlot: Int32Array;
  private updValue: Float64Array;

  /** `capacity`: expected number of events (and of tracked updates), so the buffers rarely grow. */
  constructor(
    readonly closes: Float64Array,
    capacity: { events: number; tracked: number } = { events: 1024, tracked: 1024 },
  ) {
    const c = Math.max(16, Math.ceil(capacity.events));
    const u = Math.max(16, Math.ceil(capacity.tracked));
    this.ticker = new Int32Array(c);
    this.field = new Int32Array(c);
    this.eventTime = new Float64Array(c);
    this.availableTime = new Float64Array(c);
    this.value = new Float64Array(c);
    this.updDay = new Int32Array(u);
    this.updStock = new Int32Array(u);
    this.updSlot = new Int32Array(u);
    this.updValue = new Float64Array(u);
  }

  push(ticker: number, field: number, eventTime: number, availableTime: number, value: number): void {
    this.pushVisibleFrom(
      firstVisibleDay(this.closes, availableTime),
      ticker,
      field,
      eventTime,
      availableTime,
      value,
    );
  }

  /** As `push`, with `day = firstVisibleDay(closes, availableTime)` computed once by the caller. */
  pushVisibleFrom(
    day: number,
    ticker: number,
    field: number,
    eventTime: number,
    availableTime: number,
    value: number,
  ) {
    if (day >= this.closes.length) return;
    if (this.n === this.value.length) {
      const c = this.n * 2;
      this.ticker = grow(this.ticker, c);
      this.field = grow(this.field, c);
      this.eventTime = grow(this.eventTime, c);
      this.availableTime = grow(this.availableTime, c);
      this.value = grow(this.value, c);
    }
    const k = this.n++;
    this.ticker[k] = ticker;
    this.field[k] = field;
    this.eventTime[k] = eventTime;
    this.availableTime[k] = availableTime;
    this.value[k] = value;
    const slot = TRACKED_SLOT[field]!;
    if (slot < 0) return;
    if (this.m === this.updValue.length) {
      const c = this.m * 2;
      this.updDay = grow(this.updDay, c);
      this.updStock = grow(this.updStock, c);
      this.updSlot = grow(this.updSlot, c);
      this.updValue = grow(this.updValue, c);
    }
    const u = this.m++;
    this.updDay[u] = day;
    this.updStock[u] = ticker;
    this.updSlot[u] = slot;
    this.updValue[u] = value;
  }

  /** Tracked updates grouped by visibility day; a stable counting sort keeps push order within a day. */
  visibility(): VisibilityIndex {
    const T = this.closes.length;
    const dayStart = new Int32Array(T + 1);
    for (let u = 0; u < this.m; u++) dayStart[this.updDay[u]! + 1]!++;
    for (let t = 0; t < T; t++) dayStart[t + 1]! += dayStart[t]!;
    const next = dayStart.slice(0, T);
    const stock = new Int32Array(this.m);
    const slot = new Int32Array(this.m);
    const value = new Float64Array(this.m);
    for (let u = 0; u < this.m; u++) {
      const p = next[this.updDay[u]!]!++;
      stock[p] = this.updStock[u]!;
      slot[p] = this.updSlot[u]!;
      value[p] = this.updValue[u]!;
    }
    return { dayStart, stock, slot, value };
  }

  /** The events as `PitEvents`, copied to exact-length arrays. */
  toPitEvents(): PitEvents {
    return {
      fields: EVENT_FIELDS,
      ticker: this.ticker.slice(0, this.n),
      field: this.field.slice(0, this.n),
      eventTime: this.eventTime.slice(0, this.n),
      availableTime: this.availableTime.slice(0, this.n),
      value: this.value.slice(0, this.n),
    };
  }
}
