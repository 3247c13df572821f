/**
 * A regression tree of the booster in flat arrays (node 0 is the root). Split nodes send x left iff
 * float32(x) < threshold, and NaN to the learned default side (methods.md §9.3 item 10). Leaves carry the
 * value already multiplied by the learning rate.
 */

export interface Tree {
  /** The class whose margin this tree adds to. */
  readonly classIndex: number;
  /** Child indices; −1 for a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Split feature; −1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold (a float32 value, or −Infinity when every non-missing value goes right). */
  readonly threshold: Float64Array;
  /** 1 if missing values go left. */
  readonly defaultLeft: Uint8Array;
  /** Leaf output η·w (0 on split nodes). */
  readonly value: Float64Array;
  /** loss_chg of the split (0 on leaves). */
  readonly gain: Float64Array;
  /** Sum of hessians of the node's training rows. */
  readonly cover: Float64Array;
}

export function treeNodeCount(t: Tree): number {
  return t.left.length;
}

/** The leaf output for one row `x[off … off + p)` already cast to float32; NaN follows the default side. */
export function treeLeafValue(t: Tree, x: ArrayLike<number>, off: number): number {
  let node = 0;
  const feature = t.feature;
  while (feature[node]! >= 0) {
    const v = x[off + feature[node]!]!;
    if (Number.isNaN(v)) node = t.defaultLeft[node] ? t.left[node]! : t.right[node]!;
    else node = v < t.threshold[node]! ? t.left[node]! : t.right[node]!;
  }
  return t.value[node]!;
}
