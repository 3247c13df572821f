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
 * The module is assembled here from its bytes (no toolchain, no file to load). Memory layout is the
 * caller's: rows are byte offsets into `memory`, padded with zeros to a multiple of 8 values.
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_LOAD = (offset: number) => [...simd(0x00), 0x00, ...uleb(offset)];
const I32X4_DOT_I16X8_S = simd(0xba);
const I32X4_ADD = simd(0xae);
const I64X2_ADD = simd(0xce);
const I64X2_EXTEND_LOW_I32X4_S = simd(0xc7);
const I64X2_EXTEND_HIGH_I32X4_S = simd(0xc8);
const I64X2_EXTRACT_LANE = (lane: number) => [...simd(0x1d), lane];
const I64X2_SPLAT = simd(0x12);

/**
 * (func (param $a i32) (param $b i32) (param $n i32) (param $blk i32) (result f64))
 * Σ over n vectors of 8 int16 at byte offsets a and b; the int32 lanes are flushed into int64 every blk
 * vectors. Locals: 4 = acc64 (v128), 5 = acc32 (v128), 6 = k (i32).
 */
function dotBody(): number[] {
  const [a, b, n, blk, acc64, acc32, k] = [0, 1, 2, 3, 4, 5, 6];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const zero = [0x42, 0x00, ...I64X2_SPLAT];
  const code = [
    ...zero,
    ...set(acc64),
    0x02,
    0x40, // block
    0x03,
    0x40, // loop $outer
    ...get(n),
    0x45,
    0x0d,
    0x01, // br_if to block end when n == 0
    // k = min(n, blk)
    ...get(n),
    ...get(blk),
    ...get(n),
    ...get(blk),
    0x48,
    0x1b,
    ...set(k), // select(n, blk, n < blk)
    ...get(n),
    ...get(k),
    0x6b,
    ...set(n), // n -= k
    ...zero,
    ...set(acc32),
    0x03,
    0x40, // loop $inner
    ...get(acc32),
    ...get(a),
    ...V128_LOAD(0),
    ...get(b),
    ...V128_LOAD(0),
    ...I32X4_DOT_I16X8_S,
    ...I32X4_ADD,
    ...set(acc32),
    ...get(a),
    0x41,
    0x10,
    0x6a,
    ...set(a), // a += 16
    ...get(b),
    0x41,
    0x10,
    0x6a,
    ...set(b), // b += 16
    ...get(k),
    0x41,
    0x01,
    0x6b,
    0x22,
    k, // k -= 1 (tee)
    0x0d,
    0x00, // br_if $inner
    0x0b, // end inner
    ...get(acc64),
    ...get(acc32),
    ...I64X2_EXTEND_LOW_I32X4_S,
    ...I64X2_ADD,
    ...get(acc32),
    ...I64X2_EXTEND_HIGH_I32X4_S,
    ...I64X2_ADD,
    ...set(acc64),
    0x0c,
    0x00, // br $outer
    0x0b, // end outer
    0x0b, // end block
    ...get(acc64),
    ...I64X2_EXTRACT_LANE(0),
    ...get(acc64),
    ...I64X2_EXTRACT_LANE(1),
    0x7c, // i64.add
    0xb9, // f64.convert_i64_s
    0x0b, // end func
  ];
  const locals = [0x02, 0x02, 0x7b, 0x01, 0x7f]; // 2 × v128, 1 × i32
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function moduleBytes(): Uint8Array {
  const str = (x: string) => [...uleb(x.length), ...[...x].map((c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...section(1, [0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7c]), // type 0: (i32 ×4) → f64
    ...section(2, [0x01, ...str('env'), ...str('memory'), 0x02, 0x00, 0x01]), // import memory, ≥ 1 page
    ...section(3, [0x01, 0x00]), // one function, of type 0
    ...section(7, [0x01, ...str('dot'), 0x00, 0x00]), // export it as "dot"
    ...section(10, [0x01, ...dotBody()]),
  ]);
}

/**
 * The slice of the WebAssembly JS API used here. The project's `lib` (ES2023, no DOM) does not declare the
 * global, so it is typed locally and looked up at run time.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the JS twin is used then). */
function simdModule(): object | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

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
    if (mod && wasm && !I16DotKernel.forceJs) {
      const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
      const inst = new wasm.Instance(mod, { env: { memory } });
      this.dotFn = inst.exports.dot as (a: number, b: number, n: number, blk: number) => number;
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
