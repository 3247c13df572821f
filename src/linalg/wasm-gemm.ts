/**
 * dgemm's macro-kernel (gemm.ts) in WebAssembly f64x2, with the packed panels living in the kernel's memory
 * (docs/decisions/030).
 *
 * Why WebAssembly: the JavaScript 4 × 4 micro-kernel keeps 16 scalar accumulators and 8 operands in
 * registers and V8 spills some of them; it peaks near 4.4 GFLOP/s. Here the accumulators are f64x2 pairs
 * (MR rows × NR/2 vectors), each step loads NR/2 vectors of the packed B sliver and broadcasts one packed A
 * value per row, and the pinned memory base removes the typed arrays' bounds and pointer reloads.
 *
 * Same numbers as the JavaScript kernel, bit for bit: every C entry still accumulates a[r]·b[c] over the
 * KC-slice in increasing p, one rounded multiply and one rounded add per step (WebAssembly has no fused
 * multiply-add outside relaxed SIMD, so the engine may not contract them), and the caller adds α·sum to C
 * exactly as the JavaScript kernel does. The f64x2 lanes only compute two columns' sums side by side.
 *
 * Kernel `macro(ap, bp, cs, mcp, ncp, kc)` (byte offsets; mcp, ncp multiples of MR, NR): for each NR-wide
 * micro-panel of B (outer, so it stays in L1) and each MR-tall micro-panel of A, writes the MR × NR tile of
 * (packed A)(packed B) into the row-major mcp × ncp scratch at cs (overwritten, not accumulated).
 */
import {
  ensureWasmMemory,
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  newWasmMemory,
  type WasmMemory,
  type WasmModule,
} from '../core/wasm.ts';

/** Micro-tile shape of the WebAssembly kernel (the packing in gemm.ts uses the same MR, NR). */
export const WASM_MR = 4;
export const WASM_NR = 4;

type Macro = (ap: number, bp: number, cs: number, mcp: number, ncp: number, kc: number) => void;

function macroFunction(MR: number, NR: number): FunctionBuilder {
  const V = NR / 2; // f64x2 vectors per row of the tile
  const acc = (r: number, v: number) => `c${r}_${v}`;
  const f = new FunctionBuilder('macro', [
    ['ap', 'i32'],
    ['bp', 'i32'],
    ['cs', 'i32'],
    ['mcp', 'i32'],
    ['ncp', 'i32'],
    ['kc', 'i32'],
  ])
    .local(['jr', 'ir', 'a', 'b', 'end', 'c', 'ldc', 'bpanel', 'apanel'], 'i32')
    .local(
      Array.from({ length: MR * V }, (_, i) => acc(Math.floor(i / V), i % V)),
      'v128',
    )
    .local(['va', ...Array.from({ length: V }, (_, v) => `vb${v}`)], 'v128');
  // Bytes of one packed micro-panel of A (MR·kc values) and of B (NR·kc values); one scratch row.
  f.get('kc')
    .i32(8 * MR)
    .op('i32.mul')
    .set('apanel');
  f.get('kc')
    .i32(8 * NR)
    .op('i32.mul')
    .set('bpanel');
  f.get('ncp').i32(3).op('i32.shl').set('ldc');

  f.i32(0).set('jr');
  f.block('jdone').loop('jloop');
  f.get('jr').get('ncp').op('i32.ge_u').brIf('jdone');
  f.i32(0).set('ir');
  f.block('idone').loop('iloop');
  f.get('ir').get('mcp').op('i32.ge_u').brIf('idone');
  // a, b: the first values of the two micro-panels; end: one past the A panel.
  f.get('ap').get('ir').i32(MR).op('i32.div_u').get('apanel').op('i32.mul').op('i32.add').tee('a');
  f.get('apanel').op('i32.add').set('end');
  f.get('bp').get('jr').i32(NR).op('i32.div_u').get('bpanel').op('i32.mul').op('i32.add').set('b');
  for (let r = 0; r < MR; r++) for (let v = 0; v < V; v++) f.f64x2(0, 0).set(acc(r, v));
  f.loop('kloop');
  for (let v = 0; v < V; v++)
    f.get('b')
      .load('v128.load', 16 * v, 3)
      .set(`vb${v}`);
  for (let r = 0; r < MR; r++) {
    f.get('a')
      .load('v128.load64_splat', 8 * r)
      .set('va');
    for (let v = 0; v < V; v++)
      f.get(acc(r, v)).get('va').get(`vb${v}`).op('f64x2.mul').op('f64x2.add').set(acc(r, v));
  }
  f.get('b')
    .i32(8 * NR)
    .op('i32.add')
    .set('b');
  f.get('a')
    .i32(8 * MR)
    .op('i32.add')
    .tee('a')
    .get('end')
    .op('i32.lt_u')
    .brIf('kloop');
  f.end();
  // Tile → scratch rows ir..ir+MR, columns jr..jr+NR.
  f.get('cs').get('ir').get('ldc').op('i32.mul').op('i32.add').get('jr').i32(3).op('i32.shl');
  f.op('i32.add').set('c');
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < V; v++)
      f.get('c')
        .get(acc(r, v))
        .store('v128.store', 16 * v, 3);
    if (r + 1 < MR) f.get('c').get('ldc').op('i32.add').set('c');
  }
  f.get('ir').i32(MR).op('i32.add').set('ir').br('iloop');
  f.end().end();
  f.get('jr').i32(NR).op('i32.add').set('jr').br('jloop');
  f.end().end();
  return f;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (gemm.ts keeps its JS kernel). */
