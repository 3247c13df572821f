/**
 * Gradient/hessian histograms for the hist tree method (methods.md §9.3 item 4).
 *
 * A node's histogram is one Float64Array holding, for every feature f, nBins(f) + 1 slots of (Σg, Σh)
 * interleaved: slot s of feature f is at 2·(slotOffset[f] + s); the extra last slot collects the rows whose
 * value is missing. Base kernels only: no validation, no allocation.
 */

/**
 * Adds the (g, h) of rows[start..end) into the histogram of one feature.
 * `bins` is the feature-major bin matrix and `colBase` = f · nRows; `gh` holds (g, h) interleaved per row;
 * `histBase` = 2 · slotOffset[f].
 */
export function accumulateFeatureHistogram(
  bins: Uint8Array | Uint16Array,
  colBase: number,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
  hist: Float64Array,
  histBase: number,
): void {
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const s = histBase + 2 * bins[colBase + r]!;
    hist[s] = hist[s]! + gh[2 * r]!;
    hist[s + 1] = hist[s + 1]! + gh[2 * r + 1]!;
  }
}

/**
 * Same as accumulateFeatureHistogram but reads (g, h) from `ghNode`, the node's gradients gathered in row
 * order (ghNode[2(k − start)] belongs to rows[k]): one random access per row instead of two.
 */
export function accumulateFeatureHistogramGathered(
  bins: Uint8Array | Uint16Array,
  colBase: number,
  rows: Int32Array,
  start: number,
  end: number,
  ghNode: Float64Array,
  hist: Float64Array,
  histBase: number,
): void {
  let j = 0;
  for (let k = start; k < end; k++, j += 2) {
    const s = histBase + 2 * bins[colBase + rows[k]!]!;
    hist[s] = hist[s]! + ghNode[j]!;
    hist[s + 1] = hist[s + 1]! + ghNode[j + 1]!;
  }
}

/** ghNode[2(k − start) + {0,1}] = gh[2·rows[k] + {0,1}]. */
export function gatherGradients(
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
  ghNode: Float64Array,
): void {
  let j = 0;
  for (let k = start; k < end; k++, j += 2) {
    const r = 2 * rows[k]!;
    ghNode[j] = gh[r]!;
    ghNode[j + 1] = gh[r + 1]!;
  }
}

/** Histogram subtraction: parent[a..b) −= child[a..b) (the sibling of `child` is what remains). */
export function subtractHistogramRange(
  parent: Float64Array,
  child: Float64Array,
  a: number,
  b: number,
): void {
  for (let s = a; s < b; s++) parent[s] = parent[s]! - child[s]!;
}

/**
 * Four features in one pass over the node's rows: the row index and its (g, h) are loaded once for four
 * independent histogram updates, which roughly halves the cost per update against one feature per pass.
 * `c*` are the column bases f·nRows and `b*` the histogram bases 2·slotOffset[f].
 */
export function accumulateFourFeatureHistograms(
  bins: Uint8Array | Uint16Array,
  rows: Int32Array,
  start: number,
  end: number,
  ghNode: Float64Array,
  hist: Float64Array,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
): void {
  let j = 0;
  for (let k = start; k < end; k++, j += 2) {
    const r = rows[k]!;
    const g = ghNode[j]!;
    const h = ghNode[j + 1]!;
    let s = b0 + 2 * bins[c0 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b1 + 2 * bins[c1 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b2 + 2 * bins[c2 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b3 + 2 * bins[c3 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
  }
}

/** Two features in one pass (see accumulateFourFeatureHistograms), for the remainder of the sampled features. */
export function accumulateTwoFeatureHistograms(
  bins: Uint8Array | Uint16Array,
  rows: Int32Array,
  start: number,
  end: number,
  ghNode: Float64Array,
  hist: Float64Array,
  c0: number,
  c1: number,
  b0: number,
  b1: number,
): void {
  let j = 0;
  for (let k = start; k < end; k++, j += 2) {
    const r = rows[k]!;
    const g = ghNode[j]!;
    const h = ghNode[j + 1]!;
    let s = b0 + 2 * bins[c0 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b1 + 2 * bins[c1 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
  }
}

/** Eight features in one pass (see accumulateFourFeatureHistograms); `c` and `b` hold 8 bases from `at`. */
export function accumulateEightFeatureHistograms(
  bins: Uint8Array | Uint16Array,
  rows: Int32Array,
  start: number,
  end: number,
  ghNode: Float64Array,
  hist: Float64Array,
  c: Int32Array,
  b: Int32Array,
  at: number,
): void {
  const c0 = c[at]!;
  const c1 = c[at + 1]!;
  const c2 = c[at + 2]!;
  const c3 = c[at + 3]!;
  const c4 = c[at + 4]!;
  const c5 = c[at + 5]!;
  const c6 = c[at + 6]!;
  const c7 = c[at + 7]!;
  const b0 = b[at]!;
  const b1 = b[at + 1]!;
  const b2 = b[at + 2]!;
  const b3 = b[at + 3]!;
  const b4 = b[at + 4]!;
  const b5 = b[at + 5]!;
  const b6 = b[at + 6]!;
  const b7 = b[at + 7]!;
  let j = 0;
  for (let k = start; k < end; k++, j += 2) {
    const r = rows[k]!;
    const g = ghNode[j]!;
    const h = ghNode[j + 1]!;
    let s = b0 + 2 * bins[c0 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b1 + 2 * bins[c1 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b2 + 2 * bins[c2 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b3 + 2 * bins[c3 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b4 + 2 * bins[c4 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b5 + 2 * bins[c5 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b6 + 2 * bins[c6 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
    s = b7 + 2 * bins[c7 + r]!;
    hist[s] = hist[s]! + g;
    hist[s + 1] = hist[s + 1]! + h;
  }
}
