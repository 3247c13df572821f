/**
 * Panel: a dates × tickers matrix of float64, date-major (`values[t * N + i]`), NaN for missing
 * (architecture.md §3). A day's cross-section is a contiguous `subarray`, so cross-sectional work streams
 * through memory. Panels that cross threads sit on a SharedArrayBuffer and are never copied.
 */
import { InvalidInputError } from './errors.ts';

export interface Panel {
  /** ISO `yyyy-mm-dd`, strictly increasing. */
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  /** Length `dates.length * tickers.length`, date-major. */
  readonly values: Float64Array;
}

export interface PanelAllocOptions {
  /** Back the values by a SharedArrayBuffer so worker threads can read them without a copy. */
  readonly shared?: boolean;
  /** Initial value of every cell; NaN (missing) by default. */
  readonly fill?: number;
}

/** Allocates a Float64Array of `length`, optionally on a SharedArrayBuffer, filled with `fill`. */
export function allocFloat64(length: number, options: PanelAllocOptions = {}): Float64Array {
  const values = options.shared
    ? new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
    : new Float64Array(length);
  const fill = options.fill ?? Number.NaN;
  if (fill !== 0 || options.shared) values.fill(fill);
  return values;
}

/** A new panel with every cell set to `fill` (NaN by default). */
export function createPanel(
  dates: readonly string[],
  tickers: readonly string[],
  options: PanelAllocOptions = {},
): Panel {
  return { dates, tickers, values: allocFloat64(dates.length * tickers.length, options) };
}

/** Wraps existing values as a panel after checking the length. */
export function panelFromValues(
  dates: readonly string[],
  tickers: readonly string[],
  values: Float64Array,
): Panel {
  if (values.length !== dates.length * tickers.length) {
    throw new InvalidInputError(
      `panel values have length ${values.length}, expected ${dates.length} dates × ${tickers.length} tickers = ${dates.length * tickers.length}`,
    );
  }
  return { dates, tickers, values };
}

export function panelShape(p: Panel): { readonly T: number; readonly N: number } {
  return { T: p.dates.length, N: p.tickers.length };
}

/** The cross-section of date index `t`: a view (no copy) of length N. */
export function crossSection(p: Panel, t: number): Float64Array {
  const N = p.tickers.length;
  return p.values.subarray(t * N, (t + 1) * N);
}

/** The time series of ticker index `i`: a copy of length T (columns are strided). */
export function timeSeries(p: Panel, i: number): Float64Array {
  const T = p.dates.length;
  const N = p.tickers.length;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = p.values[t * N + i]!;
  return out;
}

/** Rows `[start, end)` as a panel whose values are a view on the same memory. */
export function sliceDates(p: Panel, start: number, end: number): Panel {
  const N = p.tickers.length;
  return {
    dates: p.dates.slice(start, end),
    tickers: p.tickers,
    values: p.values.subarray(start * N, end * N),
  };
}

/** A copy of the panel's values on a SharedArrayBuffer (or the panel itself if already shared). */
export function toShared(p: Panel): Panel {
  if (p.values.buffer instanceof SharedArrayBuffer) return p;
  const values = allocFloat64(p.values.length, { shared: true });
  values.set(p.values);
  return { dates: p.dates, tickers: p.tickers, values };
}

/** Share of NaN cells, in [0, 1]; 0 for an empty panel. */
export function missingShare(values: Float64Array): number {
  if (values.length === 0) return 0;
  let nan = 0;
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k]!)) nan++;
  return nan / values.length;
}
