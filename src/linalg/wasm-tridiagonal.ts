/**
 * The symmetric product of the blocked tridiagonalisation (tridiagonal.ts, reducePanel) in WebAssembly
 * f64x2, with the matrix and the panel's vectors in the kernel memory (docs/decisions/030).
 *
 * Why: each of the n reflector steps multiplies the stale trailing upper triangle by v — n³/3 multiply-adds
 * in all, half the reduction's flops and, after the trailing update moved to the WebAssembly gemm, most
 * of its time. In JavaScript the two-rows-at-a-time loop runs near 1.7 GFLOP/s; here each step handles two
 * columns per f64x2 (a dot for each of the two rows and the mirrored axpy into p).
 *
 * Kernel `symvUpper(a, ldaBytes, r0, n, v, p)` (byte offsets; v and p indexed by global column):
 *   p[r] += Σ_{c ≥ r} A[r, c]·v[c] and p[c] += A[r, c]·v[r] for c > r, over rows r0 … n − 1,
 * i.e. p += A·v for the symmetric matrix whose upper triangle (rows/columns r0…n−1) is stored in A.
 * The row dots are summed in two lanes, so their rounding differs from the scalar twin by the order of
 * the additions only; the axpy into p performs the same operations as the scalar loop.
 */
import {
  FunctionBuilder,
  instantiate,
  lazyModule,
  ModuleBuilder,
  WASM_PAGE_BYTES,
  type WasmMemory,
  type WasmModule,
  wasmApi,
} from '../core/wasm.ts';

type SymvUpper = (a: number, lda: number, r0: number, n: number, v: number, p: number) => void;

/** f64 at base + 8·index (both locals). */
function at(f: FunctionBuilder, base: string, index: string): FunctionBuilder {
  return f.get(base).get(index).i32(3).op('i32.shl').op('i32.add');
}

