/**
 * Forward returns (labels) with an execution delay (methods.md §1, architecture.md §4):
 *   R^{(h)}_t = P_{t+d+h} / P_{t+d} − 1 = Π_{j=t+d+1}^{t+d+h} (1 + r_j) − 1,
 * which uses the returns of days t+d+1 … t+d+h only. The last d+h rows, and any window with a missing
 * return, are NaN. Compounded, never summed (seed 002 sums simple returns and includes r_t).
 *
 * The sliding products use the van Herk / Gil-Werman scheme: cut time into blocks of h rows, keep each
 * block's running prefix and suffix products, and form a window as suffix(first block) × prefix(second).
 * That is O(T·N) for any h, and — unlike a sliding sum with add/remove updates — every label is computed
 * from the returns of its own window only, so it is bit-for-bit independent of every other return.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { Panel } from '../core/panel.ts';

/**
 * Base kernel: forward simple returns of every column of the date-major `returns` (T×N) into `out` (T×N).
 * `prefix` is scratch of length ≥ N (one running row), `suffix` scratch of length ≥ h·N (one block of
 * suffix products: only the block holding the window's first day is ever read). No checks.
 */
export function forwardReturnsInto(
  T: number,
  N: number,
  returns: Float64Array,
  h: number,
  d: number,
  out: Float64Array,
  prefix: Float64Array,
  suffix: Float64Array,
): void {
  const last = T - 1 - d - h; // last row with a label
  out.fill(Number.NaN, Math.max(0, last + 1) * N, T * N);
  if (last < 0) return;
  if (h === 1) {
    // One return: copy it, so the label is exactly r_{t+d+1}.
    out.set(returns.subarray((d + 1) * N, (last + d + 2) * N), 0);
    return;
  }
  // prefix = Π (1 + r) from the start of hi's block to hi, one row carried along as hi = t + d + h grows.
  const hi0 = d + h;
  for (let j = hi0 - (hi0 % h); j <= hi0; j++) advancePrefix(N, returns, j, h, prefix);
  let suffixBlock = -1;
  for (let t = 0; t <= last; t++) {
    const lo = t + d + 1;
    if (t > 0) advancePrefix(N, returns, lo + h - 1, h, prefix);
    const o = t * N;
    if (lo % h === 0) {
      for (let i = 0; i < N; i++) out[o + i] = prefix[i]! - 1;
    } else {
      const block = (lo - (lo % h)) / h;
      if (block !== suffixBlock) {
        suffixBlockInto(T, N, returns, h, block, suffix);
        suffixBlock = block;
      }
      const s = (lo % h) * N;
      for (let i = 0; i < N; i++) out[o + i] = suffix[s + i]! * prefix[i]! - 1;
    }
  }
}

/**
 * suffix[(j mod h)·N + i] = Π (1 + r_{k,i}) for k from j to the end of block `block` (rows block·h …
 * block·h + h − 1, cut at T − 1), built from the block's end backwards (the van Herk suffix products).
 */
function suffixBlockInto(
  T: number,
  N: number,
  returns: Float64Array,
  h: number,
  block: number,
  suffix: Float64Array,
): void {
  const first = block * h;
  const end = Math.min(first + h - 1, T - 1);
  for (let i = 0; i < N; i++) suffix[(end - first) * N + i] = 1 + returns[end * N + i]!;
  for (let j = end - 1; j >= first; j--) {
    const row = j * N;
    const s = (j - first) * N;
    for (let i = 0; i < N; i++) suffix[s + i] = suffix[s + N + i]! * (1 + returns[row + i]!);
  }
}

/** prefix ← 1 + r_j at the start of j's block, prefix·(1 + r_j) after it (the van Herk running product). */
function advancePrefix(N: number, returns: Float64Array, j: number, h: number, prefix: Float64Array): void {
  const row = j * N;
  if (j % h === 0) for (let i = 0; i < N; i++) prefix[i] = 1 + returns[row + i]!;
  else for (let i = 0; i < N; i++) prefix[i] = prefix[i]! * (1 + returns[row + i]!);
}

/**
 * Forward simple returns R^{(h)}_t over days t+d+1 … t+d+h of a daily simple-return panel (methods.md §1).
 * Example (R1.1): returns [NaN, 0.1, −0.1, 0.1] as one column, h = 2, d = 0 → [−0.01, −0.01, NaN, NaN].
 */
export function forwardReturns(returns: Panel, h: number, d: number, out?: Float64Array): Float64Array {
  if (!Number.isInteger(h) || h < 1) {
    throw new InvalidInputError(`horizon must be a positive integer, got ${h}`, {
      where: { field: 'horizon' },
    });
  }
  if (!Number.isInteger(d) || d < 0) {
    throw new InvalidInputError(`execution delay must be a non-negative integer, got ${d}`, {
      where: { field: 'execution_delay' },
    });
  }
  const T = returns.dates.length;
  const N = returns.tickers.length;
  const o = out ?? new Float64Array(T * N);
  if (o.length !== T * N) {
    throw new InvalidInputError(`out has length ${o.length}, expected ${T * N}`, { where: { field: 'out' } });
  }
  forwardReturnsInto(T, N, returns.values, h, d, o, new Float64Array(N), new Float64Array(h * N));
  return o;
}
