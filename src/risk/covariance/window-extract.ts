/**
 * Cutting an estimation window out of a returns panel, with the missing-data policy of methods.md §0
 * (decision record docs/decisions/080-risk-covariance-missing-data.md):
 *
 * 1. The window is the `lookback` dates ending at (and including) `end` — nothing after `end` is read,
 *    so an estimate as of `end` is point-in-time by construction (architecture.md §4).
 * 2. Dates on which no stock has a return are dropped first (e.g. the first row of price-derived returns).
 *    A stock enters if it has at least `minHistory` finite returns in the window (default: all of them)
 *    and they are not all equal. Other stocks are *excluded* — they get no row in Σ — and are reported
 *    with their count and the reason; a caller that must hold them needs its own fallback (e.g. the
 *    factor model's Σ, which covers every stock with loadings).
 * 3. Among the stocks that entered, `missing: 'listwise'` (default) drops every date on which any of them
 *    is NaN; `missing: 'impute-mean'` keeps every date, centres each stock on its own available-case
 *    mean, sets its gaps to that mean (0 after centring) and rescales the column by √((T−1)/(n_j−1)) so
 *    its variance equals the available-case variance. The imputed form is positive semi-definite by
 *    construction (it is still XᵀX), unlike pairwise deletion; cross-covariances shrink by about the
 *    share of jointly observed dates.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';

export type MissingPolicy = 'listwise' | 'impute-mean';

export interface WindowOptions {
  /** Number of dates in the window, ending at `end` (default 504). */
  readonly lookback?: number;
  /** Index of the last date in the window (inclusive); default the panel's last date. */
  readonly end?: number;
  /** Minimum finite returns a stock needs in the window to enter (default: the window length). */
  readonly minHistory?: number;
  readonly missing?: MissingPolicy;
}

export interface ExcludedStock {
  readonly ticker: string;
  /** Finite returns it had in the window. */
  readonly observations: number;
  /** Fewer than `minHistory` returns, or every return in the window equal (no variance to estimate). */
  readonly reason: 'insufficient-history' | 'constant';
}

/** Which panel rows (dates) and columns (stocks) a window keeps, and why the others were left out. */
export interface WindowSelection {
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  /** Panel column of each kept stock. */
  readonly columns: Int32Array;
  /** Panel row of each kept date. */
  readonly rows: Int32Array;
  readonly T: number;
  readonly p: number;
  readonly excluded: readonly ExcludedStock[];
  /** Dates inside the window dropped by listwise deletion. */
  readonly droppedDates: readonly string[];
  readonly missing: MissingPolicy;
}

/** The raw (not yet centred) window: T rows (dates kept) × p columns (stocks kept), row-major. */
export interface RawWindow extends WindowSelection {
  /** T × p, row-major; under 'impute-mean' gaps are still NaN here (filled when centring). */
  readonly R: Float64Array;
  /** Σ_t R_tj per column (t in order), when the gather computed it (windows without gaps). */
  readonly colSums?: Float64Array;
}

export const DEFAULT_LOOKBACK = 504;

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InvalidInputError(`${name} must be an integer in [${min}, ${max}], got ${v}`, {
      where: { field: name },
    });
  }
}

/** Resolves the window bounds, checking them against the panel. */
export function windowBounds(panel: Panel, options: WindowOptions): { start: number; end: number } {
  const Tall = panel.dates.length;
  if (Tall === 0)
    throw new InvalidInputError('the returns panel has no dates', { where: { field: 'returns' } });
  const end = options.end ?? Tall - 1;
  checkInt('end', end, 0, Tall - 1);
  const lookback = options.lookback ?? DEFAULT_LOOKBACK;
  checkInt('lookback', lookback, 1, Number.MAX_SAFE_INTEGER);
  return { start: Math.max(0, end - lookback + 1), end };
}

/** The window's returns: `selectWindow` and its T × p block of the panel (`gatherWindow`). */
export function extractWindow(panel: Panel, options: WindowOptions = {}): RawWindow {
  const sel = selectWindow(panel, options);
  return { ...sel, R: gatherWindow(panel, sel, new Float64Array(sel.T * sel.p)) };
}

