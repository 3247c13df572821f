/**
 * Bulk access to DuckDB data-chunk vectors. @duckdb/node-api exposes values one at a time
 * (`getItem`/`setItem`, with validity bits read through BigInt per item); for millions of doubles we copy
 * the vector's item array in one `set` instead. The item array is an internal field of the vector
 * classes, so it is feature-detected and the per-item API is the fallback.
 */
import type { DuckDBVector } from '@duckdb/node-api';

function itemsOf<T extends Float64Array | Int32Array>(
  vec: DuckDBVector,
  kind: new (...args: never[]) => T,
): T | undefined {
  const items = (vec as unknown as { items?: unknown }).items;
  return items instanceof kind && items.length === vec.itemCount ? items : undefined;
}

/**
 * Copies `n` doubles from `src[start…]` into a chunk vector and flushes it. NaN is written as NaN (not
 * NULL): callers map NaN to NULL in SQL where the file format wants an empty cell.
 */
export function writeDoubles(vec: DuckDBVector, src: Float64Array, start: number, n: number): void {
  const items = itemsOf(vec, Float64Array);
  if (items) items.set(src.subarray(start, start + n));
  else for (let r = 0; r < n; r++) vec.setItem(r, src[start + r]! as never);
  vec.flush();
}

/**
 * The doubles of a result vector that has no NULLs (select `coalesce(x, 'NaN'::DOUBLE)`), as a typed
 * array (a view when possible, else a copy).
 */
export function readDoubles(vec: DuckDBVector): Float64Array {
  const items = itemsOf(vec, Float64Array);
  if (items) return items;
  const out = new Float64Array(vec.itemCount);
  for (let r = 0; r < out.length; r++) {
    const v = vec.getItem(r) as number | null;
    out[r] = v === null ? Number.NaN : v;
  }
  return out;
}

/** The int32 values of a result vector without NULLs, as a typed array. */
export function readInt32s(vec: DuckDBVector): Int32Array {
  const items = itemsOf(vec, Int32Array);
  if (items) return items;
  const out = new Int32Array(vec.itemCount);
  for (let r = 0; r < out.length; r++) out[r] = vec.getItem(r) as number;
  return out;
}
