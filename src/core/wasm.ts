/**
 * A small WebAssembly assembler for the project's numeric kernels (rank IC dots, ranking, GBDT histograms),
 * plus the slice of the WebAssembly JS API they use.
 *
 * Why an assembler and not a toolchain: the kernels are a few hundred bytes each, and writing them here
 * keeps the build step-free (tsx runs the sources) with no binary blobs in the repository. The builder
 * reads like the WebAssembly text format: named locals instead of indices, named labels instead of branch
 * depths, opcodes by their spec names ('i32.add', 'f64x2.mul', …), loads and stores with their natural
 * alignment by default.
 *
 *   const f = new FunctionBuilder('sum', [['p', 'i32'], ['n', 'i32']], ['f64']).local('s', 'f64');
 *   f.block('done').get('n').op('i32.eqz').brIf('done')
 *    .loop('next') .get('s').get('p').load('f64.load').op('f64.add').set('s')
 *                  .get('p').i32(8).op('i32.add').set('p')
 *                  .get('n').i32(1).op('i32.sub').tee('n').brIf('next')
 *    .end().end().get('s');
 *   const exports = instantiate(new ModuleBuilder().importMemory().func(f).compile()!, memory);
 *
 * Binary format references: https://webassembly.github.io/spec/core/binary/ and the SIMD proposal's opcode
 * table (now part of the core spec).
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n} is not an unsigned integer`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const / i64.const immediates). */
export function sleb(value: number | bigint): number[] {
  let n = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/** Opcodes without immediates, by their text-format names. */
const PLAIN = {
  unreachable: [0x00],
  nop: [0x01],
  return: [0x0f],
  drop: [0x1a],
  select: [0x1b],
  'i32.eqz': [0x45],
  'i32.eq': [0x46],
  'i32.ne': [0x47],
  'i32.lt_s': [0x48],
  'i32.lt_u': [0x49],
  'i32.gt_s': [0x4a],
  'i32.gt_u': [0x4b],
  'i32.le_s': [0x4c],
  'i32.le_u': [0x4d],
  'i32.ge_s': [0x4e],
  'i32.ge_u': [0x4f],
  'i64.eqz': [0x50],
  'i64.eq': [0x51],
  'i64.ne': [0x52],
  'i64.lt_s': [0x53],
  'i64.lt_u': [0x54],
  'i64.gt_s': [0x55],
  'i64.gt_u': [0x56],
  'i64.le_s': [0x57],
  'i64.le_u': [0x58],
  'i64.ge_s': [0x59],
  'i64.ge_u': [0x5a],
  'f64.eq': [0x61],
  'f64.ne': [0x62],
  'f64.lt': [0x63],
  'f64.gt': [0x64],
  'f64.le': [0x65],
  'f64.ge': [0x66],
  'i32.clz': [0x67],
  'i32.ctz': [0x68],
  'i32.popcnt': [0x69],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.div_s': [0x6d],
  'i32.div_u': [0x6e],
  'i32.rem_s': [0x6f],
  'i32.rem_u': [0x70],
  'i32.and': [0x71],
  'i32.or': [0x72],
  'i32.xor': [0x73],
  'i32.shl': [0x74],
  'i32.shr_s': [0x75],
  'i32.shr_u': [0x76],
  'i32.rotl': [0x77],
  'i32.rotr': [0x78],
  'i64.clz': [0x79],
  'i64.ctz': [0x7a],
  'i64.popcnt': [0x7b],
  'i64.add': [0x7c],
  'i64.sub': [0x7d],
  'i64.mul': [0x7e],
  'i64.div_s': [0x7f],
  'i64.div_u': [0x80],
  'i64.rem_s': [0x81],
  'i64.rem_u': [0x82],
  'i64.and': [0x83],
  'i64.or': [0x84],
  'i64.xor': [0x85],
  'i64.shl': [0x86],
  'i64.shr_s': [0x87],
  'i64.shr_u': [0x88],
  'i64.rotl': [0x89],
  'i64.rotr': [0x8a],
  'f64.abs': [0x99],
  'f64.neg': [0x9a],
  'f64.ceil': [0x9b],
  'f64.floor': [0x9c],
  'f64.trunc': [0x9d],
  'f64.nearest': [0x9e],
  'f64.sqrt': [0x9f],
  'f64.add': [0xa0],
  'f64.sub': [0xa1],
  'f64.mul': [0xa2],
  'f64.div': [0xa3],
  'f64.min': [0xa4],
  'f64.max': [0xa5],
  'f64.copysign': [0xa6],
  'i32.wrap_i64': [0xa7],
  'i32.trunc_f64_s': [0xaa],
  'i32.trunc_f64_u': [0xab],
  'i64.extend_i32_s': [0xac],
  'i64.extend_i32_u': [0xad],
  'i64.trunc_f64_s': [0xb0],
  'i64.trunc_f64_u': [0xb1],
  'f32.demote_f64': [0xb6],
  'f64.convert_i32_s': [0xb7],
  'f64.convert_i32_u': [0xb8],
  'f64.convert_i64_s': [0xb9],
  'f64.convert_i64_u': [0xba],
  'f64.promote_f32': [0xbb],
  'i64.reinterpret_f64': [0xbd],
  'f64.reinterpret_i64': [0xbf],
  'i32.trunc_sat_f64_s': [0xfc, 0x02],
  'i32.trunc_sat_f64_u': [0xfc, 0x03],
  /** memory.fill(dest, byte, length) and memory.copy(dest, src, length) (bulk memory). */
  'memory.fill': [0xfc, 0x0b, 0x00],
  'memory.copy': [0xfc, 0x0a, 0x00, 0x00],
  // SIMD
  'i8x16.swizzle': simd(0x0e),
  'i8x16.splat': simd(0x0f),
  'i16x8.splat': simd(0x10),
  'i32x4.splat': simd(0x11),
  'i64x2.splat': simd(0x12),
  'f64x2.splat': simd(0x14),
  'i32x4.eq': simd(0x37),
  'i32x4.ne': simd(0x38),
  'i32x4.lt_s': simd(0x39),
  'i32x4.gt_s': simd(0x3b),
  'i32x4.le_s': simd(0x3d),
  'i32x4.ge_s': simd(0x3f),
  'f64x2.eq': simd(0x47),
  'f64x2.ne': simd(0x48),
  'f64x2.lt': simd(0x49),
  'f64x2.gt': simd(0x4a),
  'f64x2.le': simd(0x4b),
  'f64x2.ge': simd(0x4c),
  'v128.not': simd(0x4d),
  'v128.and': simd(0x4e),
  'v128.andnot': simd(0x4f),
  'v128.or': simd(0x50),
  'v128.xor': simd(0x51),
  'v128.bitselect': simd(0x52),
  'v128.any_true': simd(0x53),
  'f64x2.ceil': simd(0x74),
  'f64x2.floor': simd(0x75),
  'f64x2.trunc': simd(0x7a),
  'i16x8.narrow_i32x4_s': simd(0x85),
  'i16x8.add': simd(0x8e),
  'i16x8.sub': simd(0x91),
  'i16x8.mul': simd(0x95),
  'i32x4.abs': simd(0xa0),
  'i32x4.neg': simd(0xa1),
  'i32x4.all_true': simd(0xa3),
  'i32x4.bitmask': simd(0xa4),
  'i32x4.extend_low_i16x8_s': simd(0xa7),
  'i32x4.extend_high_i16x8_s': simd(0xa8),
  'i32x4.shl': simd(0xab),
  'i32x4.shr_s': simd(0xac),
  'i32x4.shr_u': simd(0xad),
  'i32x4.add': simd(0xae),
  'i32x4.sub': simd(0xb1),
  'i32x4.mul': simd(0xb5),
  'i32x4.min_s': simd(0xb6),
  'i32x4.max_s': simd(0xb8),
  'i32x4.dot_i16x8_s': simd(0xba),
  'i64x2.all_true': simd(0xc3),
  'i64x2.bitmask': simd(0xc4),
  'i64x2.extend_low_i32x4_s': simd(0xc7),
  'i64x2.extend_high_i32x4_s': simd(0xc8),
  'i64x2.shl': simd(0xcb),
  'i64x2.shr_s': simd(0xcc),
  'i64x2.shr_u': simd(0xcd),
  'i64x2.add': simd(0xce),
  'i64x2.sub': simd(0xd1),
  'i64x2.mul': simd(0xd5),
  'i64x2.eq': simd(0xd6),
  'i64x2.ne': simd(0xd7),
  'i64x2.lt_s': simd(0xd8),
  'i64x2.gt_s': simd(0xd9),
  'f64x2.abs': simd(0xec),
  'f64x2.neg': simd(0xed),
  'f64x2.sqrt': simd(0xef),
  'f64x2.add': simd(0xf0),
  'f64x2.sub': simd(0xf1),
  'f64x2.mul': simd(0xf2),
  'f64x2.div': simd(0xf3),
  'f64x2.min': simd(0xf4),
  'f64x2.max': simd(0xf5),
  'f64x2.pmin': simd(0xf6),
  'f64x2.pmax': simd(0xf7),
  'i32x4.trunc_sat_f64x2_s_zero': simd(0xfc),
  'f64x2.convert_low_i32x4_s': simd(0xfe),
} as const satisfies Record<string, readonly number[]>;
export type PlainOp = keyof typeof PLAIN;

/** Loads and stores: opcode and natural alignment (log2 bytes). */
const MEMORY = {
  'i32.load': [[0x28], 2],
  'i64.load': [[0x29], 3],
  'f32.load': [[0x2a], 2],
  'f64.load': [[0x2b], 3],
  'i32.load8_s': [[0x2c], 0],
  'i32.load8_u': [[0x2d], 0],
  'i32.load16_s': [[0x2e], 1],
  'i32.load16_u': [[0x2f], 1],
  'i64.load32_s': [[0x34], 2],
  'i64.load32_u': [[0x35], 2],
  'i32.store': [[0x36], 2],
  'i64.store': [[0x37], 3],
  'f32.store': [[0x38], 2],
  'f64.store': [[0x39], 3],
  'i32.store8': [[0x3a], 0],
  'i32.store16': [[0x3b], 1],
  'v128.load': [simd(0x00), 4],
  'v128.load32_splat': [simd(0x09), 2],
  'v128.load64_splat': [simd(0x0a), 3],
  'v128.store': [simd(0x0b), 4],
  'v128.load64_zero': [simd(0x5d), 3],
} as const satisfies Record<string, readonly [readonly number[], number]>;
export type MemoryOp = keyof typeof MEMORY;

/** Lane instructions, whose immediate is a lane index. */
const LANE = {
  'i16x8.extract_lane_s': simd(0x18),
  'i16x8.replace_lane': simd(0x1a),
  'i32x4.extract_lane': simd(0x1b),
  'i32x4.replace_lane': simd(0x1c),
  'i64x2.extract_lane': simd(0x1d),
  'i64x2.replace_lane': simd(0x1e),
  'f64x2.extract_lane': simd(0x21),
  'f64x2.replace_lane': simd(0x22),
} as const satisfies Record<string, readonly number[]>;
export type LaneOp = keyof typeof LANE;

type Piece = number | { readonly call: string };

/**
 * One function: parameters and locals by name, instructions appended in order (stack machine, as in the
 * text format). Structured control flow takes labels; `br`/`brIf` name the block or loop they target.
 */
export class FunctionBuilder {
  readonly name: string;
  readonly params: readonly (readonly [string, ValType])[];
  readonly results: readonly ValType[];
  private readonly index = new Map<string, number>();
  private readonly localTypes: ValType[] = [];
  private readonly code: Piece[] = [];
  /** Open blocks, innermost last (null for an unlabelled `if`). */
  private readonly labels: (string | null)[] = [];

  constructor(
    name: string,
    params: readonly (readonly [string, ValType])[],
    results: readonly ValType[] = [],
  ) {
    this.name = name;
    this.params = params;
    this.results = results;
    for (const [p] of params) this.declare(p);
  }

  private declare(name: string): void {
    if (this.index.has(name)) throw new Error(`wasm ${this.name}: local ${name} declared twice`);
    this.index.set(name, this.index.size);
  }

  private slot(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`wasm ${this.name}: unknown local ${name}`);
    return i;
  }

  private emit(...bytes: readonly number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** Declares local(s) of one type (zero-initialised). */
  local(names: string | readonly string[], type: ValType): this {
    for (const n of typeof names === 'string' ? [names] : names) {
      this.declare(n);
      this.localTypes.push(type);
    }
    return this;
  }

  get(name: string): this {
    return this.emit(0x20, ...uleb(this.slot(name)));
  }
  set(name: string): this {
    return this.emit(0x21, ...uleb(this.slot(name)));
  }
  tee(name: string): this {
    return this.emit(0x22, ...uleb(this.slot(name)));
  }

  i32(value: number): this {
    return this.emit(0x41, ...sleb(value | 0));
  }
  i64(value: number | bigint): this {
    return this.emit(0x42, ...sleb(value));
  }
  f64(value: number): this {
    return this.emit(0x44, ...new Uint8Array(Float64Array.of(value).buffer));
  }
  /** v128.const from two float64 lanes. */
  f64x2(lo: number, hi: number): this {
    return this.emit(...simd(0x0c), ...new Uint8Array(Float64Array.of(lo, hi).buffer));
  }

  /** Any instruction without immediates. */
  op(name: PlainOp): this {
    return this.emit(...PLAIN[name]);
  }
  /** Several such instructions in order. */
  ops(...names: readonly PlainOp[]): this {
    for (const n of names) this.op(n);
    return this;
  }

  /** Load or store at address (top of stack) + `offset` bytes; alignment hint natural unless given. */
  mem(name: MemoryOp, offset = 0, alignLog2?: number): this {
    const [code, natural] = MEMORY[name];
    return this.emit(...code, ...uleb(alignLog2 ?? natural), ...uleb(offset));
  }
  load(name: MemoryOp, offset = 0, alignLog2?: number): this {
    return this.mem(name, offset, alignLog2);
  }
  store(name: MemoryOp, offset = 0, alignLog2?: number): this {
    return this.mem(name, offset, alignLog2);
  }

  lane(name: LaneOp, lane: number): this {
    return this.emit(...LANE[name], lane);
  }

  /** i8x16.shuffle of the two vectors on the stack: byte k of the result is byte `bytes[k]` of a‖b (0–31). */
  shuffle(bytes: readonly number[]): this {
    if (bytes.length !== 16 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 31))
      throw new Error(`wasm ${this.name}: i8x16.shuffle needs 16 byte indices in 0…31`);
    return this.emit(...simd(0x0d), ...bytes);
  }

  /** v128.const from four int32 lanes. */
  i32x4(a: number, b: number, c: number, d: number): this {
    return this.emit(...simd(0x0c), ...new Uint8Array(Int32Array.of(a, b, c, d).buffer));
  }

  private open(opcode: number, label: string | null, result?: ValType): this {
    this.labels.push(label);
    return this.emit(opcode, result ? VALTYPE[result] : 0x40);
  }
  block(label: string, result?: ValType): this {
    return this.open(0x02, label, result);
  }
  loop(label: string, result?: ValType): this {
    return this.open(0x03, label, result);
  }
  /** `if` on the i32 at the top of the stack; a label lets `br` leave it. */
  if(label: string | null = null, result?: ValType): this {
    return this.open(0x04, label, result);
  }
  else(): this {
    return this.emit(0x05);
  }
  end(): this {
    if (this.labels.length === 0) throw new Error(`wasm ${this.name}: end without an open block`);
    this.labels.pop();
    return this.emit(0x0b);
  }

  private depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm ${this.name}: no enclosing block ${label}`);
    return this.labels.length - 1 - i;
  }
  br(label: string): this {
    return this.emit(0x0c, ...uleb(this.depth(label)));
  }
  brIf(label: string): this {
    return this.emit(0x0d, ...uleb(this.depth(label)));
  }
  /** Calls a function of the same module by name (resolved when the module is assembled). */
  call(name: string): this {
    this.code.push({ call: name });
    return this;
  }

  /** The code section entry (size, locals, body), with calls resolved by `functionIndex`. */
  encode(functionIndex: (name: string) => number): number[] {
    if (this.labels.length > 0) throw new Error(`wasm ${this.name}: unclosed block ${this.labels.at(-1)}`);
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), VALTYPE[this.localTypes[i]!]]);
      i = j;
    }
    const body: number[] = [...uleb(groups.length), ...groups.flat()];
    for (const p of this.code) {
      if (typeof p === 'number') body.push(p);
      else body.push(0x10, ...uleb(functionIndex(p.call)));
    }
    body.push(0x0b);
    return [...uleb(body.length), ...body];
  }

  /** The function type (0x60 params results). */
  signature(): number[] {
    return [
      0x60,
      ...uleb(this.params.length),
      ...this.params.map(([, t]) => VALTYPE[t]),
      ...uleb(this.results.length),
      ...this.results.map((t) => VALTYPE[t]),
    ];
  }
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function utf8(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** A module: one imported memory and functions (exported under their names unless told otherwise). */
export class ModuleBuilder {
  private memory: { module: string; name: string; minPages: number } | null = null;
  private readonly funcs: { fn: FunctionBuilder; exported: boolean }[] = [];

  /** Imports the linear memory the functions address (default `env.memory`, ≥ 1 page). */
  importMemory(module = 'env', name = 'memory', minPages = 1): this {
    this.memory = { module, name, minPages };
    return this;
  }

  func(fn: FunctionBuilder, exported = true): this {
    if (this.funcs.some((f) => f.fn.name === fn.name))
      throw new Error(`wasm: function ${fn.name} added twice`);
    this.funcs.push({ fn, exported });
    return this;
  }

  bytes(): Uint8Array {
    const types: number[][] = [];
    const typeKeys: string[] = [];
    const typeOf = this.funcs.map(({ fn }) => {
      const sig = fn.signature();
      const key = sig.join(',');
      let i = typeKeys.indexOf(key);
      if (i < 0) {
        i = typeKeys.push(key) - 1;
        types.push(sig);
      }
      return i;
    });
    const functionIndex = (name: string) => {
      const i = this.funcs.findIndex((f) => f.fn.name === name);
      if (i < 0) throw new Error(`wasm: call to unknown function ${name}`);
      return i;
    };
    const imports = this.memory
      ? [[...utf8(this.memory.module), ...utf8(this.memory.name), 0x02, 0x00, ...uleb(this.memory.minPages)]]
      : [];
    const exports = this.funcs.flatMap(({ fn, exported }, i) =>
      exported ? [[...utf8(fn.name), 0x00, ...uleb(i)]] : [],
    );
    return Uint8Array.from([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
      ...section(1, vector(types)),
      ...(imports.length ? section(2, vector(imports)) : []),
      ...section(3, vector(typeOf.map((t) => uleb(t)))),
      ...section(7, vector(exports)),
      ...section(10, vector(this.funcs.map(({ fn }) => fn.encode(functionIndex)))),
      // the name section (custom, subsection 1: function names), so CPU profiles and stack traces name the
      // kernels instead of showing wasm-function[i]; no effect on what the module computes
      ...section(0, [
        ...utf8('name'),
        ...section(1, vector(this.funcs.map(({ fn }, i) => [...uleb(i), ...utf8(fn.name)]))),
      ]),
    ]);
  }

  /** The compiled module, or null where this engine rejects it (e.g. no SIMD): callers keep a JS path. */
  compile(): WasmModule | null {
    const api = wasmApi();
    const bytes = this.bytes();
    return api?.validate(bytes) ? new api.Module(bytes) : null;
  }
}

/**
 * A module built and compiled on first use, then kept for the life of the thread: the kernels' one way to
 * get their module. Null where the engine has no WebAssembly or rejects the module (e.g. no SIMD), so the
 * caller keeps its JS path; an error while building is a bug and is thrown, never turned into the JS path.
 */
export function lazyModule(build: () => ModuleBuilder): () => WasmModule | null {
  let compiled: WasmModule | null | undefined;
  return () => {
    if (compiled === undefined) compiled = wasmApi() ? build().compile() : null;
    return compiled;
  };
}

/**
 * The slice of the WebAssembly JS API used by the kernels. The project's TypeScript `lib` (ES2023, no DOM)
 * does not declare the global, so it is typed here and looked up at run time.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object & { readonly __wasmModule?: never };
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The engine's WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

export const WASM_PAGE_BYTES = 65536;

/** A fresh memory of at least `bytes` bytes (whole 64 KiB pages, ≥ 1). */
export function newWasmMemory(bytes: number): WasmMemory {
  const api = wasmApi();
  if (!api) throw new Error('WebAssembly is not available in this engine');
  return new api.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES)) });
}

/** Grows `memory` to at least `bytes` bytes (whole pages). True if it grew: views on its old buffer are stale. */
export function ensureWasmMemory(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return false;
  memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
  return true;
}

/**
 * This thread's instance of a one-function kernel on its own memory: `kernel(bytes)` returns the function and
 * the memory grown to at least `bytes`, or null where the module does not compile (no WebAssembly SIMD), so the
 * caller takes its JS twin. The instance is made on first use and kept for the thread's lifetime.
 */
export function threadKernel<F>(
  module: () => WasmModule | null,
  name: string,
): (bytes: number) => { readonly memory: WasmMemory; readonly fn: F } | null {
  let instance: { memory: WasmMemory; fn: F } | null | undefined;
  return (bytes) => {
    if (instance === undefined) {
      const mod = module();
      if (!mod) instance = null;
      else {
        const memory = newWasmMemory(bytes);
        instance = { memory, fn: instantiate(mod, memory)[name] as F };
      }
    }
    if (instance) ensureWasmMemory(instance.memory, bytes);
    return instance;
  };
}

/** Instantiates `module` on `memory` (imported as `env.memory`, or `module.name` if given). */
export function instantiate(
  module: WasmModule,
  memory: WasmMemory,
  importName: { module: string; name: string } = { module: 'env', name: 'memory' },
): Record<string, unknown> {
  const api = wasmApi()!;
  return new api.Instance(module, { [importName.module]: { [importName.name]: memory } }).exports;
}