/** Applies the stock and date rules above (see the module comment) without copying any return. */
export function selectWindow(panel: Panel, options: WindowOptions = {}): WindowSelection {
  const { start, end } = windowBounds(panel, options);
  const N = panel.tickers.length;
  const missing = options.missing ?? 'listwise';
  const v = panel.values;

  // A date on which no stock has a return (the first row of returns derived from prices, a holiday row)
  // carries no information; it is dropped up front and does not count against anyone's history.
  const empty = new Uint8Array(end - start + 1);
  let Tw = 0;
  for (let t = start; t <= end; t++) {
    const o = t * N;
    let any = false;
    for (let i = 0; i < N && !any; i++) any = !Number.isNaN(v[o + i]!);
    if (any) Tw++;
    else empty[t - start] = 1;
  }
  if (Tw === 0) {
    throw new InvalidInputError(
      `no stock has a return between ${panel.dates[start]} and ${panel.dates[end]}`,
      {
        where: { field: 'returns' },
      },
    );
  }
  const minHistory = options.minHistory ?? Tw;
  checkInt('minHistory', minHistory, 1, Number.MAX_SAFE_INTEGER);
  const counts = new Int32Array(N);
  for (let t = start; t <= end; t++) {
    const o = t * N;
    for (let i = 0; i < N; i++) {
      const x = v[o + i]!;
      // x − x is 0 for a finite x and NaN for NaN and ±∞: one test on the common path
      if (x - x === 0) counts[i]!++;
      else if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        throw new InvalidInputError(`return is ${x}`, {
          where: { ticker: panel.tickers[i]!, date: panel.dates[t]! },
        });
      }
    }
  }
  const keptCols: number[] = [];
  const excluded: ExcludedStock[] = [];
  for (let i = 0; i < N; i++) {
    if (counts[i]! < minHistory) {
      excluded.push({ ticker: panel.tickers[i]!, observations: counts[i]!, reason: 'insufficient-history' });
    } else if (allEqual(v, N, i, start, end)) {
      excluded.push({ ticker: panel.tickers[i]!, observations: counts[i]!, reason: 'constant' });
    } else keptCols.push(i);
  }
  const p = keptCols.length;
  // Only a kept stock with a gap in the window can make a date incomplete (listwise deletion).
  const gappy = missing === 'listwise' ? keptCols.filter((i) => counts[i]! < Tw) : [];
  const keptRows: number[] = [];
  const droppedDates: string[] = [];
  for (let t = start; t <= end; t++) {
    let complete = empty[t - start] === 0;
    if (complete && missing === 'listwise') {
      const o = t * N;
      for (const i of gappy) {
        if (Number.isNaN(v[o + i]!)) {
          complete = false;
          break;
        }
      }
    }
    if (complete) keptRows.push(t);
    else droppedDates.push(panel.dates[t]!);
  }
  return {
    dates: keptRows.map((t) => panel.dates[t]!),
    tickers: keptCols.map((i) => panel.tickers[i]!),
    columns: Int32Array.from(keptCols),
    rows: Int32Array.from(keptRows),
    T: keptRows.length,
    p,
    excluded,
    droppedDates,
    missing,
  };
}

/**
 * Whether stock i's finite returns between rows start and end are all equal (no variance to estimate):
 * stops at the first one that differs from the first, which for a live stock is its second return.
 */
function allEqual(v: Float64Array, N: number, i: number, start: number, end: number): boolean {
  let first = Number.NaN;
  for (let t = start; t <= end; t++) {
    const x = v[t * N + i]!;
    if (Number.isNaN(x)) continue;
    if (Number.isNaN(first)) first = x;
    else if (x !== first) return false;
  }
  return true;
}

/**
 * Writes the panel's returns at the selection's rows and columns into R (T × p, row-major) and returns R;
 * with `colSums`, also sums each column over the rows in order in the same pass (for a window without
 * gaps, the sums centreColumns would compute).
 */