function symvUpperFunction(): FunctionBuilder {
  const f = new FunctionBuilder('symvUpper', [
    ['a', 'i32'],
    ['lda', 'i32'],
    ['r0', 'i32'],
    ['n', 'i32'],
    ['v', 'i32'],
    ['p', 'i32'],
  ])
    .local(['r', 'c', 'b0', 'b1', 'pc'], 'i32')
    .local(['v0', 'v1', 'a01', 's0', 's1', 'x0', 'x1', 'vc'], 'f64')
    .local(['V0', 'V1', 'S0', 'S1', 'X0', 'X1', 'VC'], 'v128');
  f.get('r0').set('r');
  f.block('rowsDone').loop('rows');
  f.get('r').i32(1).op('i32.add').get('n').op('i32.ge_s').brIf('rowsDone');
  // b0, b1: the addresses of A[r, 0] and A[r + 1, 0].
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').tee('b0').get('lda').op('i32.add').set('b1');
  at(f, 'v', 'r').load('f64.load').set('v0');
  at(f, 'v', 'r').load('f64.load', 8).set('v1');
  at(f, 'b0', 'r').load('f64.load', 8).set('a01');
  // The 2 × 2 diagonal block.
  at(f, 'b0', 'r').load('f64.load').get('v0').op('f64.mul').get('a01').get('v1').op('f64.mul');
  f.op('f64.add').set('s0');
  f.get('a01').get('v0').op('f64.mul');
  at(f, 'b1', 'r').load('f64.load', 8).get('v1').op('f64.mul').op('f64.add').set('s1');
  f.get('v0').op('f64x2.splat').set('V0');
  f.get('v1').op('f64x2.splat').set('V1');
  f.f64x2(0, 0).set('S0');
  f.f64x2(0, 0).set('S1');
  f.get('r').i32(2).op('i32.add').set('c');
  // Columns in pairs.
  f.block('pairsDone').loop('pairs');
  f.get('c').i32(2).op('i32.add').get('n').op('i32.gt_s').brIf('pairsDone');
  at(f, 'b0', 'c').load('v128.load', 0, 3).set('X0');
  at(f, 'b1', 'c').load('v128.load', 0, 3).set('X1');
  at(f, 'v', 'c').load('v128.load', 0, 3).set('VC');
  f.get('S0').get('X0').get('VC').op('f64x2.mul').op('f64x2.add').set('S0');
  f.get('S1').get('X1').get('VC').op('f64x2.mul').op('f64x2.add').set('S1');
  at(f, 'p', 'c').tee('pc');
  f.get('pc').load('v128.load', 0, 3);
  f.get('V0').get('X0').op('f64x2.mul').get('V1').get('X1').op('f64x2.mul').op('f64x2.add');
  f.op('f64x2.add').store('v128.store', 0, 3);
  f.get('c').i32(2).op('i32.add').set('c').br('pairs');
  f.end().end();
  // Odd last column.
  f.get('c').get('n').op('i32.lt_s').if();
  at(f, 'b0', 'c').load('f64.load').set('x0');
  at(f, 'b1', 'c').load('f64.load').set('x1');
  at(f, 'v', 'c').load('f64.load').set('vc');
  f.get('s0').get('x0').get('vc').op('f64.mul').op('f64.add').set('s0');
  f.get('s1').get('x1').get('vc').op('f64.mul').op('f64.add').set('s1');
  at(f, 'p', 'c').tee('pc');
  f.get('pc').load('f64.load');
  f.get('v0').get('x0').op('f64.mul').get('v1').get('x1').op('f64.mul').op('f64.add');
  f.op('f64.add').store('f64.store');
  f.end();
  // p[r] += s0 + ΣS0, p[r + 1] += s1 + ΣS1.
  at(f, 'p', 'r').tee('pc');
  f.get('pc').load('f64.load');
  f.get('s0').get('S0').lane('f64x2.extract_lane', 0).get('S0').lane('f64x2.extract_lane', 1);
  f.op('f64.add').op('f64.add').op('f64.add').store('f64.store');
  f.get('pc').get('pc').load('f64.load', 8);
  f.get('s1').get('S1').lane('f64x2.extract_lane', 0).get('S1').lane('f64x2.extract_lane', 1);
  f.op('f64.add').op('f64.add').op('f64.add').store('f64.store', 8);
  f.get('r').i32(2).op('i32.add').set('r').br('rows');
  f.end().end();
  // Odd last row: its diagonal entry only.
  f.get('r').get('n').op('i32.lt_s').if();
  at(f, 'p', 'r').tee('pc');
  f.get('pc').load('f64.load');
  f.get('a').get('r').get('lda').op('i32.mul').op('i32.add').set('b0');
  at(f, 'b0', 'r').load('f64.load');
  at(f, 'v', 'r').load('f64.load').op('f64.mul').op('f64.add').store('f64.store');
  f.end();
  return f;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (tridiagonal.ts keeps its JS path). */
const tridiagonalModule = lazyModule(() => new ModuleBuilder().importMemory().func(symvUpperFunction()));

/**
 * This thread's kernel memory for one reduction of order n: the matrix (n × n, leading dimension n), the
 * panel's Vt and Wt (rows × n each) and the product p (n), as views refreshed by `reserve`.
 */
export class TridiagonalWorkspace {
  private readonly memory: WasmMemory;
  private readonly run: SymvUpper;
  private n = 0;
  A: Float64Array = new Float64Array(0);
  Vt: Float64Array = new Float64Array(0);
  Wt: Float64Array = new Float64Array(0);
  p: Float64Array = new Float64Array(0);

  constructor(module: WasmModule) {
    const api = wasmApi()!;
    this.memory = new api.Memory({ initial: 1 });
    this.run = instantiate(module, this.memory).symvUpper as SymvUpper;
  }

  /** Lays the views out for order n with `panel` rows of Vt and Wt (contents unspecified). */
  reserve(n: number, panel: number): void {
    const need = 8 * (n * n + 2 * panel * n + n);
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / WASM_PAGE_BYTES));
    const buf = this.memory.buffer;
    this.n = n;
    let o = 0;
    this.A = new Float64Array(buf, o, n * n);
    o += 8 * n * n;
    this.Vt = new Float64Array(buf, o, panel * n);
    o += 8 * panel * n;
    this.Wt = new Float64Array(buf, o, panel * n);
    o += 8 * panel * n;
    this.p = new Float64Array(buf, o, n);
  }

  /** p += A₂₂·(row `vRow` of Vt) over rows/columns r0…n−1 (the upper triangle of A is read). */
  symvUpper(r0: number, vRow: number): void {
    const n = this.n;
    this.run(this.A.byteOffset, 8 * n, r0, n, this.Vt.byteOffset + 8 * vRow * n, this.p.byteOffset);
  }
}

let workspace: TridiagonalWorkspace | null | undefined;

/** This thread's workspace, or null where WebAssembly SIMD is unavailable. */
export function tridiagonalWorkspace(): TridiagonalWorkspace | null {
  if (workspace === undefined) {
    const module = tridiagonalModule();
    workspace = module ? new TridiagonalWorkspace(module) : null;
  }
  return workspace;
}
