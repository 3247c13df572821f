/**
 * The per-date reductions of the signal tier in WebAssembly (docs/decisions/025): one module, one memory per
 * accumulator (one per thread), holding the date's neutralised cross-section, its ranks and everything
 * derived from them, plus rings of the forward-return rows and doubled forward ranks the date is compared
 * with. Functions (all pointers are byte addresses into the memory):
 *
 * - `bucketRank` — signals/bucket-rank.ts, exact average ranks.
 * - `classify(ranks, N, m, Q, cs16, cs, top, bottom, first, last, counts, header) → Σc²` — one pass in stock
 *   order over the ranks r: centred ranks c = r − (m+1)/2 as float64 and doubled as int16 (the SIMD rank-IC
 *   operand), the decile members (bottom: 10r ≤ m, top: 10r > 9m, methods.md §8) and the quantile buckets
 *   ⌈Q·r/m⌉ with the members of buckets 1 and Q (methods.md §3). Lists are filled without branches (the
 *   index is always stored, the length advances by the condition), so they need N + 1 slots.
 * - `dot` — research/i16-dot.ts, exact Σ of int16 products.
 * - `memberSpreads(rowA, rowB, top, nTop, bottom, nBottom, minCount, out)` — for two forward-return rows at
 *   once (one per f64x2 lane): mean over the top members − mean over the bottom members of the non-NaN
 *   values, NaN when a side has fewer than minCount of them. The decile spread LS of two skips per call;
 *   with buckets Q and 1 as the sides, the Q5 − Q1 spread.
 * - `hash(x, n, state)` — the duplicate hash of signals/duplicates.ts (`ValueHasher`) over n float64, same
 *   words, same result; state is its two 32-bit lanes.
 *
 * Ranks, centred ranks, Σc² and the int16 dots are exact; the member means sum in stock order with the
 * members split over two lanes when two rows share a call — only those sums' rounding differs from the
 * JavaScript reference (ic-accumulator-js.ts), within a few ulps.
 */
import { FunctionBuilder, ModuleBuilder, type WasmModule, wasmApi } from '../core/wasm.ts';
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

function classifyFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'classify',
    params(['ranks', 'N', 'm', 'Q', 'cs16', 'cs', 'top', 'bottom', 'first', 'last', 'counts', 'header']),
    ['f64'],
  )
    .local(['i', 'b', 'nTop', 'nBottom', 'nFirst', 'nLast', 'a'], 'i32')
    .local(['r', 'v', 'c', 'mf', 'invM', 'Qf', 'qr', 'est', 'sss'], 'f64');
  const at = (base: string, idx: string, shift: number) =>
    f.get(base).get(idx).i32(shift).op('i32.shl').op('i32.add');
  /** list[n] = i; n += (condition on the stack). */
  const appendIf = (list: string, n: string) => {
    f.set('a');
    at(list, n, 2).get('i').store('i32.store');
    f.get(n).get('a').op('i32.add').set(n);
  };
  f.get('m').op('f64.convert_i32_s').tee('mf').f64(1).op('f64.add').f64(0.5).op('f64.mul').set('c');
  f.get('Q').op('f64.convert_i32_s').set('Qf');
  f.f64(1).get('mf').op('f64.div').set('invM');
  f.get('counts').i32(0).get('Q').i32(1).op('i32.add').i32(2).op('i32.shl').op('memory.fill');
  upTo(
    f,
    'i',
    'stocks',
    () => f.get('N'),
    () => {
      at('ranks', 'i', 3).load('f64.load').tee('r').get('r').op('f64.ne').if();
      at('cs', 'i', 3).f64(Number.NaN).store('f64.store');
      at('cs16', 'i', 1).i32(0).store('i32.store16');
      f.else();
      f.get('r').get('c').op('f64.sub').set('v');
      at('cs', 'i', 3).get('v').store('f64.store');
      f.get('sss').get('v').get('v').op('f64.mul').op('f64.add').set('sss');
      at('cs16', 'i', 1).get('v').f64(2).op('f64.mul').op('i32.trunc_sat_f64_s').store('i32.store16');
      // Deciles ⌈10·r/m⌉ (exact: ranks are half-integers): bottom r ≤ m/10, top r > 9m/10.
      f.f64(10).get('r').op('f64.mul').get('mf').op('f64.le');
      appendIf('bottom', 'nBottom');
      f.f64(10).get('r').op('f64.mul').f64(9).get('mf').op('f64.mul').op('f64.gt');
      appendIf('top', 'nTop');
      // Bucket b = ⌈Q·r/m⌉ without a division: est = ⌈Q·r·(1/m)⌉ is within one of b, and the exact
      // comparisons (est − 1)·m ≥ Q·r and est·m < Q·r (integer products) correct it.
      f.get('Qf').get('r').op('f64.mul').set('qr');
      f.get('qr').get('invM').op('f64.mul').op('f64.ceil').tee('est').op('i32.trunc_sat_f64_s');
      f.get('est').f64(1).op('f64.sub').get('mf').op('f64.mul').get('qr').op('f64.ge').op('i32.sub');
      f.get('est').get('mf').op('f64.mul').get('qr').op('f64.lt').op('i32.add').set('b');
      at('counts', 'b', 2).tee('a').get('a').load('i32.load').i32(1).op('i32.add').store('i32.store');
      f.get('b').i32(1).op('i32.eq');
      appendIf('first', 'nFirst');
      f.get('b').get('Q').op('i32.eq');
      appendIf('last', 'nLast');
      f.end();
    },
  );
  f.get('header').get('nTop').store('i32.store', 0);
  f.get('header').get('nBottom').store('i32.store', 4);
  f.get('header').get('nFirst').store('i32.store', 8);
  f.get('header').get('nLast').store('i32.store', 12);
  f.get('sss');
  return f;
}

function memberSpreadsFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'memberSpreads',
    params(['rowA', 'rowB', 'top', 'nTop', 'bottom', 'nBottom', 'minCount', 'out']),
  )
    .local(['j', 'i'], 'i32')
    .local(['v', 'mask', 'sum', 'count', 'mean'], 'v128');
  /** mean (per lane) over `members` of rowA/rowB values that are not NaN; NaN below minCount. */
  const sideMean = (members: string, n: string, label: string) => {
    f.f64x2(0, 0).tee('sum').set('count').i32(0).set('j');
    upTo(
      f,
      'j',
      label,
      () => f.get(n),
      () => {
        f.get(members)
          .get('j')
          .i32(2)
          .op('i32.shl')
          .op('i32.add')
          .load('i32.load')
          .i32(3)
          .op('i32.shl')
          .set('i');
        f.get('rowA').get('i').op('i32.add').load('f64.load').op('f64x2.splat');
        f.get('rowB').get('i').op('i32.add').load('f64.load').lane('f64x2.replace_lane', 1).tee('v');
        f.get('v').op('f64x2.eq').tee('mask');
        f.get('v').op('v128.and').get('sum').op('f64x2.add').set('sum');
        f.get('count').get('mask').op('i64x2.sub').set('count');
      },
    );
    // mean = count < minCount ? NaN : sum / count, lane by lane (bitselect takes the first where set).
    f.f64x2(Number.NaN, Number.NaN);
    f.get('sum');
    f.get('count').lane('i64x2.extract_lane', 0).op('f64.convert_i64_s').op('f64x2.splat');
    f.get('count').lane('i64x2.extract_lane', 1).op('f64.convert_i64_s').lane('f64x2.replace_lane', 1);
    f.op('f64x2.div');
    f.get('count').get('minCount').op('i64.extend_i32_s').op('i64x2.splat').op('i64x2.lt_s');
    f.op('v128.bitselect');
  };
  sideMean('top', 'nTop', 'topMembers');
  f.set('mean');
  sideMean('bottom', 'nBottom', 'bottomMembers');
  f.set('v');
  f.get('out').get('mean').get('v').op('f64x2.sub').store('v128.store', 0, 3);
  return f;
}

const NAN_WORDS = new Uint32Array(Float64Array.of(Number.NaN).buffer);

function hashFunction(): FunctionBuilder {
  const f = new FunctionBuilder('hash', params(['x', 'n', 'state']))
    .local(['i', 'a', 'b', 'lo', 'hi', 'p'], 'i32')
    .local('bits', 'i64')
    .local('v', 'f64');
  f.get('state').load('i32.load', 0).set('a').get('state').load('i32.load', 4).set('b');
  upTo(
    f,
    'i',
    'values',
    () => f.get('n'),
    () => {
      f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').tee('p').load('i64.load').set('bits');
      f.get('p').load('f64.load').set('v');
      // Words of v; the canonical NaN for every NaN, 0 for ±0 (numerically equal rows hash equally).
      f.get('bits').op('i32.wrap_i64').i32(NAN_WORDS[0]!).get('v').get('v').op('f64.eq').op('select');
      f.i32(0).get('v').f64(0).op('f64.ne').op('select').set('lo');
      f.get('bits')
        .i64(32)
        .op('i64.shr_u')
        .op('i32.wrap_i64')
        .i32(NAN_WORDS[1]! | 0)
        .get('v')
        .get('v')
        .op('f64.eq');
      f.op('select').i32(0).get('v').f64(0).op('f64.ne').op('select').set('hi');
      f.get('a').get('lo').op('i32.xor').i32(0x01000193).op('i32.mul');
      f.get('hi').op('i32.xor').i32(0x01000193).op('i32.mul').set('a');
      f.get('b').get('hi').op('i32.xor').i32(0x5bd1e995).op('i32.mul').tee('b');
      f.get('b')
        .i32(15)
        .op('i32.shr_u')
        .op('i32.xor')
        .get('lo')
        .op('i32.xor')
        .i32(0x27d4eb2d)
        .op('i32.mul')
        .set('b');
    },
  );
  f.get('state').get('a').store('i32.store', 0).get('state').get('b').store('i32.store', 4);
  return f;
}

let compiled: WasmModule | null | undefined;

/** The compiled date-kernel module, or null where WebAssembly (with SIMD) is unavailable. */
export function dateKernelModule(): WasmModule | null {
  if (compiled === undefined) {
    compiled = wasmApi()
      ? new ModuleBuilder()
          .importMemory()
          .func(bucketRankFunction())
          .func(classifyFunction())
          .func(dotFunction())
          .func(memberSpreadsFunction())
          .func(hashFunction())
          .compile()
      : null;
  }
  return compiled;
}

/** The exports of an instance of {@link dateKernelModule}. */
export interface DateKernelExports {
  bucketRank(...ptrs: number[]): number;
  classify(...args: number[]): number;
  dot(a: number, b: number, n: number, blk: number): number;
  memberSpreads(...args: number[]): void;
  hash(x: number, n: number, state: number): void;
}
