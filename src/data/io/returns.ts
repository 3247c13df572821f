/**
 * Simple daily returns from closes on the date × ticker grid (methods.md §1): r_t = P_t / P_{t−1} − 1.
 * A return needs both closes: the first date, a missing close, or a missing previous close (a gap inside a
 * ticker's history) gives NaN. Returns across a gap are not invented: the bar after a missing day has no
 * one-bar return.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { allocFloat64, type Panel } from '../../core/panel.ts';

/**
 * Base kernel: date-major `close` (T × N) → `out` (T × N), NaN-propagating. Neither allocates nor checks.
 * Example: closes [100, 110, 99] of one ticker → [NaN, 0.1, −0.1] (0.10000000000000009, −0.09999999999999998).
 */
export function simpleReturnsFromCloseNaNPropagating(
  close: Float64Array,
  T: number,
  N: number,
  out: Float64Array,
): void {
  for (let i = 0; i < N; i++) out[i] = Number.NaN;
  for (let t = 1; t < T; t++) {
    const row = t * N;
    const prev = row - N;
    for (let i = 0; i < N; i++) out[row + i] = close[row + i]! / close[prev + i]! - 1;
  }
}

/** Checked wrapper: the `return` panel derived from a `close` panel (same grid, new memory). */
export function returnPanelFromClose(close: Panel, options: { shared?: boolean } = {}): Panel {
  const T = close.dates.length;
  const N = close.tickers.length;
  if (close.values.length !== T * N) {
    throw new InvalidInputError(`close panel has ${close.values.length} cells, expected ${T} × ${N}`, {
      where: { field: 'close' },
    });
  }
  const values = allocFloat64(T * N, options.shared ? { shared: true } : {});
  simpleReturnsFromCloseNaNPropagating(close.values, T, N, values);
  return { dates: close.dates, tickers: close.tickers, values };
}
