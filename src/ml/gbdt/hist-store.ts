/**
 * The WebAssembly workspace of tree growth on one binned training set (methods.md §9.3 items 4–6): the bin
 * matrix, the current tree's row ids and gradients, the gathered (g, h) of the node being built and a pool of
 * node histograms, all in one linear memory. The kernels of wasm-hist.ts (histograms) and wasm-node.ts
 * (gather, partition, subtraction, split scan) work there directly, so during a tree no row list, gradient or
 * histogram is copied between JavaScript arrays and WebAssembly memory: the rows and gradients go in once per
 * tree (`loadTree`) and the reordered rows come out once (`copyRowsOut`).
 *
 * Histogram layout: one block of `blockLength` float64 per sampled feature, in the order of the tree's sampled
 * features (position j at float64 offset j·blockLength, the same stride for every feature so that the kernels
 * address a pass's blocks by immediate offsets); slot s of a block holds (Σg, Σh) at 2s, the slot after the
 * feature's last bin collecting missing values. A histogram is named by its float64 index
 * into `f64`; the pool grows the memory when it runs out, which replaces the ArrayBuffer, so callers re-read
 * `f64` after `acquire` instead of holding on to a view.
 *
 * Memory layout (byte addresses): bins (feature-major, as BinnedMatrix) | rows (n × i32) | partition scratch
 * (n × i32) | gradients (n × f64x2) | gathered gradients (n × f64x2) | scan result (5 × f64) | scan scratch
 * (running G and H sums, 2 × (max bins + 2) f64) | histogram pool.
 */
import {
  instantiate,
  ModuleBuilder,
  newWasmMemory,
  WASM_PAGE_BYTES,
  type WasmMemory,
  type WasmModule,
} from '../../core/wasm.ts';
import { type BinnedMatrix, numBins } from './quantize.ts';
import type { SplitCandidate, SplitParams } from './split.ts';
import { HIST_LANES, type HistLanes, histKernel, histKernelName } from './wasm-hist.ts';
import { gatherKernel, partitionKernel, splitScanKernel, subtractKernel } from './wasm-node.ts';

// biome-ignore lint/suspicious/noExplicitAny: WebAssembly exports are untyped; each is wrapped below
type WasmFn = (...args: any[]) => any;
type ScanFn = (
  hist: number,
  nb: number,
  G: number,
  H: number,
  parentGain: number,
  lambda: number,
  alpha: number,
  mcw: number,
  best: number,
  out: number,
  scratch: number,
) => number;

interface TrainKernels {
  readonly hist: Readonly<Record<HistLanes, WasmFn>>;
  readonly gather: (rowPtr: number, rowEnd: number, ghBase: number, out: number) => void;
  readonly partition: (
    rowPtr: number,
    rowEnd: number,
    col: number,
    splitBin: number,
    missingCode: number,
    defaultLeft: number,
    tmp: number,
  ) => number;
  readonly subtract: (parent: number, child: number, bytes: number) => void;
  readonly scan: Readonly<Record<'fwd_a0' | 'bwd_a0' | 'fwd_l1' | 'bwd_l1', ScanFn>>;
}

/** Compiled modules by bin width and histogram block stride (baked into the histogram kernels). */
const compiled = new Map<string, WasmModule>();

function trainModule(u16: boolean, stride: number): WasmModule {
  const key = `${u16 ? 'u16' : 'u8'}:${stride}`;
  let m = compiled.get(key);
  if (!m) {
    const mb = new ModuleBuilder().importMemory();
    for (const L of HIST_LANES) mb.func(histKernel(L, u16, stride));
    mb.func(gatherKernel()).func(partitionKernel(u16)).func(subtractKernel());
    for (const bwd of [false, true]) for (const l1 of [false, true]) mb.func(splitScanKernel(bwd, l1));
    const mod = mb.compile();
    if (!mod) throw new Error('this engine cannot compile the GBDT WebAssembly SIMD kernels');
    m = mod;
    compiled.set(key, m);
  }
  return m;
}

