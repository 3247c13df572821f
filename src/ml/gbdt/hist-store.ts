/**
 * The node histograms of one binned training set, kept in WebAssembly linear memory so the SIMD kernels of
 * wasm-hist.ts can fill them (methods.md §9.3 item 4; layout as in histogram.ts: feature f's slot s holds
 * (Σg, Σh) at float64 index 2·(slotOffset[f] + s), the last slot collecting missing values).
 *
 * Memory layout (byte addresses): the bin matrix (copied once, feature-major as in BinnedMatrix), then the
 * node's row ids and its gathered (g, h) pairs, then a pool of histograms. A histogram is named by its
 * float64 index into `f64`; the pool grows the memory when it runs out, which replaces the ArrayBuffer, so
 * callers re-read `f64` after `acquire` instead of holding on to a view.
 */
import { type BinnedMatrix, numBins } from './quantize.ts';
import { type HistKernels, instantiateHistKernels } from './wasm-hist.ts';

const PAGE = 65536;

export class HistogramStore {
  readonly slotOffset: Int32Array;
  /** float64 values per histogram (2 per slot). */
  readonly histLength: number;
  private readonly kernels: HistKernels;
  private readonly rowsByte: number;
  private readonly ghByte: number;
  private readonly binBytes: number;
  private readonly n: number;
  private poolEnd: number;
  private readonly free: number[] = [];
  /** The whole linear memory as float64; valid until the next `acquire`. */
  f64!: Float64Array;
  private rows32!: Int32Array;
  /** Byte addresses of the current tree's sampled features: bin columns and histogram bases (relative). */
  private readonly col: Int32Array;
  private readonly base: Int32Array;
  private q = 0;

  constructor(binned: BinnedMatrix) {
    const n = binned.rows;
    const p = binned.cols;
    this.n = n;
    this.slotOffset = new Int32Array(p + 1);
    for (let f = 0; f < p; f++) this.slotOffset[f + 1] = this.slotOffset[f]! + numBins(binned.cuts, f) + 1;
    this.histLength = 2 * this.slotOffset[p]!;
    this.binBytes = binned.bins.BYTES_PER_ELEMENT;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    this.rowsByte = align(binned.bins.byteLength);
    this.ghByte = align(this.rowsByte + 4 * n);
    this.poolEnd = align(this.ghByte + 16 * n);
    const pages = Math.max(1, Math.ceil((this.poolEnd + 4 * 8 * this.histLength) / PAGE));
    this.kernels = instantiateHistKernels(pages, this.binBytes === 2);
    this.refreshViews();
    new Uint8Array(this.kernels.memory.buffer, 0, binned.bins.byteLength).set(
      new Uint8Array(binned.bins.buffer, binned.bins.byteOffset, binned.bins.byteLength),
    );
    this.col = new Int32Array(p);
    this.base = new Int32Array(p);
  }

  private refreshViews(): void {
    const buf = this.kernels.memory.buffer;
    this.f64 = new Float64Array(buf);
    this.rows32 = new Int32Array(buf);
  }

  /** A zeroed histogram's float64 index. */
  acquire(): number {
    const h = this.free.pop();
    if (h !== undefined) {
      this.f64.fill(0, h, h + this.histLength);
      return h;
    }
    const bytes = 8 * this.histLength;
    const need = this.poolEnd + bytes;
    const have = this.kernels.memory.buffer.byteLength;
    if (need > have) {
      // Grow geometrically so a deep tree's level does not grow the memory once per histogram.
      this.kernels.memory.grow(Math.max(Math.ceil((need - have) / PAGE), Math.ceil(have / PAGE / 2)));
      this.refreshViews();
    }
    const h2 = this.poolEnd / 8;
    this.poolEnd = need;
    return h2; // fresh pages are zero
  }

  release(h: number): void {
    this.free.push(h);
  }

  /** The sampled features of the next tree (increasing); the kernels take their columns by position. */
  setFeatures(features: Int32Array): void {
    this.q = features.length;
    for (let j = 0; j < features.length; j++) {
      const f = features[j]!;
      this.col[j] = f * this.n * this.binBytes;
      this.base[j] = 16 * this.slotOffset[f]!;
    }
  }

  /**
   * Adds the (g, h) of rows[start..end) into histogram `h` for the sampled features. Rows are visited in
   * order, so each slot's sum is formed in the same order as accumulateFeatureHistogram's.
   */
  build(h: number, rows: Int32Array, start: number, end: number, gh: Float64Array): void {
    const r32 = this.rows32;
    const f64 = this.f64;
    let ri = this.rowsByte >> 2;
    let gi = this.ghByte >> 3;
    for (let k = start; k < end; k++, ri++, gi += 2) {
      const r = rows[k]!;
      r32[ri] = r;
      f64[gi] = gh[2 * r]!;
      f64[gi + 1] = gh[2 * r + 1]!;
    }
    const rp = this.rowsByte;
    const re = rp + 4 * (end - start);
    const gp = this.ghByte;
    const hb = 8 * h;
    const c = this.col;
    const b = this.base;
    const L = this.kernels.lanes;
    const q = this.q;
    let j = 0;
    for (; j + 8 <= q; j += 8) {
      L[8](
        rp,
        re,
        gp,
        c[j],
        c[j + 1],
        c[j + 2],
        c[j + 3],
        c[j + 4],
        c[j + 5],
        c[j + 6],
        c[j + 7],
        hb + b[j]!,
        hb + b[j + 1]!,
        hb + b[j + 2]!,
        hb + b[j + 3]!,
        hb + b[j + 4]!,
        hb + b[j + 5]!,
        hb + b[j + 6]!,
        hb + b[j + 7]!,
      );
    }
    if (j + 4 <= q) {
      L[4](
        rp,
        re,
        gp,
        c[j],
        c[j + 1],
        c[j + 2],
        c[j + 3],
        hb + b[j]!,
        hb + b[j + 1]!,
        hb + b[j + 2]!,
        hb + b[j + 3]!,
      );
      j += 4;
    }
    if (j + 2 <= q) {
      L[2](rp, re, gp, c[j], c[j + 1], hb + b[j]!, hb + b[j + 1]!);
      j += 2;
    }
    if (j < q) L[1](rp, re, gp, c[j], hb + b[j]!);
  }

  /** Histogram subtraction on the sampled features: parent −= child (the parent becomes the sibling). */
  subtract(parent: number, child: number, features: Int32Array): void {
    const f64 = this.f64;
    const d = child - parent;
    for (let j = 0; j < features.length; j++) {
      const f = features[j]!;
      const a = parent + 2 * this.slotOffset[f]!;
      const e = parent + 2 * this.slotOffset[f + 1]!;
      for (let s = a; s < e; s++) f64[s] = f64[s]! - f64[s + d]!;
    }
  }
}