const gemmModule = lazyModule(() => new ModuleBuilder().importMemory().func(macroFunction(WASM_MR, WASM_NR)));

/**
 * The kernel memory of this thread: packed A at 0, packed B after it, the C scratch after that; views of
 * the three regions, refreshed whenever `reserve` grows the memory.
 */
export class GemmWorkspace {
  private readonly memory: WasmMemory;
  private readonly run: Macro;
  private aBytes = 0;
  private bBytes = 0;
  Ap: Float64Array = new Float64Array(0);
  Bp: Float64Array = new Float64Array(0);
  Cs: Float64Array = new Float64Array(0);

  constructor(module: WasmModule) {
    this.memory = newWasmMemory(0);
    this.run = instantiate(module, this.memory).macro as Macro;
  }

  /** Makes room for `a`, `b`, `c` float64 values in the three regions (16-byte aligned). */
  reserve(a: number, b: number, c: number): void {
    const aBytes = Math.ceil((8 * a) / 16) * 16;
    const bBytes = Math.ceil((8 * b) / 16) * 16;
    const cBytes = 8 * c;
    if (aBytes <= this.aBytes && bBytes <= this.bBytes && cBytes <= this.Cs.length * 8) return;
    this.aBytes = Math.max(aBytes, this.aBytes);
    this.bBytes = Math.max(bBytes, this.bBytes);
    const cLen = Math.max(c, this.Cs.length);
    const need = this.aBytes + this.bBytes + 8 * cLen;
    ensureWasmMemory(this.memory, need);
    const buf = this.memory.buffer;
    this.Ap = new Float64Array(buf, 0, this.aBytes / 8);
    this.Bp = new Float64Array(buf, this.aBytes, this.bBytes / 8);
    this.Cs = new Float64Array(buf, this.aBytes + this.bBytes, cLen);
  }

  /** Cs[mcp × ncp] ← (packed A)(packed B) over a kc-deep slice; mcp, ncp multiples of WASM_MR, WASM_NR. */
  macro(mcp: number, ncp: number, kc: number): void {
    this.run(0, this.aBytes, this.aBytes + this.bBytes, mcp, ncp, kc);
  }

  /**
   * Cs[mcp × ncp] ← (panels at Ap[a…])(panels at Ap[b…]): both operands from the A region, for a product
   * of a matrix with itself (dsyrk packs op(A) once and reads it as both sides). a, b: float64 offsets of
   * the first micro-panel of each side.
   */
  macroWithinA(a: number, b: number, mcp: number, ncp: number, kc: number): void {
    this.run(8 * a, 8 * b, this.aBytes + this.bBytes, mcp, ncp, kc);
  }
}

let workspace: GemmWorkspace | null | undefined;

/** This thread's workspace, or null where WebAssembly SIMD is unavailable. */
export function gemmWorkspace(): GemmWorkspace | null {
  if (workspace === undefined) {
    const module = gemmModule();
    workspace = module ? new GemmWorkspace(module) : null;
  }
  return workspace;
}