function instantiateKernels(memory: WasmMemory, u16: boolean, stride: number): TrainKernels {
  const ex = instantiate(trainModule(u16, stride), memory) as Record<string, WasmFn>;
  const w = u16 ? 'u16' : 'u8';
  return {
    hist: {
      1: ex[histKernelName(1, u16)]!,
      2: ex[histKernelName(2, u16)]!,
      3: ex[histKernelName(3, u16)]!,
    },
    gather: ex.gather!,
    partition: ex[`partition_${w}`]!,
    subtract: ex.subtract!,
    scan: {
      fwd_a0: ex.scan_fwd_a0!,
      bwd_a0: ex.scan_bwd_a0!,
      fwd_l1: ex.scan_fwd_l1!,
      bwd_l1: ex.scan_bwd_l1!,
    },
  };
}

export class HistogramStore {
  /** float64 values per feature block: 2·(max bins + 1). */
  readonly blockLength: number;
  /** float64 values per histogram (one block per feature). */
  readonly histLength: number;
  private readonly binned: BinnedMatrix;
  private readonly memory: WasmMemory;
  private readonly kernels: TrainKernels;
  private readonly rowsByte: number;
  private readonly tmpByte: number;
  private readonly ghByte: number;
  private readonly ghNodeByte: number;
  private readonly outByte: number;
  private readonly scanByte: number;
  private readonly binBytes: number;
  private readonly n: number;
  private poolEnd: number;
  private readonly free: number[] = [];
  /** The whole linear memory as float64; valid until the next `acquire`. */
  f64!: Float64Array;
  private rows32!: Int32Array;
  /** Byte addresses of the current tree's sampled features' bin columns. */
  private readonly col: Int32Array;
  private q = 0;

  constructor(binned: BinnedMatrix) {
    const n = binned.rows;
    const p = binned.cols;
    this.n = n;
    this.binned = binned;
    let maxBins = 0;
    for (let f = 0; f < p; f++) maxBins = Math.max(maxBins, numBins(binned.cuts, f));
    this.blockLength = 2 * (maxBins + 1);
    this.histLength = this.blockLength * p;
    this.binBytes = binned.bins.BYTES_PER_ELEMENT;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    this.rowsByte = align(binned.bins.byteLength);
    this.tmpByte = align(this.rowsByte + 4 * n);
    this.ghByte = align(this.tmpByte + 4 * n);
    this.ghNodeByte = this.ghByte + 16 * n;
    this.outByte = this.ghNodeByte + 16 * n;
    this.scanByte = this.outByte + 64;
    this.poolEnd = align(this.scanByte + 16 * (maxBins + 2));
    this.memory = newWasmMemory(this.poolEnd + 4 * 8 * this.histLength);
    this.kernels = instantiateKernels(this.memory, this.binBytes === 2, 8 * this.blockLength);
    this.refreshViews();
    new Uint8Array(this.memory.buffer, 0, binned.bins.byteLength).set(
      new Uint8Array(binned.bins.buffer, binned.bins.byteOffset, binned.bins.byteLength),
    );
    this.col = new Int32Array(p);
  }

