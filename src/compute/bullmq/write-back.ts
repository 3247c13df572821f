/**
 * Write-back of a task's writes into `shared`. With the inline and threads backends a task may write its own
 * slot of a shared output array (the signal tier's snapshot rows); across machines those writes happen in a
 * worker's copy. After each task the worker compares its working copy of every shared buffer with the
 * pristine bytes page by page (memcmp through Buffer.compare, no JS loop over elements), sends the changed
 * byte ranges back with the result and restores the pages, so the next task of the run starts from the
 * pristine inputs again. The driver copies the ranges into its own buffers: the caller ends with exactly the
 * bytes an inline run would leave, provided tasks write disjoint ranges (they are independent by contract).
 */

/** Pages compared at once; small enough that a task writing one row sends little more than that row. */
export const WRITE_BACK_PAGE_BYTES = 4096;

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Base kernel: the maximal runs of `page`-byte pages where `a` and `b` differ (merged when adjacent).
 * Both must have the same length; no validation.
 */
export function differingPageRanges(a: Buffer, b: Buffer, page: number): ByteRange[] {
  const n = a.byteLength;
  const out: ByteRange[] = [];
  let open = -1;
  for (let s = 0; s < n; s += page) {
    const e = Math.min(n, s + page);
    const differs = a.compare(b, s, e, s, e) !== 0;
    if (differs && open < 0) open = s;
    else if (!differs && open >= 0) {
      out.push({ start: open, end: s });
      open = -1;
    }
  }
  if (open >= 0) out.push({ start: open, end: n });
  return out;
}

/**
 * Base kernel: the exact runs of differing bytes of `a` and `b` inside [start, end), appended to `runs` as
 * flat (start, end) pairs. Exact, not page-sized: bytes a task did not change must not travel, or they would
 * overwrite what another task wrote next to them (tasks writing interleaved columns of one panel).
 */
export function differingByteRuns(
  a: Uint8Array,
  b: Uint8Array,
  start: number,
  end: number,
  runs: number[],
): void {
  let k = start;
  while (k < end) {
    while (k < end && a[k] === b[k]) k++;
    if (k === end) break;
    const s = k;
    while (k < end && a[k] !== b[k]) k++;
    runs.push(s, k);
  }
}

/** The bytes buffer `b` changed: flat (start, end) runs and their new bytes concatenated, base64. */
export interface BufferWrite {
  readonly b: number;
  readonly runs: readonly number[];
  readonly data: string;
}

function asBuffer(x: ArrayBufferLike | Uint8Array): Buffer {
  return x instanceof Uint8Array
    ? Buffer.from(x.buffer as ArrayBuffer, x.byteOffset, x.byteLength)
    : Buffer.from(x as ArrayBuffer, 0, x.byteLength);
}

/**
 * Collects the bytes where `working[b]` differs from `pristine[b]` and copies the pristine bytes back over
 * them, so `working` equals `pristine` afterwards.
 */
export function collectAndRevertWrites(
  working: readonly ArrayBufferLike[],
  pristine: readonly Uint8Array[],
  page = WRITE_BACK_PAGE_BYTES,
): BufferWrite[] {
  const writes: BufferWrite[] = [];
  for (let b = 0; b < working.length; b++) {
    const w = asBuffer(working[b]!);
    const p = asBuffer(pristine[b]!);
    const pages = differingPageRanges(w, p, page);
    if (pages.length === 0) continue;
    const runs: number[] = [];
    for (const r of pages) differingByteRuns(w, p, r.start, r.end, runs);
    let total = 0;
    for (let k = 0; k < runs.length; k += 2) total += runs[k + 1]! - runs[k]!;
    const data = Buffer.allocUnsafe(total);
    let at = 0;
    for (let k = 0; k < runs.length; k += 2) {
      at += w.copy(data, at, runs[k]!, runs[k + 1]!);
      p.copy(w, runs[k]!, runs[k]!, runs[k + 1]!);
    }
    writes.push({ b, runs, data: data.toString('base64') });
  }
  return writes;
}

/** Copies each write into the caller's buffer (idempotent: a retried task writes the same bytes). */
export function applyWrites(buffers: readonly ArrayBufferLike[], writes: readonly BufferWrite[]): void {
  for (const w of writes) {
    const target = buffers[w.b];
    const bytes = Buffer.from(w.data, 'base64');
    if (target === undefined) throw new RangeError(`write-back names buffer ${w.b}, which does not exist`);
    const view = new Uint8Array(target);
    let at = 0;
    for (let k = 0; k < w.runs.length; k += 2) {
      const s = w.runs[k]!;
      const e = w.runs[k + 1]!;
      if (!(s >= 0 && e > s && e <= view.length && at + e - s <= bytes.length))
        throw new RangeError(
          `write-back run [${s}, ${e}) does not fit buffer ${w.b} of ${view.length} bytes`,
        );
      view.set(bytes.subarray(at, at + e - s), s);
      at += e - s;
    }
  }
}
