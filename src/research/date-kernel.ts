/**
 * The per-date reductions of the signal tier in WebAssembly (docs/decisions/025): one module, one memory per
 * accumulator (one per thread), holding the date's neutralised cross-section, its ranks and everything
 * derived from them, plus the doubled forward ranks (rings) and forward-return rows the date is compared
 * with. Functions (all pointers are byte addresses into the memory):
 *
 * - `bucketRank` — signals/bucket-rank.ts, exact average ranks.
 * - `centre(ranks, N, m, cs16) → Σc²` — the doubled centred ranks 2c = 2r − (m+1) as int16 (the SIMD
 *   rank-IC operand; 0 for NaN) and Σc², two ranks per f64x2. Exact: 2c is an integer, Σ(2c)² < 2^53.
 * - `dot` — research/i16-dot.ts, exact Σ of int16 products.
 * - `spreads{P}(rows, top, nTop, bottom, nBottom, minCount, out)` — for 2P forward-return rows at once (two
 *   per f64x2): mean over the top members − mean over the bottom members of the non-NaN values, NaN when a
 *   side has fewer than minCount of them. Member lists are stock indices; the caller passes slices of the
 *   ranker's sorted order (the top decile is its last stocks, the bottom decile its first), so the decile
 *   spreads LS of all skips of a horizon cost one call; with buckets Q and 1, the Q5 − Q1 spread.
 *   `spreads{P}Complete` is the same for rows without NaN (no masks: every member counts).
 * - `dots` — the rank-IC dots of one horizon's rows in one call (fewer JS → wasm calls).
 * - `hash(x, n, state)` — the duplicate hash of signals/duplicates.ts (`ValueHasher.update`) over n float64,
 *   same words, same result; state is its eight 32-bit lane words.
 *
 * Ranks, centred ranks, Σc² and the int16 dots are exact; the member means sum in rank order over two
 * accumulators — only those sums' rounding differs from the JavaScript reference (ic-accumulator-js.ts,
 * stock order), by a few ulps.
 */
import { FunctionBuilder, lazyModule, ModuleBuilder } from '../core/wasm.ts';
import { bucketRankFunction } from '../signals/bucket-rank.ts';
import { dotFunction } from './i16-dot.ts';

const params = (names: readonly string[]) => names.map((p) => [p, 'i32'] as const);

/** Shared loop helper: while (idx < limit) { body; idx++ }. */
function upTo(f: FunctionBuilder, idx: string, label: string, limit: () => void, body: () => void): void {
  f.block(`${label}Done`).loop(label);
  f.get(idx);
  limit();
  f.op('i32.ge_s').brIf(`${label}Done`);
  body();
  f.get(idx).i32(1).op('i32.add').set(idx);
  f.br(label).end().end();
}

