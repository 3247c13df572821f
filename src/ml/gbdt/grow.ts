/**
 * Depthwise growth of one histogram tree (methods.md §9.3 items 4–6): row-index partitions per node, the
 * smaller child's histogram built from its rows and the sibling's obtained by subtraction from the parent.
 * A node splits iff its best loss_chg > 1e-6 (kRtEps), loss_chg ≥ γ and depth < max_depth; a leaf is
 * η·(−T(G)/(H + λ)).
 */
import { HistogramStore } from './hist-store.ts';
import { type BinnedMatrix, numBins } from './quantize.ts';
import { emptyCandidate, leafWeight, nodeGain, type SplitCandidate, type SplitParams } from './split.ts';
import type { Tree } from './tree.ts';

/** XGBoost's kRtEps: a split must gain more than this. */
export const MIN_SPLIT_GAIN_EPS = 1e-6;

export interface GrowParams extends SplitParams {
  readonly maxDepth: number;
  readonly gamma: number;
  readonly eta: number;
}

/** A grown tree plus what the trainer needs to update the training margins without re-traversal. */
export interface GrownTree {
  readonly tree: Tree;
  /** Split bin per node (bins ≤ splitBin go left), for traversal on bin codes. */
  readonly splitBin: Int32Array;
  /** Leaf nodes and their row segments [segStart, segEnd) in `rows`. */
  readonly leafNodes: number[];
  readonly segStart: number[];
  readonly segEnd: number[];
  /** Each leaf's segment [dropStart, dropEnd) of the dropped rows passed to `grow` (empty without them). */
  readonly dropStart: number[];
  readonly dropEnd: number[];
}

interface LevelNode {
  id: number;
  start: number;
  end: number;
  /** The node's dropped (unsampled) rows, rows[dStart..dEnd): partitioned along, never histogrammed. */
  dStart: number;
  dEnd: number;
  G: number;
  H: number;
  /** Float64 index of the node's histogram in the store, −1 if it needs none. */
  hist: number;
  /** The node's best split, found as soon as its histogram exists (null without a histogram). */
  best: SplitCandidate | null;
}

/** Grows trees on one binned training set; its buffers are reused from tree to tree. */
export class TreeGrower {
  readonly binned: BinnedMatrix;
  private readonly store: HistogramStore;

  constructor(binned: BinnedMatrix) {
    this.binned = binned;
    this.store = new HistogramStore(binned);
  }

  private release(h: number): void {
    if (h >= 0) this.store.release(h);
  }

  /**
   * Grows one tree. `gh` holds (g, h) interleaved per training row; `rows[0..m)` are the sampled rows in
   * increasing order (reordered in place into leaf segments); `features` the sampled features, increasing.
   * `rows[m..m + nDropped)` may hold the rows left out by subsampling: they take no part in the histograms
   * or the splits, but are partitioned alongside, so each leaf also knows its dropped rows (dropStart/dropEnd)
   * and the trainer updates every training margin from leaf segments instead of traversing the tree.
   */
  grow(
    gh: Float64Array,
    rows: Int32Array,
    m: number,
    features: Int32Array,
    classIndex: number,
    p: GrowParams,
    nDropped = 0,
  ): GrownTree {
    const { cuts } = this.binned;
    const store = this.store;
    store.setFeatures(features);
    // Rows and gradients live in WebAssembly memory for the whole tree; the rows come back out at the end.
    store.loadTree(gh, rows, m + nDropped);
    const left: number[] = [];
    const right: number[] = [];
    const feature: number[] = [];
    const threshold: number[] = [];
    const defaultLeft: number[] = [];
    const value: number[] = [];
    const gain: number[] = [];
    const cover: number[] = [];
    const splitBin: number[] = [];
    const leafNodes: number[] = [];
    const segStart: number[] = [];
    const segEnd: number[] = [];
    const dropStart: number[] = [];
    const dropEnd: number[] = [];
    const newNode = (H: number): number => {
      left.push(-1);
      right.push(-1);
      feature.push(-1);
      threshold.push(0);
      defaultLeft.push(0);
      value.push(0);
      gain.push(0);
      cover.push(H);
      splitBin.push(0);
      return left.length - 1;
    };
    const makeLeaf = (node: LevelNode) => {
      value[node.id] = p.eta * leafWeight(node.G, node.H, p);
      leafNodes.push(node.id);
      segStart.push(node.start);
      segEnd.push(node.end);
      dropStart.push(node.dStart);
      dropEnd.push(node.dEnd);
      this.release(node.hist);
      node.hist = -1;
    };
    // Only a node with H ≥ 2·min_child_weight (and H > 0) can have a valid split; others need no histogram.
    // The tiny relative slack keeps a split whose halves each reach min_child_weight when H rounds just below.
    const minSplitH = 2 * p.minChildWeight * (1 - 1e-12);
    const canSplit = (H: number, depth: number) => depth < p.maxDepth && H >= minSplitH && H > 0;

    let G = 0;
    let H = 0;
    for (let k = 0; k < m; k++) {
      G += gh[2 * rows[k]!]!;
      H += gh[2 * rows[k]! + 1]!;
    }
    // A node's split is searched right after its histogram is built or subtracted, while the histogram is
    // still in cache, rather than when its level is processed (the same scans, so the same result).
    const findSplit = (node: LevelNode): SplitCandidate => {
      const best = emptyCandidate();
      const parentGain = nodeGain(node.G, node.H, p);
      for (let j = 0; j < features.length; j++) {
        store.scanFeature(node.hist, j, features[j]!, node.G, node.H, parentGain, p, best);
      }
      return best;
    };
    const root: LevelNode = {
      id: newNode(H),
      start: 0,
      end: m,
      dStart: m,
      dEnd: m + nDropped,
      G,
      H,
      hist: -1,
      best: null,
    };
    if (canSplit(H, 0)) {
      root.hist = store.acquire();
      store.build(root.hist, 0, m);
      root.best = findSplit(root);
    }
    let level: LevelNode[] = [root];
    for (let depth = 0; level.length > 0; depth++) {
      const next: LevelNode[] = [];
      for (const node of level) {
        if (node.hist < 0) {
          makeLeaf(node);
          continue;
        }
        const best = node.best!;
        if (!(best.feature >= 0 && best.lossChg > MIN_SPLIT_GAIN_EPS && best.lossChg >= p.gamma)) {
          makeLeaf(node);
          continue;
        }
        const f = best.feature;
        const mid = store.partition(node.start, node.end, f, best.splitBin, best.defaultLeft);
        const dMid = store.partition(node.dStart, node.dEnd, f, best.splitBin, best.defaultLeft);
        const id = node.id;
        feature[id] = f;
        splitBin[id] = best.splitBin;
        threshold[id] =
          best.splitBin >= 0 ? cuts.cutValues[cuts.cutPtr[f]! + best.splitBin]! : Number.NEGATIVE_INFINITY;
        defaultLeft[id] = best.defaultLeft ? 1 : 0;
        gain[id] = best.lossChg;
        const L: LevelNode = {
          id: newNode(best.HL),
          start: node.start,
          end: mid,
          dStart: node.dStart,
          dEnd: dMid,
          G: best.GL,
          H: best.HL,
          hist: -1,
          best: null,
        };
        const R: LevelNode = {
          id: newNode(best.HR),
          start: mid,
          end: node.end,
          dStart: dMid,
          dEnd: node.dEnd,
          G: best.GR,
          H: best.HR,
          hist: -1,
          best: null,
        };
        left[id] = L.id;
        right[id] = R.id;
        this.childHistograms(node, L, R, canSplit(L.H, depth + 1), canSplit(R.H, depth + 1));
        if (L.hist >= 0) L.best = findSplit(L);
        if (R.hist >= 0) R.best = findSplit(R);
        next.push(L, R);
      }
      level = next;
    }
    store.copyRowsOut(rows, m + nDropped);
    const tree: Tree = {
      classIndex,
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      defaultLeft: Uint8Array.from(defaultLeft),
      value: Float64Array.from(value),
      gain: Float64Array.from(gain),
      cover: Float64Array.from(cover),
    };
    return { tree, splitBin: Int32Array.from(splitBin), leafNodes, segStart, segEnd, dropStart, dropEnd };
  }