export function gatherWindow(
  panel: Panel,
  sel: WindowSelection,
  R: Float64Array,
  colSums?: Float64Array,
): Float64Array {
  const N = panel.tickers.length;
  const v = panel.values;
  const { T, p, rows, columns } = sel;
  if (colSums) colSums.fill(0);
  for (let s = 0; s < T; s++) {
    const o = rows[s]! * N;
    const d = s * p;
    if (colSums) {
      for (let j = 0; j < p; j++) {
        const x = v[o + columns[j]!]!;
        R[d + j] = x;
        colSums[j]! += x;
      }
    } else for (let j = 0; j < p; j++) R[d + j] = v[o + columns[j]!]!;
  }
  return R;
}

/**
 * Centres R column by column into X (T × p): X = R − 1r̄ᵀ over finite entries. Under 'impute-mean' a gap
 * becomes 0 and the column is scaled by √((T−1)/(n_j−1)) (see the module comment); a column with fewer
 * than 2 observations is left at 0. Returns the column means (NaN for an empty column). X may be R itself
 * (centring in place). With `colSumSq`, also writes Σ_t X_tj² per column (summed over t in order, in the
 * same pass).
 */
export function centreColumns(w: RawWindow, X: Float64Array, colSumSq?: Float64Array): Float64Array {
  const { T, p, R } = w;
  if (w.missing === 'listwise') return centreComplete(T, p, R, X, colSumSq, w.colSums);
  const mean = new Float64Array(p);
  const n = new Int32Array(p);
  for (let s = 0; s < T; s++) {
    const o = s * p;
    for (let j = 0; j < p; j++) {
      const x = R[o + j]!;
      if (!Number.isNaN(x)) {
        mean[j]! += x;
        n[j]!++;
      }
    }
  }
  for (let j = 0; j < p; j++) mean[j] = n[j]! > 0 ? mean[j]! / n[j]! : Number.NaN;
  const sq = colSumSq ?? new Float64Array(0);
  if (colSumSq) sq.fill(0);
  for (let s = 0; s < T; s++) {
    const o = s * p;
    for (let j = 0; j < p; j++) {
      const x = R[o + j]!;
      const y = !Number.isNaN(x) ? x - mean[j]! : 0;
      X[o + j] = y;
      if (colSumSq) sq[j]! += y * y;
    }
  }
  if (w.missing === 'impute-mean') {
    for (let j = 0; j < p; j++) {
      if (n[j] === T) continue;
      const scale = n[j]! >= 2 ? Math.sqrt((T - 1) / (n[j]! - 1)) : 0;
      let ss = 0;
      for (let s = 0; s < T; s++) {
        const y = X[s * p + j]! * scale;
        X[s * p + j] = y;
        ss += y * y;
      }
      if (colSumSq) sq[j] = ss;
    }
  }
  return mean;
}

/**
 * centreColumns for a window without gaps (listwise deletion leaves none): the same sums in the same
 * order, without the per-entry NaN tests and counts, and without the first pass when the gather already
 * summed the columns.
 */
function centreComplete(
  T: number,
  p: number,
  R: Float64Array,
  X: Float64Array,
  colSumSq: Float64Array | undefined,
  colSums: Float64Array | undefined,
): Float64Array {
  const mean = colSums ? colSums.slice() : new Float64Array(p);
  if (!colSums) {
    for (let s = 0; s < T; s++) {
      const o = s * p;
      for (let j = 0; j < p; j++) mean[j]! += R[o + j]!;
    }
  }
  for (let j = 0; j < p; j++) mean[j] = T > 0 ? mean[j]! / T : Number.NaN;
  const sq = colSumSq ?? new Float64Array(p);
  sq.fill(0);
  for (let s = 0; s < T; s++) {
    const o = s * p;
    for (let j = 0; j < p; j++) {
      const y = R[o + j]! - mean[j]!;
      X[o + j] = y;
      sq[j]! += y * y;
    }
  }
  return mean;
}
