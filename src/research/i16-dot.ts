/**
 * Exact integer dot products of int16 rows with WebAssembly SIMD (docs/decisions/025).
 *
 * The rank IC of a date is Σ_i c_i·f_i over centred ranks c = rank − (n+1)/2 (half-integers, methods.md §3),
 * 24 such sums per signal and date (4 horizons × 6 decay skips). Doubled, 2c is an integer in
 * [−(n−1), n−1], which fits int16 for n ≤ 32768, and Σ (2c_i)(2f_i) = 4 Σ c_i f_i exactly. `i32x4.dot_i16x8_s`
 * does 8 of those products per instruction into int32 lanes, which are widened into int64 before they can
 * overflow; the total converts exactly to a double (|Σ| < 2^53). The float64 loop it replaces was exact too
 * (every partial sum is a multiple of 1/4 below 2^51), so the IC is the same to the bit.
 *
 * The module is assembled by core/wasm.ts (no toolchain, no file to load). Memory layout is the
 * caller's: rows are byte offsets into `memory`, padded with zeros to a multiple of 8 values.
 */
import { FunctionBuilder, instantiate, lazyModule, ModuleBuilder, newWasmMemory } from '../core/wasm.ts';

/**
 * dot(a, b, n, blk) → f64: Σ over n vectors of 8 int16 at byte offsets a and b; the int32 lanes are
 * flushed into int64 every blk vectors (2·blk·max|product| < 2^31 keeps them from overflowing).
 */
export function dotFunction(): FunctionBuilder {
  const f = new FunctionBuilder(
    'dot',
    [
      ['a', 'i32'],
      ['b', 'i32'],
      ['n', 'i32'],
      ['blk', 'i32'],
    ],
    ['f64'],
  )
    .local(['acc64', 'acc32'], 'v128')
    .local('k', 'i32');
  f.i64(0).op('i64x2.splat').set('acc64');
  f.block('done').loop('outer');
  f.get('n').op('i32.eqz').brIf('done');
  // k = min(n, blk); n −= k
  f.get('n').get('blk').get('n').get('blk').op('i32.lt_s').op('select').set('k');
  f.get('n').get('k').op('i32.sub').set('n');
  f.i64(0).op('i64x2.splat').set('acc32');
  f.loop('inner');
  f.get('acc32').get('a').load('v128.load', 0, 0).get('b').load('v128.load', 0, 0);
  f.ops('i32x4.dot_i16x8_s', 'i32x4.add').set('acc32');
  f.get('a').i32(16).op('i32.add').set('a');
  f.get('b').i32(16).op('i32.add').set('b');
  f.get('k').i32(1).op('i32.sub').tee('k').brIf('inner');
  f.end();
  // Widen the four int32 partial sums into the two int64 lanes.
  f.get('acc64').get('acc32').op('i64x2.extend_low_i32x4_s').op('i64x2.add');
  f.get('acc32').op('i64x2.extend_high_i32x4_s').op('i64x2.add').set('acc64');
  f.br('outer');
  f.end().end();
  f.get('acc64').lane('i64x2.extract_lane', 0).get('acc64').lane('i64x2.extract_lane', 1);
  f.ops('i64.add', 'f64.convert_i64_s');
  return f;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (the JS twin is used then). */
const simdModule = lazyModule(() => new ModuleBuilder().importMemory().func(dotFunction()));

/** Largest n for which doubled centred ranks fit int16. */
export const I16_DOT_MAX_N = 32768;

/**
 * int16 rows in a WebAssembly memory and their exact dot products. `rows` rows of `stride` values each
 * (stride = N rounded up to a multiple of 8; the padding stays 0).
 */
export class I16DotKernel {
  readonly stride: number;
  readonly rows: number;
  /** The rows, row r at [r·stride, (r+1)·stride). */
  readonly values: Int16Array;
  private readonly dotFn: ((a: number, b: number, n: number, blk: number) => number) | null;
  /** Tests set this to exercise the JS twin on machines that have SIMD. */
  static forceJs = false;
  /** Vectors per int32 flush: 2·blk·max|product| < 2^31. */
  private readonly block: number;

  /** `maxAbs` bounds |value| (n − 1 for doubled centred ranks of n stocks). */
  constructor(N: number, rows: number, maxAbs: number) {
    this.stride = Math.ceil(N / 8) * 8;
    this.rows = rows;
    const bytes = this.stride * rows * 2;
    const mod = simdModule();
    if (mod && !I16DotKernel.forceJs) {
      const memory = newWasmMemory(bytes);
      this.dotFn = instantiate(mod, memory).dot as (a: number, b: number, n: number, blk: number) => number;
      this.values = new Int16Array(memory.buffer, 0, this.stride * rows);
    } else {
      this.dotFn = null;
      this.values = new Int16Array(this.stride * rows);
    }
    this.block = Math.max(1, Math.floor(0x7fffffff / (2 * Math.max(1, maxAbs * maxAbs))));
  }

  /** Σ_i values[rowA, i]·values[rowB, i], exact. */
  dot(rowA: number, rowB: number): number {
    const s = this.stride;
    if (this.dotFn) return this.dotFn(rowA * s * 2, rowB * s * 2, s / 8, this.block);
    const v = this.values;
    let sum = 0;
    for (let i = 0, a = rowA * s, b = rowB * s; i < s; i++) sum += v[a + i]! * v[b + i]!;
    return sum;
  }

  /** True when the WebAssembly SIMD kernel is in use. */
  get simd(): boolean {
    return this.dotFn !== null;
  }
}