  /** Gives each child that may split a histogram, building the cheaper side and subtracting for the other. */
  private childHistograms(
    parent: LevelNode,
    L: LevelNode,
    R: LevelNode,
    needL: boolean,
    needR: boolean,
  ): void {
    const store = this.store;
    const ph = parent.hist;
    parent.hist = -1;
    if (!needL && !needR) {
      store.release(ph);
      return;
    }
    const small = L.end - L.start <= R.end - R.start ? L : R;
    const big = small === L ? R : L;
    const needSmall = small === L ? needL : needR;
    const needBig = small === L ? needR : needL;
    if (needBig) {
      // Build the smaller child, then parent − small is the bigger one, in the parent's buffer.
      const sh = store.acquire();
      store.build(sh, small.start, small.end);
      store.subtract(ph, sh);
      big.hist = ph;
      if (needSmall) small.hist = sh;
      else store.release(sh);
    } else {
      store.f64.fill(0, ph, ph + store.histLength);
      store.build(ph, small.start, small.end);
      small.hist = ph;
    }
  }
}

/**
 * Stable partition of rows[start..end) by the split (bins ≤ splitBin go left; the missing code follows
 * `defaultLeft`). Returns the first index of the right part. Base kernel; `tmp` is scratch of length ≥ end − start.
 */
export function partitionRowsStable(
  rows: Int32Array,
  start: number,
  end: number,
  bins: Uint8Array | Uint16Array,
  colBase: number,
  splitBin: number,
  missingCode: number,
  defaultLeft: boolean,
  tmp: Int32Array,
): number {
  // Branch-free: every row is written to both outputs and only the matching cursor advances, because the
  // split direction of a row is a coin flip the branch predictor cannot learn.
  const dl = defaultLeft ? 1 : 0;
  let w = start;
  let t = 0;
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const b = bins[colBase + r]!;
    // b ≤ splitBin ⇔ splitBin − b ≥ 0; b = missingCode ⇔ (b ^ missingCode) − 1 < 0 (codes are < 2^16).
    const goLeft = (((splitBin - b) >>> 31) ^ 1) | (dl & (((b ^ missingCode) - 1) >>> 31));
    rows[w] = r;
    tmp[t] = r;
    w += goLeft;
    t += goLeft ^ 1;
  }
  rows.set(tmp.subarray(0, t), w);
  return w;
}

/** Leaf reached by training row `r` on bin codes (equivalent to raw-value traversal on the training set). */
export function leafOfBinnedRow(g: GrownTree, binned: BinnedMatrix, r: number): number {
  const t = g.tree;
  const n = binned.rows;
  let node = 0;
  while (t.feature[node]! >= 0) {
    const f = t.feature[node]!;
    const b = binned.bins[f * n + r]!;
    const goLeft = b === numBins(binned.cuts, f) ? t.defaultLeft[node] === 1 : b <= g.splitBin[node]!;
    node = goLeft ? t.left[node]! : t.right[node]!;
  }
  return node;
}
