/**
 * WebAssembly SIMD histogram kernels (methods.md §9.3 item 4), the hot loop of training.
 *
 * Why WebAssembly: a histogram update is "load the bin code, add (g, h) into two adjacent float64 slots". In
 * JavaScript that is two bounds-checked loads, two adds and two stores per update; in WebAssembly it is one
 * f64x2.add on a 16-byte slot pair, without bounds checks (the engine guards linear memory with page
 * protection). Every lane still adds the same float64 values in the same row order as the JavaScript kernels
 * in histogram.ts, so the histograms are bit-identical to them (test/ml/gbdt-kernels.test.ts checks it).
 *
 * The module is assembled here from its opcodes (a few hundred bytes), so there is no build step and no
 * binary blob in the repository. Exports, for L ∈ {1, 2, 4, 8} lanes and u8/u16 bin codes:
 *   hist{L}_{u8|u16}(rowPtr, rowEnd, ghPtr, c_0…c_{L−1}, b_0…b_{L−1})
 * For each row id r = i32[rowPtr …] (4 bytes each) with (g, h) = f64x2 at ghPtr (16 bytes each, same order),
 * lane l adds (g, h) at byte address b_l + 16·code, code = u8[c_l + r] (or u16[c_l + 2r]).
 * All pointers are byte addresses into the imported memory `env.mem`.
 */

const LANES = [1, 2, 4, 8] as const;

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

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

const I32 = 0x7f;
const V128 = 0x7b;
const OP = {
  block: 0x02,
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Load16u: 0x2f,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Shl: 0x74,
  i32Const: 0x41,
  simd: 0xfd,
} as const;
const V128_LOAD = [OP.simd, 0x00];
const V128_STORE = [OP.simd, 0x0b];
const F64X2_ADD = [OP.simd, ...uleb(0xf0)];

/** Body of hist{L}: params 0 rowPtr, 1 rowEnd, 2 ghPtr, 3…3+L−1 c_l, 3+L…3+2L−1 b_l; locals r (i32), v (v128), a (i32). */
function histBody(L: number, u16: boolean): number[] {
  const rowPtr = 0;
  const rowEnd = 1;
  const ghPtr = 2;
  const r = 3 + 2 * L;
  const a = r + 1;
  const v = r + 2;
  const code: number[] = [];
  // block { if rowPtr ≥ rowEnd break; loop { … ; br_if loop (rowPtr < rowEnd) } }
  code.push(OP.block, 0x40);
  code.push(OP.localGet, rowPtr, OP.localGet, rowEnd, OP.i32GeU, OP.brIf, 0);
  code.push(OP.loop, 0x40);
  code.push(OP.localGet, rowPtr, OP.i32Load, 2, 0, OP.localSet, r);
  code.push(OP.localGet, ghPtr, ...V128_LOAD, 3, 0, OP.localSet, v);
  for (let l = 0; l < L; l++) {
    // a = b_l + (code << 4)
    code.push(OP.localGet, 3 + l, OP.localGet, r);
    if (u16) code.push(OP.i32Const, 1, OP.i32Shl);
    code.push(OP.i32Add);
    if (u16) code.push(OP.i32Load16u, 1, 0);
    else code.push(OP.i32Load8u, 0, 0);
    code.push(OP.i32Const, 4, OP.i32Shl, OP.localGet, 3 + L + l, OP.i32Add, OP.localTee, a);
    // mem[a] = mem[a] + v
    code.push(OP.localGet, a, ...V128_LOAD, 3, 0, OP.localGet, v, ...F64X2_ADD, ...V128_STORE, 3, 0);
  }
  code.push(OP.localGet, ghPtr, OP.i32Const, 16, OP.i32Add, OP.localSet, ghPtr);
  code.push(OP.localGet, rowPtr, OP.i32Const, 4, OP.i32Add, OP.localTee, rowPtr);
  code.push(OP.localGet, rowEnd, 0x49 /* i32.lt_u */, OP.brIf, 0);
  code.push(OP.end, OP.end, OP.end);
  const locals = vec([
    [2, I32],
    [1, V128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function assemble(): Uint8Array {
  const variants: { L: number; u16: boolean }[] = [];
  for (const u16 of [false, true]) for (const L of LANES) variants.push({ L, u16 });
  const types = variants.map(({ L }) => [0x60, ...uleb(3 + 2 * L), ...new Array(3 + 2 * L).fill(I32), 0]);
  const imports = [[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]]; // memory, min 1 page, no max
  const funcs = variants.map((_, i) => uleb(i));
  const exports = variants.map(({ L, u16 }, i) => [
    ...name(`hist${L}_${u16 ? 'u16' : 'u8'}`),
    0x00,
    ...uleb(i),
  ]);
  const bodies = variants.map(({ L, u16 }) => histBody(L, u16));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: the exports are typed by HistKernels below
type AnyFn = (...args: any[]) => void;

/** The part of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number }) => WasmMemory;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The kernels of one instance, bound to its memory. */
export interface HistKernels {
  readonly memory: WasmMemory;
  /** Kernel for L lanes (1, 2, 4 or 8) on the bin width of the matrix. */
  readonly lanes: Readonly<Record<1 | 2 | 4 | 8, AnyFn>>;
}

let compiled: object | null = null;

/** Instantiates the kernels on a fresh memory of `pages` 64 KiB pages, for u8 or u16 bin codes. */
export function instantiateHistKernels(pages: number, u16: boolean): HistKernels {
  compiled ??= new WA.Module(assemble());
  const memory = new WA.Memory({ initial: pages });
  const ex = new WA.Instance(compiled, { env: { mem: memory } }).exports as Record<string, AnyFn>;
  const w = u16 ? 'u16' : 'u8';
  return {
    memory,
    lanes: { 1: ex[`hist1_${w}`]!, 2: ex[`hist2_${w}`]!, 4: ex[`hist4_${w}`]!, 8: ex[`hist8_${w}`]! },
  };
}