function centreFunction(): FunctionBuilder {
  const f = new FunctionBuilder('centre', params(['ranks', 'N', 'm', 'cs16']), ['f64'])
    .local(['i', 'p'], 'i32')
    .local(['d', 'r'], 'f64')
    .local(['v', 'dv', 'mask', 'sq', 'shift'], 'v128');
  // 2c = 2r − (m+1), two ranks per f64x2; NaN ranks give 0 (trunc_sat) and add nothing to Σ(2c)².
  f.get('m').i32(1).op('i32.add').op('f64.convert_i32_s').op('f64x2.splat').set('shift');
  f.block('pairsDone').loop('pairs');
  f.get('i').i32(1).op('i32.add').get('N').op('i32.ge_s').brIf('pairsDone');
  f.get('ranks').get('i').i32(3).op('i32.shl').op('i32.add').load('v128.load', 0, 3).tee('v');
  f.get('v').op('f64x2.add').get('shift').op('f64x2.sub').tee('dv');
  f.get('v')
    .get('v')
    .op('f64x2.eq')
    .op('v128.and')
    .tee('dv')
    .get('dv')
    .op('f64x2.mul')
    .get('sq')
    .op('f64x2.add');
  f.set('sq');
  // Two int16 at cs16 + 2i: narrow the two int32 lanes and store their 32 bits.
  f.get('cs16').get('i').i32(1).op('i32.shl').op('i32.add').tee('p');
  f.get('dv').op('i32x4.trunc_sat_f64x2_s_zero').get('dv').op('i32x4.trunc_sat_f64x2_s_zero');
  f.op('i16x8.narrow_i32x4_s').lane('i32x4.extract_lane', 0).store('i32.store', 0, 1);
  f.get('i').i32(2).op('i32.add').set('i').br('pairs');
  f.end().end();
  f.get('sq').lane('f64x2.extract_lane', 0).get('sq').lane('f64x2.extract_lane', 1).op('f64.add').set('d');
  // The last rank of an odd row.
  f.get('i').get('N').op('i32.lt_s').if();
  f.get('ranks')
    .get('i')
    .i32(3)
    .op('i32.shl')
    .op('i32.add')
    .load('f64.load')
    .tee('r')
    .get('r')
    .op('f64.eq')
    .if();
  f.get('r').get('r').op('f64.add').get('shift').lane('f64x2.extract_lane', 0).op('f64.sub').set('r');
  f.get('d').get('r').get('r').op('f64.mul').op('f64.add').set('d');
  f.get('cs16')
    .get('i')
    .i32(1)
    .op('i32.shl')
    .op('i32.add')
    .get('r')
    .op('i32.trunc_sat_f64_s')
    .store('i32.store16');
  f.else();
  f.get('cs16').get('i').i32(1).op('i32.shl').op('i32.add').i32(0).store('i32.store16');
  f.end().end();
  // Σ(2c)² / 4 = Σc²: every term and partial sum is an integer below 2^53, so this is exact in any order.
  f.get('d').f64(0.25).op('f64.mul');
  return f;
}

/** Largest number of row pairs one spreads call takes. */
export const MAX_SPREAD_PAIRS = 4;

/**
 * spreads{P}(rows, top, nTop, bottom, nBottom, minCount, out) for P row pairs: rows holds 2P row addresses;
 * out[k] = mean of row k over the top members − mean over the bottom members (non-NaN values; NaN when a
 * side has fewer than minCount). Each member's index is loaded once for all 2P rows, the rows go two to a
 * f64x2 lane pair with one accumulator per pair.
 */
function spreadsFunction(P: number, complete: boolean): FunctionBuilder {
  const pairs = Array.from({ length: P }, (_, k) => k);
  const f = new FunctionBuilder(
    `spreads${P}${complete ? 'Complete' : ''}`,
    params(['rows', 'top', 'nTop', 'bottom', 'nBottom', 'minCount', 'out']),
  )
    .local(['p', 'end', 'i', ...pairs.flatMap((k) => [`rowA${k}`, `rowB${k}`])], 'i32')
    .local(['v', 'mask', 'limit', ...pairs.flatMap((k) => [`sum${k}`, `count${k}`, `top${k}`])], 'v128');
  for (const k of pairs) {
    f.get('rows')
      .load('i32.load', 8 * k)
      .set(`rowA${k}`);
    f.get('rows')
      .load('i32.load', 8 * k + 4)
      .set(`rowB${k}`);
  }
  f.get('minCount').op('i64.extend_i32_s').op('i64x2.splat').set('limit');
  /** Per pair: mean over `members` of the non-NaN values of its two rows, left in `into{k}` (as a mean). */
  const sideMeans = (members: string, n: string, label: string, into: (k: number) => void) => {
    for (const k of pairs) f.f64x2(0, 0).tee(`sum${k}`).set(`count${k}`);
    f.get(members).set('p');
    f.get(members).get(n).i32(2).op('i32.shl').op('i32.add').set('end');
    f.block(`${label}Done`).loop(label);
    f.get('p').get('end').op('i32.ge_u').brIf(`${label}Done`);
    f.get('p').load('i32.load').i32(3).op('i32.shl').set('i');
    for (const k of pairs) {
      f.get(`rowA${k}`).get('i').op('i32.add').load('f64.load').op('f64x2.splat');
      f.get(`rowB${k}`).get('i').op('i32.add').load('f64.load').lane('f64x2.replace_lane', 1);
      if (complete) {
        f.get(`sum${k}`).op('f64x2.add').set(`sum${k}`);
        continue;
      }
      f.tee('v').get('v').op('f64x2.eq').tee('mask');
      f.get('v').op('v128.and').get(`sum${k}`).op('f64x2.add').set(`sum${k}`);
      f.get(`count${k}`).get('mask').op('i64x2.sub').set(`count${k}`);
    }
    f.get('p').i32(4).op('i32.add').set('p').br(label);
    f.end().end();
    // Rows without NaN: every member counts.
    if (complete) for (const k of pairs) f.get(n).op('i64.extend_i32_s').op('i64x2.splat').set(`count${k}`);
    for (const k of pairs) {
      // mean = count < minCount ? NaN : sum / count, lane by lane (bitselect takes the first where set).
      f.f64x2(Number.NaN, Number.NaN).get(`sum${k}`);
      f.get(`count${k}`).lane('i64x2.extract_lane', 0).op('f64.convert_i64_s').op('f64x2.splat');
      f.get(`count${k}`).lane('i64x2.extract_lane', 1).op('f64.convert_i64_s').lane('f64x2.replace_lane', 1);
      f.op('f64x2.div').get(`count${k}`).get('limit').op('i64x2.lt_s').op('v128.bitselect');
      into(k);
    }
  };
  sideMeans('top', 'nTop', 'topMembers', (k) => f.set(`top${k}`));
  sideMeans('bottom', 'nBottom', 'bottomMembers', (k) => {
    f.set('v')
      .get('out')
      .get(`top${k}`)
      .get('v')
      .op('f64x2.sub')
      .store('v128.store', 16 * k, 3);
  });
  return f;
}

