/**
 * Raw column transfer between JS typed arrays and DuckDB data chunks. Going through the C API's
 * copy_data_to_vector / vector_get_data moves whole columns at once instead of one value per call, which
 * is what makes multi-million-row appends and point-in-time reads fast (bench/store.bench.ts).
 */
import { type DuckDBDataChunk, DuckDBVarCharVector } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

/** DuckDB's standard vector size: rows per data chunk. */
export const CHUNK_ROWS = 2048;

/** Copies `byteLength` bytes of `src` (from `byteOffset`) into column `col` of the chunk. */
export function copyColumn(
  chunk: DuckDBDataChunk,
  col: number,
  src: ArrayBufferView,
  byteOffset: number,
  byteLength: number,
): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  duckdb.copy_data_to_vector(vector, 0, src.buffer as ArrayBuffer, src.byteOffset + byteOffset, byteLength);
}

/** Sets the validity bitmap of column `col` (bit k = row k valid), a Uint32Array of ⌈rows/64⌉·2 words. */
export function copyValidity(chunk: DuckDBDataChunk, col: number, mask: Uint32Array): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(
    vector,
    0,
    mask.buffer as ArrayBuffer,
    mask.byteOffset,
    mask.byteLength,
  );
}

/** Writes strings (null = NULL) into VARCHAR column `col` of the chunk. */
export function setVarchars(
  chunk: DuckDBDataChunk,
  col: number,
  values: readonly (string | null)[],
  from: number,
  rows: number,
): void {
  const vector = chunk.getColumnVector(col);
  if (!(vector instanceof DuckDBVarCharVector)) throw new TypeError(`column ${col} is not VARCHAR`);
  for (let k = 0; k < rows; k++) vector.setItem(k, values[from + k] ?? null);
  vector.flush();
}

/** A read-only view of a fixed-width column of a result chunk. */
export function columnBytes(chunk: DuckDBDataChunk, col: number, bytesPerRow: number): Uint8Array {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  return duckdb.vector_get_data(vector, chunk.rowCount * bytesPerRow);
}

/** The validity bitmap of a result column, or null when every row is valid. */
export function columnValidity(chunk: DuckDBDataChunk, col: number): Uint32Array | null {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  const words = Math.ceil(chunk.rowCount / 64) * 2;
  const bytes = duckdb.vector_get_validity(vector, words * 4) as Uint8Array | null;
  if (!bytes) return null;
  // Copy: the native buffer may be unaligned for a Uint32Array view.
  return new Uint32Array(bytes.slice().buffer);
}

export function isValid(mask: Uint32Array | null, row: number): boolean {
  return mask === null || (mask[row >>> 5]! & (1 << (row & 31))) !== 0;
}

/** Float64 values of a DOUBLE result column, NULL → NaN. */
export function readDoubles(chunk: DuckDBDataChunk, col: number): Float64Array {
  const raw = columnBytes(chunk, col, 8);
  const out = new Float64Array(raw.slice().buffer);
  const mask = columnValidity(chunk, col);
  if (mask) for (let k = 0; k < out.length; k++) if (!isValid(mask, k)) out[k] = Number.NaN;
  return out;
}

/** Int32 values of an INTEGER result column (the caller's SQL guarantees no NULLs). */
export function readInts(chunk: DuckDBDataChunk, col: number): Int32Array {
  return new Int32Array(columnBytes(chunk, col, 4).slice().buffer);
}

/** Strings of a VARCHAR result column. */
export function readVarchars(chunk: DuckDBDataChunk, col: number): (string | null)[] {
  return chunk.getColumnValues(col) as (string | null)[];
}
