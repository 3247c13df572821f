/**
 * Forest prediction on raw features (methods.md §9.3 item 10): F_k = b_k + Σ leaves of class-k trees, with
 * values cast to float32 before the `x < threshold` test and NaN following each node's default side.
 * Trees are flattened into one set of arrays, each tree laid out breadth-first with the two children of a
 * split adjacent (right = left + 1), so a step is `node = left + (go right ? 1 : 0)` without a second
 * load; rows are processed in blocks so that a block of rows and the forest both stay in cache.
 */
import type { Tree } from './tree.ts';
import { addForestMarginsWasm, forestRowKeys } from './wasm-predict.ts';

export interface FlatForest {
  readonly numClass: number;
  readonly nTrees: number;
  /** Absolute index of each tree's root. */
  readonly root: Int32Array;
  readonly classOf: Int32Array;
  /** Split feature; −1 marks a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Absolute index of the left child; the right child is left + 1. */
  readonly left: Int32Array;
  /** 1 if a missing value goes right (0: left). */
  readonly missingRight: Uint8Array;
  readonly value: Float64Array;
}

export function flattenForest(trees: readonly Tree[], numClass: number): FlatForest {
  let total = 0;
  for (const t of trees) total += t.left.length;
  const f: FlatForest = {
    numClass,
    nTrees: trees.length,
    root: new Int32Array(trees.length),
    classOf: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    missingRight: new Uint8Array(total),
    value: new Float64Array(total),
  };
  let o = 0;
  trees.forEach((t, j) => {
    f.root[j] = o;
    f.classOf[j] = t.classIndex;
    // Breadth-first relayout: slot `next` and `next + 1` go to the children of each split in turn.
    const queue = [0];
    const slot = [o];
    let next = o + 1;
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi]!;
      const s = slot[qi]!;
      f.feature[s] = t.feature[u]!;
      f.threshold[s] = t.threshold[u]!;
      f.value[s] = t.value[u]!;
      f.missingRight[s] = t.defaultLeft[u] ? 0 : 1;
      if (t.feature[u]! >= 0) {
        f.left[s] = next;
        queue.push(t.left[u]!, t.right[u]!);
        slot.push(next, next + 1);
        next += 2;
      } else f.left[s] = -1;
    }
    o += t.left.length;
  });
  return f;
}

const ROW_BLOCK = 256;

/**
 * Adds the outputs of trees [treeBegin, treeEnd) to `out` (n × K margins). `X32` holds the rows already cast
 * to float32 (row-major, p columns). Base kernel: no validation. Runs the WebAssembly kernel of
 * wasm-predict.ts (branch-free, eight rows at a time; forests deeper than MAX_WASM_PREDICT_DEPTH
 * fall back to JavaScript); addForestMarginsJs is its bit-identical JavaScript twin.
 */
export function addForestMargins(
  forest: FlatForest,
  X32: Float32Array,
  n: number,
  p: number,
  out: Float64Array,
  treeBegin: number,
  treeEnd: number,
): void {
  addForestMarginsKeyed(forest, X32, forestRowKeys(X32.subarray(0, n * p)), n, p, out, treeBegin, treeEnd);
}

/** addForestMargins with the rows' forestRowKeys computed once by the caller (repeated scoring of one set). */
export function addForestMarginsKeyed(
  forest: FlatForest,
  X32: Float32Array,
  keys: Uint32Array,
  n: number,
  p: number,
  out: Float64Array,
  treeBegin: number,
  treeEnd: number,
): void {
  if (!addForestMarginsWasm(forest, keys, n, p, out, treeBegin, treeEnd))
    addForestMarginsJs(forest, X32, n, p, out, treeBegin, treeEnd);
}

/** The JavaScript reference of addForestMargins (row blocks, early exit at the leaf). No allocation. */
export function addForestMarginsJs(
  forest: FlatForest,
  X32: Float32Array,
  n: number,
  p: number,
  out: Float64Array,
  treeBegin: number,
  treeEnd: number,
): void {
  const { feature, threshold, left, missingRight, value, root, classOf } = forest;
  const K = forest.numClass;
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const i1 = Math.min(n, i0 + ROW_BLOCK);
    for (let t = treeBegin; t < treeEnd; t++) {
      const r0 = root[t]!;
      const k = classOf[t]!;
      for (let i = i0; i < i1; i++) {
        const off = i * p;
        let node = r0;
        let f = feature[node]!;
        while (f >= 0) {
          const v = X32[off + f]!;
          // NaN fails `v < threshold`; only then is the (rare) missing case told apart.
          node = left[node]! + (v < threshold[node]! ? 0 : Number.isNaN(v) ? missingRight[node]! : 1);
          f = feature[node]!;
        }
        out[i * K + k] = out[i * K + k]! + value[node]!;
      }
    }
  }
}
