/**
 * Average ranks (scipy `rankdata` default, methods.md §0) specialised for the continuous cross-sections
 * of the signal tier (neutralised z-scores, forward returns), which are ranked ~3·10⁵ times per research
 * run. A distribution sort: values go to N equal-width buckets over mean ± 4 sd, each bucket is finished
 * by insertion sort, and ties get the mean of the ranks they span. For smooth cross-sections the buckets
 * hold a few values each, so the cost is a handful of linear passes (about half the radix sort's in
 * stats/, whose 2048-bucket histograms dominate at n ≈ 1500). The result is exact whatever the data: a
 * bucket that grows past BUCKET_MAX (clustered or discrete values) sends the whole row to the general
 * radix ranker `rankAverageTiesStrided` of stats/.
 */
import {
  FunctionBuilder,
  instantiate,
  ModuleBuilder,
  newWasmMemory,
  type WasmModule,
  wasmApi,
} from '../core/wasm.ts';
import { RankWorkspace, rankAverageTiesStrided } from '../stats/index.ts';

const BUCKET_MAX = 48;

/**
 * Buckets per value of the WebAssembly ranker (the JS version keeps one). On the tier's neutralised rows
 * (bell-shaped, winsorised) three buckets per value cut the insertion pass — the ranker's largest, mostly
 * mispredicted branches — by more than the longer prefix pass costs: 16.7 → 13.1 µs per row of 1500
 * (two: 14.7, four: 13.7; decision 162). The sort is exact for any bucket count, so the ranks and the
 * sorted order are the same.
 */
const BUCKETS_PER_VALUE = 3;

/** Scratch for {@link rankAverageTiesBucketed}; one per thread, sized for rows of length N. */
export class BucketRankWorkspace {
  readonly values: Float64Array;
  readonly position: Int32Array;
  readonly start: Int32Array;
  readonly sorted: Int32Array;
  readonly sortedValues: Float64Array;
  readonly bucket: Int32Array;
  readonly fallback: RankWorkspace;
  constructor(N: number) {
    this.values = new Float64Array(N);
    this.position = new Int32Array(N);
    this.start = new Int32Array(N + 2);
    this.sorted = new Int32Array(N);
    this.sortedValues = new Float64Array(N);
    this.bucket = new Int32Array(N);
    this.fallback = new RankWorkspace(N);
  }
}

/**
 * Base kernel: average ranks 1..m of the m non-NaN values of `x[off .. off+n)` into `out[0..n)` (NaN where
 * x is NaN); returns m. Equal to `rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws)` bit for bit. No
 * checks; `ws` must be sized for n.
 */