/**
 * dots(a, rows, count, n, blk, out): out[k] = dot(a, rows[k], n, blk) for k < count — the day's rank-IC dots
 * of one horizon in one call (rows: i32 byte addresses, out: f64).
 */
function dotsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('dots', params(['a', 'rows', 'count', 'n', 'blk', 'out'])).local('k', 'i32');
  upTo(
    f,
    'k',
    'rowsLoop',
    () => f.get('count'),
    () => {
      f.get('out').get('k').i32(3).op('i32.shl').op('i32.add');
      f.get('a').get('rows').get('k').i32(2).op('i32.shl').op('i32.add').load('i32.load');
      f.get('n').get('blk').call('dot').store('f64.store');
    },
  );
  return f;
}

const NAN_WORDS = new Uint32Array(Float64Array.of(Number.NaN).buffer);

function hashFunction(): FunctionBuilder {
  const lanes = [0, 1, 2, 3];
  const f = new FunctionBuilder('hash', params(['x', 'n', 'state']))
    .local(['i', 'lo', 'hi', 'p', ...lanes.flatMap((j) => [`a${j}`, `b${j}`])], 'i32')
    .local('bits', 'i64')
    .local('v', 'f64')
    .local(['va', 'vb', 'vlo', 'vhi', 'A', 'B', 'w'], 'v128');
  // Four values per step, value i + j into lane j: the lanes are the four i32x4 lanes of A (the a words)
  // and B (the b words), so one vector instruction advances all four chains.
  f.get('state').load('v128.load', 0, 2).set('A');
  f.get('state').load('v128.load', 16, 2).set('B');
  /** The words of two doubles with NaN → canonical NaN and ±0 → 0 (numerically equal rows hash equally). */
  const canonical = (offset: number, into: string) => {
    f.get('p').load('v128.load', offset, 3).tee('w');
    f.f64x2(Number.NaN, Number.NaN).get('w').get('w').op('f64x2.eq').op('v128.bitselect');
    f.get('w').f64x2(0, 0).op('f64x2.ne').op('v128.and').set(into);
  };
  f.get('x').set('p');
  f.block('quadsDone').loop('quads');
  f.get('i').i32(4).op('i32.add').get('n').op('i32.gt_s').brIf('quadsDone');
  canonical(0, 'va');
  canonical(16, 'vb');
  // lo words [lo0, lo1, lo2, lo3] and hi words [hi0, …] of the four values.
  f.get('va').get('vb').shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]).set('vlo');
  f.get('va').get('vb').shuffle([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]).set('vhi');
  // a = (a ^ lo)·P; a = (a ^ hi)·P; b = (b ^ hi)·P2; b = (b ^ (b >>> 15) ^ lo)·P3 — ValueHasher's step.
  const P = 0x01000193;
  f.get('A').get('vlo').op('v128.xor').i32x4(P, P, P, P).op('i32x4.mul');
  f.get('vhi').op('v128.xor').i32x4(P, P, P, P).op('i32x4.mul').set('A');
  const P2 = 0x5bd1e995 | 0;
  const P3 = 0x27d4eb2d;
  f.get('B').get('vhi').op('v128.xor').i32x4(P2, P2, P2, P2).op('i32x4.mul').tee('B');
  f.get('B').i32(15).op('i32x4.shr_u').op('v128.xor').get('vlo').op('v128.xor');
  f.i32x4(P3, P3, P3, P3).op('i32x4.mul').set('B');
  f.get('p').i32(32).op('i32.add').set('p');
  f.get('i').i32(4).op('i32.add').set('i').br('quads');
  f.end().end();
  for (const j of lanes) f.get('A').lane('i32x4.extract_lane', j).set(`a${j}`);
  for (const j of lanes) f.get('B').lane('i32x4.extract_lane', j).set(`b${j}`);
  /** Mixes the value at byte address p + 8·offset into lane j, one value at a time (the row's tail). */
  const mix = (offset: number, j: number) => {
    f.get('p')
      .load('i64.load', 8 * offset)
      .set('bits');
    f.get('p')
      .load('f64.load', 8 * offset)
      .set('v');
    f.get('bits').op('i32.wrap_i64').i32(NAN_WORDS[0]!).get('v').get('v').op('f64.eq').op('select');
    f.i32(0).get('v').f64(0).op('f64.ne').op('select').set('lo');
    f.get('bits')
      .i64(32)
      .op('i64.shr_u')
      .op('i32.wrap_i64')
      .i32(NAN_WORDS[1]! | 0);
    f.get('v').get('v').op('f64.eq').op('select').i32(0).get('v').f64(0).op('f64.ne').op('select').set('hi');
    const a = `a${j}`;
    const b = `b${j}`;
    f.get(a).get('lo').op('i32.xor').i32(P).op('i32.mul');
    f.get('hi').op('i32.xor').i32(P).op('i32.mul').set(a);
    f.get(b).get('hi').op('i32.xor').i32(P2).op('i32.mul').tee(b);
    f.get(b).i32(15).op('i32.shr_u').op('i32.xor').get('lo').op('i32.xor').i32(P3).op('i32.mul').set(b);
  };
  // The last n mod 4 values go to lanes 0, 1, 2.
  for (const j of [0, 1, 2]) {
    f.get('i').i32(j).op('i32.add').get('n').op('i32.lt_s').if();
    mix(j, j);
    f.end();
  }
  for (const j of lanes)
    f.get('state')
      .get(`a${j}`)
      .store('i32.store', 4 * j);
  for (const j of lanes)
    f.get('state')
      .get(`b${j}`)
      .store('i32.store', 16 + 4 * j);
  return f;
}

/** The compiled date-kernel module, or null where WebAssembly (with SIMD) is unavailable. */
export const dateKernelModule = lazyModule(() => {
  const builder = new ModuleBuilder()
    .importMemory()
    .func(bucketRankFunction())
    .func(centreFunction())
    .func(dotFunction())
    .func(dotsFunction())
    .func(hashFunction());
  for (let P = 1; P <= MAX_SPREAD_PAIRS; P++) {
    builder.func(spreadsFunction(P, false)).func(spreadsFunction(P, true));
  }
  return builder;
});

/** The exports of an instance of {@link dateKernelModule}. */
export interface DateKernelExports {
  bucketRank(...ptrs: number[]): number;
  centre(ranks: number, N: number, m: number, cs16: number): number;
  dot(a: number, b: number, n: number, blk: number): number;
  dots(a: number, rows: number, count: number, n: number, blk: number, out: number): void;
  /** spreads1 … spreads{MAX_SPREAD_PAIRS}, and their variants for rows without NaN (…Complete). */
  [spreads: `spreads${number}` | `spreads${number}Complete`]: (...args: number[]) => void;
  hash(x: number, n: number, state: number): void;
}
