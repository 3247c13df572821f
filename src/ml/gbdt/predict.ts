/**
 * Forest prediction on raw features (methods.md §9.3 item 10): F_k = b_k + Σ leaves of class-k trees, with
 * values cast to float32 before the `x < threshold` test and NaN following each node's default side.
 * Trees are flattened into one set of arrays and rows are processed in blocks, so the forest and a block
 * of rows both stay in cache.
 */
import type { Tree } from './tree.ts';

export interface FlatForest {
  readonly numClass: number;
  readonly nTrees: number;
  /** Absolute index of each tree's root. */
  readonly root: Int32Array;
  readonly classOf: Int32Array;
  /** Absolute child indices; feature −1 marks a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
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
    right: new Int32Array(total),
    defaultLeft: new Uint8Array(total),
    value: new Float64Array(total),
  };
  let o = 0;
  trees.forEach((t, j) => {
    f.root[j] = o;
    f.classOf[j] = t.classIndex;
    for (let k = 0; k < t.left.length; k++) {
      f.feature[o + k] = t.feature[k]!;
      f.threshold[o + k] = t.threshold[k]!;
      f.left[o + k] = t.left[k]! >= 0 ? o + t.left[k]! : -1;
      f.right[o + k] = t.right[k]! >= 0 ? o + t.right[k]! : -1;
      f.defaultLeft[o + k] = t.defaultLeft[k]!;
      f.value[o + k] = t.value[k]!;
    }
    o += t.left.length;
  });
  return f;
}

const ROW_BLOCK = 256;

/**
 * Adds the outputs of trees [treeBegin, treeEnd) to `out` (n × K margins). `X32` holds the rows already cast
 * to float32 (row-major, p columns). Base kernel: no validation, no allocation.
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
  const { feature, threshold, left, right, defaultLeft, value, root, classOf } = forest;
  const K = forest.numClass;
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const i1 = Math.min(n, i0 + ROW_BLOCK);
    for (let t = treeBegin; t < treeEnd; t++) {
      const r0 = root[t]!;
      const k = classOf[t]!;
      for (let i = i0; i < i1; i++) {
        const off = i * p;
        let node = r0;
        while (feature[node]! >= 0) {
          const v = X32[off + feature[node]!]!;
          if (Number.isNaN(v)) node = defaultLeft[node] ? left[node]! : right[node]!;
          else node = v < threshold[node]! ? left[node]! : right[node]!;
        }
        out[i * K + k] = out[i * K + k]! + value[node]!;
      }
    }
  }
}