export function rankAverageTiesBucketed(
  n: number,
  x: Float64Array,
  off: number,
  out: Float64Array,
  ws: BucketRankWorkspace,
): number {
  let m = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i]!;
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    m++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A complete row (the usual case) is sorted in place of x; otherwise its values are compacted first.
  const complete = m === n;
  const values = complete ? x : ws.values;
  const base = complete ? off : 0;
  if (!complete) {
    const position = ws.position;
    for (let i = 0, k = 0; i < n; i++) {
      const v = x[off + i]!;
      if (Number.isNaN(v)) continue;
      ws.values[k] = v;
      position[k++] = i;
    }
  }
  if (m === 0) return 0;
  if (!(max > min) || !Number.isFinite(max - min)) {
    // All equal (or ±∞ present): let the general ranker decide.
    return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
  }
  // Spread the buckets over mean ± 4 sd (clipped to the data), not over [min, max]: one outlier (a +200 %
  // forward return) would otherwise crowd every other value into a few buckets. Values outside the range
  // go to the end buckets. The one-pass sd may lose digits (data far from 0); that only moves bucket
  // edges — the sort, hence the ranks, stays exact, and a degenerate range falls back below.
  const mean = sum / m;
  const sd = Math.sqrt(Math.max(0, sumSq / m - mean * mean));
  const lo = Math.max(min, mean - 4 * sd);
  const hi = Math.min(max, mean + 4 * sd);
  if (!(hi > lo)) return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
  const B = m;
  const scale = B / (hi - lo);
  const start = ws.start;
  start.fill(0, 0, B + 2);
  const bucketOf = ws.bucket;
  for (let k = 0; k < m; k++) {
    const u = (values[base + k]! - lo) * scale;
    const b = u < 0 ? 0 : u >= B ? B - 1 : u | 0;
    bucketOf[k] = b;
    start[b + 2]!++;
  }
  // start[b+1] = first slot of bucket b after the prefix sum; it then serves as the fill cursor.
  for (let b = 2; b < B + 2; b++) {
    const c = start[b]!;
    if (c > BUCKET_MAX) return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, ws.fallback);
    start[b] = c + start[b - 1]!;
  }
  // Scatter the values with their indices so the insertion sort and the tie walk read them in order.
  const sorted = ws.sorted;
  const sv = ws.sortedValues;
  // `sorted` holds stock indices, so the ranks scatter without another indirection.
  const position = ws.position;
  for (let k = 0; k < m; k++) {
    const slot = start[bucketOf[k]! + 1]!++;
    sorted[slot] = complete ? k : position[k]!;
    sv[slot] = values[base + k]!;
  }
  // Insertion sort inside each bucket (equal values keep input order; ties get one rank anyway).
  let from = 0;
  for (let b = 0; b < B; b++) {
    const to = start[b + 1]!;
    for (let j = from + 1; j < to; j++) {
      const v = sv[j]!;
      if (!(sv[j - 1]! > v)) continue;
      const k = sorted[j]!;
      let i = j - 1;
      while (i >= from && sv[i]! > v) {
        sorted[i + 1] = sorted[i]!;
        sv[i + 1] = sv[i]!;
        i--;
      }
      sorted[i + 1] = k;
      sv[i + 1] = v;
    }
    from = to;
  }
  let s = 0;
  while (s < m) {
    const v = sv[s]!;
    let e = s + 1;
    while (e < m && sv[e] === v) e++;
    const r = (s + 1 + e) / 2;
    for (let j = s; j < e; j++) out[sorted[j]!] = r;
    s = e;
  }
  return m;
}

/**
 * Byte offsets of the WebAssembly ranker's arrays for rows of up to N values, from `base`: x (f64 input),
 * out (f64 ranks), values (f64, compacted non-NaN values), position (i32), start (i32, 3N + 2: the bucket bounds), bucket
 * (i32), sorted (i32), sortedValues (f64, N + 1: a sentinel follows the values); `end` is the first byte after them (all 16-byte aligned).
 */
export interface BucketRankLayout {
  readonly x: number;
  readonly out: number;
  readonly values: number;
  readonly position: number;
  readonly start: number;
  readonly bucket: number;
  readonly sorted: number;
  readonly sortedValues: number;
  readonly end: number;
}

export function bucketRankLayout(N: number, base = 0): BucketRankLayout {
  let at = Math.ceil(base / 16) * 16;
  const take = (bytes: number) => {
    const p = at;
    at += Math.ceil(bytes / 16) * 16;
    return p;
  };
  return {
    x: take(8 * N),
    out: take(8 * N),
    values: take(8 * N),
    position: take(4 * N),
    start: take(4 * (BUCKETS_PER_VALUE * N + 2)),
    bucket: take(4 * N),
    sorted: take(4 * N),
    sortedValues: take(8 * (N + 1)),
    end: at,
  };
}

const RANK_PARAMS = ['x', 'n', 'out', 'values', 'position', 'start', 'bucket', 'sorted', 'sv'] as const;

/**
 * The bucket ranker of {@link rankAverageTiesBucketed} as a WebAssembly function — the same algorithm with
 * {@link BUCKETS_PER_VALUE} buckets per value, so the same ranks — for kernels that keep their rows in WebAssembly memory:
 * `name(x, n, out, values, position, start, bucket, sorted, sortedValues) → m`, byte addresses laid out by
 * {@link bucketRankLayout}. Returns m, the number of non-NaN values, or −1 where the JS version hands the
 * row to the radix ranker (all equal, ±∞ present, a bucket over BUCKET_MAX): the caller ranks it with
 * `rankAverageTiesStrided` then (NaN ranks are already written). Without bounds checks and with the loop
 * state in registers it runs several times faster than the JavaScript at n = 1500 (decision 025).
 *
 * min/max use f64.min/max (which order −0 below +0): that can move a bucket edge, never the order, since
 * bucket(v) = clamp(⌊(v − lo)·scale⌋) is monotone in v; the ties pass compares values with ==.
 */