  private refreshViews(): void {
    const buf = this.memory.buffer;
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
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      // Grow geometrically so a deep tree's level does not grow the memory once per histogram.
      const page = WASM_PAGE_BYTES;
      this.memory.grow(Math.max(Math.ceil((need - have) / page), Math.ceil(have / page / 2)));
      this.refreshViews();
    }
    const h2 = this.poolEnd / 8;
    this.poolEnd = need;
    return h2; // fresh pages are zero
  }

  release(h: number): void {
    this.free.push(h);
  }

  /** Float64 offset, within a histogram, of the block of the sampled feature at position j. */
  blockOffset(j: number): number {
    return j * this.blockLength;
  }

  /** The sampled features of the next tree (increasing); histograms hold their blocks in this order. */
  setFeatures(features: Int32Array): void {
    this.q = features.length;
    for (let j = 0; j < features.length; j++) {
      const f = features[j]!;
      this.col[j] = f * this.n * this.binBytes;
    }
  }

  /**
   * Copies a tree's inputs in: the (g, h) pairs of every training row (`gh`, length 2n) and the row ids
   * rows[0 … count) that `build` and `partition` address by position from now on.
   */
  loadTree(gh: Float64Array, rows: Int32Array, count: number): void {
    this.f64.set(gh.subarray(0, 2 * this.n), this.ghByte >> 3);
    this.rows32.set(rows.subarray(0, count), this.rowsByte >> 2);
  }

  /** Copies the (reordered) row ids of positions [0, count) back out. */
  copyRowsOut(rows: Int32Array, count: number): void {
    const at = this.rowsByte >> 2;
    rows.set(this.rows32.subarray(at, at + count));
  }

  /**
   * Adds the (g, h) of the rows at positions [start, end) into histogram `h` for the sampled features. Rows
   * are visited in order, so each slot's sum is formed in the same order as accumulateFeatureHistogram's.
   */
  build(h: number, start: number, end: number): void {
    const rp = this.rowsByte + 4 * start;
    const re = this.rowsByte + 4 * end;
    const gp = this.ghNodeByte;
    this.kernels.gather(rp, re, this.ghByte, gp);
    const c = this.col;
    const L = this.kernels.hist;
    const q = this.q;
    const stride = 8 * this.blockLength;
    let hb = 8 * h;
    let j = 0;
    for (; j + 3 <= q; j += 3, hb += 3 * stride) L[3](rp, re, gp, hb, c[j], c[j + 1], c[j + 2]);
    if (j + 2 <= q) L[2](rp, re, gp, hb, c[j], c[j + 1]);
    else if (j < q) L[1](rp, re, gp, hb, c[j]);
  }

  /** Histogram subtraction on the sampled features' blocks: parent −= child (the parent becomes the sibling). */
  subtract(parent: number, child: number): void {
    this.kernels.subtract(8 * parent, 8 * child, 8 * this.blockLength * this.q);
  }

  /**
   * Stable partition of the rows at positions [start, end) by feature f's split (bins ≤ splitBin go left, the
   * missing code follows defaultLeft), as partitionRowsStable. Returns the first position of the right part.
   */
  partition(start: number, end: number, f: number, splitBin: number, defaultLeft: boolean): number {
    if (end <= start) return start;
    const left = this.kernels.partition(
      this.rowsByte + 4 * start,
      this.rowsByte + 4 * end,
      f * this.n * this.binBytes,
      splitBin,
      numBins(this.binned.cuts, f),
      defaultLeft ? 1 : 0,
      this.tmpByte,
    );
    return start + left;
  }

  /**
   * evaluateFeatureSplits on feature f, sampled at position j, of histogram `h` for a node with totals (G, H):
   * updates `best` in place when a strictly better valid candidate appears (forward scan, then backward if the
   * node has missing values).
   */
  scanFeature(
    h: number,
    j: number,
    f: number,
    G: number,
    H: number,
    parentGain: number,
    p: SplitParams,
    best: SplitCandidate,
  ): void {
    const nb = numBins(this.binned.cuts, f);
    const hist = 8 * (h + j * this.blockLength);
    const l1 = p.alpha !== 0;
    const out = this.outByte;
    const o = out >> 3;
    const fwd = l1 ? this.kernels.scan.fwd_l1 : this.kernels.scan.fwd_a0;
    const scratch = this.scanByte;
    let b = fwd(hist, nb, G, H, parentGain, p.lambda, p.alpha, p.minChildWeight, best.lossChg, out, scratch);
    const v = this.f64;
    if (b >= 0) setCandidate(best, v, o, f, b, false);
    // The missing slot's hessian is > 0 iff the node has missing rows: every sampled row has h ≥ 1e-16.
    if (!(v[(hist >> 3) + 2 * nb + 1]! > 0)) return;
    const bwd = l1 ? this.kernels.scan.bwd_l1 : this.kernels.scan.bwd_a0;
    b = bwd(hist, nb, G, H, parentGain, p.lambda, p.alpha, p.minChildWeight, best.lossChg, out, scratch);
    if (b >= 0) setCandidate(best, v, o, f, b - 1, true);
  }
}

function setCandidate(
  c: SplitCandidate,
  v: Float64Array,
  o: number,
  f: number,
  splitBin: number,
  defaultLeft: boolean,
): void {
  c.lossChg = v[o]!;
  c.GL = v[o + 1]!;
  c.HL = v[o + 2]!;
  c.GR = v[o + 3]!;
  c.HR = v[o + 4]!;
  c.feature = f;
  c.splitBin = splitBin;
  c.defaultLeft = defaultLeft;
}