export function bucketRankFunction(name = 'bucketRank'): FunctionBuilder {
  const f = new FunctionBuilder(
    name,
    RANK_PARAMS.map((p) => [p, 'i32'] as const),
    ['i32'],
  )
    .local(['i', 'j', 'k', 'm', 'b', 'c', 'e', 's', 'src', 'slot', 'B', 'kk', 'complete'], 'i32')
    .local(['v', 'r', 'sum', 'sumSq', 'min', 'max', 'mean', 'sd', 'lo', 'hi', 'scale'], 'f64')
    .local(
      ['vv', 'vz', 'mask', 'vsum', 'vsq', 'vmin', 'vmax', 'vcount', 'vlo', 'vscale', 'vtop', 'vb'],
      'v128',
    );
  /** Pushes base + (idx << shift). */
  const at = (base: string, idx: string, shift: number) =>
    f.get(base).get(idx).i32(shift).op('i32.shl').op('i32.add');
  const f64At = (base: string, idx: string) => at(base, idx, 3);
  const i32At = (base: string, idx: string) => at(base, idx, 2);
  const inc = (v: string) => f.get(v).i32(1).op('i32.add').set(v);
  /** while (idx < limit) { body; idx++ } */
  const upTo = (idx: string, label: string, limit: () => void, body: () => void) => {
    f.block(`${label}Done`).loop(label);
    f.get(idx);
    limit();
    f.op('i32.ge_s').brIf(`${label}Done`);
    body();
    inc(idx);
    f.br(label).end().end();
  };
  const ret = (value: number) => f.if().i32(value).op('return').end();

  // Pass 1, two values per f64x2: every rank starts as NaN (non-NaN values get theirs at the end); count,
  // Σv, Σv², min and max of the non-NaN values (NaN lanes masked to 0 / ±∞).
  f.f64x2(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).set('vmin');
  f.f64x2(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY).set('vmax');
  f.block('pairsDone').loop('pairs');
  f.get('i').i32(1).op('i32.add').get('n').op('i32.ge_s').brIf('pairsDone');
  f64At('out', 'i').f64x2(Number.NaN, Number.NaN).store('v128.store', 0, 3);
  f64At('x', 'i').load('v128.load', 0, 3).tee('vv').get('vv').op('f64x2.eq').set('mask');
  f.get('vv').get('mask').op('v128.and').tee('vz').get('vsum').op('f64x2.add').set('vsum');
  f.get('vz').get('vz').op('f64x2.mul').get('vsq').op('f64x2.add').set('vsq');
  f.get('vmin').get('vv').f64x2(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY).get('mask');
  f.op('v128.bitselect').op('f64x2.min').set('vmin');
  f.get('vmax').get('vv').f64x2(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY).get('mask');
  f.op('v128.bitselect').op('f64x2.max').set('vmax');
  f.get('vcount').get('mask').op('i64x2.sub').set('vcount');
  f.get('i').i32(2).op('i32.add').set('i').br('pairs');
  f.end().end();
  const lanes = (vec: string, combine: 'f64.add' | 'f64.min' | 'f64.max', into: string) =>
    f.get(vec).lane('f64x2.extract_lane', 0).get(vec).lane('f64x2.extract_lane', 1).op(combine).set(into);
  lanes('vsum', 'f64.add', 'sum');
  lanes('vsq', 'f64.add', 'sumSq');
  lanes('vmin', 'f64.min', 'min');
  lanes('vmax', 'f64.max', 'max');
  f.get('vcount').lane('i64x2.extract_lane', 0).get('vcount').lane('i64x2.extract_lane', 1).op('i64.add');
  f.op('i32.wrap_i64').set('m');
  // The last value of an odd row.
  f.get('i').get('n').op('i32.lt_s').if();
  f64At('out', 'i').f64(Number.NaN).store('f64.store');
  f64At('x', 'i').load('f64.load').tee('v').get('v').op('f64.eq').if();
  inc('m');
  f.get('sum').get('v').op('f64.add').set('sum');
  f.get('sumSq').get('v').get('v').op('f64.mul').op('f64.add').set('sumSq');
  f.get('min').get('v').op('f64.min').set('min');
  f.get('max').get('v').op('f64.max').set('max');
  f.end().end();
  // A complete row is bucketed in place of x; otherwise its values are compacted with their positions.
  f.get('m').get('n').op('i32.eq').tee('complete').if().get('x').set('src').else();
  f.get('values').set('src').i32(0).set('i');
  upTo(
    'i',
    'compact',
    () => f.get('n'),
    () => {
      f64At('x', 'i').load('f64.load').tee('v').get('v').op('f64.eq').if();
      f64At('values', 'k').get('v').store('f64.store');
      i32At('position', 'k').get('i').store('i32.store');
      inc('k');
      f.end();
    },
  );
  f.end();
  f.get('m').op('i32.eqz');
  ret(0);
  // All equal, or max − min not finite (±∞): d − d ≠ 0 exactly when d is ±∞ or NaN.
  f.get('max').get('min').op('f64.gt').op('i32.eqz');
  f.get('max').get('min').op('f64.sub').tee('v').get('v').op('f64.sub').f64(0).op('f64.ne');
  f.op('i32.or');
  ret(-1);
  // Buckets over mean ± 4 sd clipped to [min, max], as in the JS version.
  f.get('sum').get('m').op('f64.convert_i32_s').op('f64.div').set('mean');
  f.f64(0).get('sumSq').get('m').op('f64.convert_i32_s').op('f64.div');
  f.get('mean').get('mean').op('f64.mul').op('f64.sub').op('f64.max').op('f64.sqrt').set('sd');
  f.get('min').get('mean').f64(4).get('sd').op('f64.mul').op('f64.sub').op('f64.max').set('lo');
  f.get('max').get('mean').f64(4).get('sd').op('f64.mul').op('f64.add').op('f64.min').set('hi');
  f.get('hi').get('lo').op('f64.gt').op('i32.eqz');
  ret(-1);
  f.get('m').i32(BUCKETS_PER_VALUE).op('i32.mul').set('B');
  f.get('B').op('f64.convert_i32_s').get('hi').get('lo').op('f64.sub').op('f64.div').set('scale');
  // bucket[k] = clamp(⌊(v − lo)·scale⌋, 0, B − 1), counted in start[bucket + 2].
  f.get('start').i32(0).get('B').i32(2).op('i32.add').i32(2).op('i32.shl').op('memory.fill');
  // Two values per step: f64x2 arithmetic, i32x4 truncation and clamp, the two buckets stored as one i64.
  const count = (b: string) =>
    i32At('start', b).tee('slot').get('slot').load('i32.load', 8).i32(1).op('i32.add').store('i32.store', 8);
  f.get('lo').op('f64x2.splat').set('vlo').get('scale').op('f64x2.splat').set('vscale');
  f.get('B').i32(1).op('i32.sub').op('i32x4.splat').set('vtop');
  f.i32(0).set('k');
  f.block('bucketPairsDone').loop('bucketPairs');
  f.get('k').i32(1).op('i32.add').get('m').op('i32.ge_s').brIf('bucketPairsDone');
  f64At('src', 'k').load('v128.load', 0, 3).get('vlo').op('f64x2.sub').get('vscale').op('f64x2.mul');
  f.op('i32x4.trunc_sat_f64x2_s_zero')
    .i32x4(0, 0, 0, 0)
    .op('i32x4.max_s')
    .get('vtop')
    .op('i32x4.min_s')
    .set('vb');
  i32At('bucket', 'k').get('vb').lane('i64x2.extract_lane', 0).store('i64.store', 0, 2);
  f.get('vb').lane('i32x4.extract_lane', 0).set('b');
  count('b');
  f.get('vb').lane('i32x4.extract_lane', 1).set('b');
  count('b');
  f.get('k').i32(2).op('i32.add').set('k').br('bucketPairs');
  f.end().end();
  // The last value of an odd count: b = clamp(⌊(v − lo)·scale⌋, 0, B − 1).
  f.get('k').get('m').op('i32.lt_s').if();
  f64At('src', 'k').load('f64.load').get('lo').op('f64.sub').get('scale').op('f64.mul');
  f.op('i32.trunc_sat_f64_s').set('b');
  f.get('b').i32(0).get('b').i32(0).op('i32.gt_s').op('select').set('b');
  f.get('b').get('B').i32(1).op('i32.sub').tee('c').get('b').get('c').op('i32.lt_s').op('select').set('b');
  i32At('bucket', 'k').get('b').store('i32.store');
  count('b');
  f.end();
  // Running prefix sums: start[b + 1] = first slot of bucket b; an overfull bucket → fallback. Four counts
  // per step (the prefix within an i32x4 by two shifted adds, plus the running total), then one by one:
  // 12.5–12.8 against 13.2–13.3 µs per row of 1500 with one count per step.
  f.i32(2).set('b').i32(0).set('e');
  f.i32x4(BUCKET_MAX, BUCKET_MAX, BUCKET_MAX, BUCKET_MAX).set('vtop');
  f.i32x4(0, 0, 0, 0).set('vsum');
  f.block('prefixQuadsDone').loop('prefixQuads');
  f.get('b').i32(4).op('i32.add').get('B').i32(2).op('i32.add').op('i32.gt_s').brIf('prefixQuadsDone');
  i32At('start', 'b')
    .tee('slot')
    .load('v128.load', 0, 2)
    .tee('vb')
    .get('vtop')
    .op('i32x4.gt_s')
    .op('v128.any_true');
  ret(-1);
  // [c0, c1, c2, c3] + [0, c0, c1, c2] + [0, 0, c0, c0 + c1] + e.
  f.get('vb')
    .i32x4(0, 0, 0, 0)
    .get('vb')
    .shuffle([0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
  f.op('i32x4.add').tee('vb');
  f.i32x4(0, 0, 0, 0)
    .get('vb')
    .shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23])
    .op('i32x4.add');
  // The running total stays in a vector (lane 3 broadcast), off the scalar extract/splat round trip.
  f.get('vsum').op('i32x4.add').tee('vb');
  f.get('slot').get('vb').store('v128.store', 0, 2);
  f.get('vb').get('vb').shuffle([12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15]).set('vsum');
  f.get('b').i32(4).op('i32.add').set('b').br('prefixQuads');
  f.end().end();
  f.get('vsum').lane('i32x4.extract_lane', 0).set('e');
  upTo(
    'b',
    'prefix',
    () => f.get('B').i32(2).op('i32.add'),
    () => {
      i32At('start', 'b').tee('slot').load('i32.load').tee('c').i32(BUCKET_MAX).op('i32.gt_s');
      ret(-1);
      f.get('e').get('c').op('i32.add').set('e');
      f.get('slot').get('e').store('i32.store');
    },
  );
  // Scatter values and stock indices to their slots: slot = start[bucket[k] + 1]++.
  f.i32(0).set('k');
  upTo(
    'k',
    'scatter',
    () => f.get('m'),
    () => {
      f.get('start');
      i32At('bucket', 'k').load('i32.load').i32(2).op('i32.shl').op('i32.add').tee('e');
      f.get('e').load('i32.load', 4).tee('slot').i32(1).op('i32.add').store('i32.store', 4);
      i32At('sorted', 'slot').get('complete').if(null, 'i32').get('k').else();
      i32At('position', 'k').load('i32.load');
      f.end().store('i32.store');
      f64At('sv', 'slot');
      f64At('src', 'k').load('f64.load');
      f.store('f64.store');
    },
  );
  // Insertion sort in one pass over the scattered values: buckets are already in order (bucket(v) is
  // monotone, so every value of an earlier bucket is smaller), hence a value only moves within its bucket
  // and the bucket bounds need no checks. Equal values keep input order (they share a rank).
  f.i32(1).set('j');
  upTo(
    'j',
    'insert',
    () => f.get('m'),
    () => {
      // if (sv[j − 1] > v): shift the larger values up by one and put v (with its index) in.
      f64At('sv', 'j').tee('slot').load('f64.load').set('v');
      f.get('slot').i32(8).op('i32.sub').load('f64.load').get('v').op('f64.gt').if();
      i32At('sorted', 'j').load('i32.load').set('kk');
      f.get('j').i32(1).op('i32.sub').set('i');
      f.block('shiftDone').loop('shift');
      f.get('i').i32(0).op('i32.lt_s').brIf('shiftDone');
      f64At('sv', 'i').tee('slot').load('f64.load').get('v').op('f64.gt').op('i32.eqz').brIf('shiftDone');
      f.get('slot').get('slot').load('f64.load').store('f64.store', 8);
      i32At('sorted', 'i').tee('slot').get('slot').load('i32.load').store('i32.store', 4);
      f.get('i').i32(1).op('i32.sub').set('i').br('shift');
      f.end().end();
      // Slot i + 1 (i may be −1: the address is formed after adding 1, never with a negative offset).
      f.get('i').i32(1).op('i32.add').set('i');
      i32At('sorted', 'i').get('kk').store('i32.store');
      f64At('sv', 'i').get('v').store('f64.store');
      f.end();
    },
  );
  // Ranks. A value unequal to the next one (sv[m] = NaN is a sentinel) is alone: rank s + 1. A run of equal
  // values s … e − 1 gets the mean (s + 1 + e)/2 of the ranks it spans.
  f64At('sv', 'm').f64(Number.NaN).store('f64.store');
  f.block('ranksDone').loop('ranks');
  f.get('s').get('m').op('i32.ge_s').brIf('ranksDone');
  f64At('sv', 's').tee('slot').load('f64.load').tee('v').get('slot').load('f64.load', 8).op('f64.ne').if();
  f.get('out');
  i32At('sorted', 's').load('i32.load').i32(3).op('i32.shl').op('i32.add');
  f.get('s').i32(1).op('i32.add').tee('s').op('f64.convert_i32_s').store('f64.store');
  f.br('ranks');
  f.end();
  f.get('s').i32(1).op('i32.add').set('e');
  f.block('runDone').loop('run');
  f64At('sv', 'e').load('f64.load').get('v').op('f64.ne').brIf('runDone');
  inc('e');
  f.br('run').end().end();
  f.get('s')
    .i32(1)
    .op('i32.add')
    .get('e')
    .op('i32.add')
    .op('f64.convert_i32_s')
    .f64(0.5)
    .op('f64.mul')
    .set('r');
  f.get('s').set('j');
  upTo(
    'j',
    'assign',
    () => f.get('e'),
    () => {
      f.get('out');
      i32At('sorted', 'j').load('i32.load').i32(3).op('i32.shl').op('i32.add').get('r').store('f64.store');
    },
  );
  f.get('e').set('s').br('ranks');
  f.end().end();
  f.get('m');
  return f;
}

let rankModule: WasmModule | null | undefined;

/**
 * {@link rankAverageTiesBucketed} with the sort in WebAssembly, for callers whose rows live in JS arrays
 * (one instance per thread; it owns a memory laid out for rows of up to N values). Same ranks, same
 * return value; falls back to the JS version where WebAssembly is missing.
 */
export class WasmBucketRanker {
  readonly N: number;
  private readonly layout: BucketRankLayout;
  private readonly fn: ((...ptrs: number[]) => number) | null;
  private readonly x: Float64Array;
  private readonly out: Float64Array;
  private readonly ws: BucketRankWorkspace;

  constructor(N: number) {
    this.N = N;
    this.layout = bucketRankLayout(N);
    rankModule ??= wasmApi() ? new ModuleBuilder().importMemory().func(bucketRankFunction()).compile() : null;
    this.ws = new BucketRankWorkspace(N);
    if (rankModule) {
      const memory = newWasmMemory(this.layout.end);
      this.fn = instantiate(rankModule, memory).bucketRank as (...ptrs: number[]) => number;
      this.x = new Float64Array(memory.buffer, this.layout.x, N);
      this.out = new Float64Array(memory.buffer, this.layout.out, N);
    } else {
      this.fn = null;
      this.x = new Float64Array(N);
      this.out = new Float64Array(N);
    }
  }

  /** True when the WebAssembly kernel is in use. */
  get wasm(): boolean {
    return this.fn !== null;
  }

  /** Average ranks of x[off .. off+n) into out[0..n) (NaN where x is NaN); returns the non-NaN count. */
  rank(n: number, x: Float64Array, off: number, out: Float64Array): number {
    if (n > this.N) throw new RangeError(`WasmBucketRanker sized for ${this.N} values, got ${n}`);
    if (!this.fn) return rankAverageTiesBucketed(n, x, off, out, this.ws);
    this.x.set(x.subarray(off, off + n));
    const L = this.layout;
    const m = this.fn(L.x, n, L.out, L.values, L.position, L.start, L.bucket, L.sorted, L.sortedValues);
    if (m < 0) return rankAverageTiesStrided(n, x, off, 1, out, 0, 1, this.ws.fallback);
    out.set(this.out.subarray(0, n));
    return m;
  }
}
