/**
 * The two products of a spectral risk operator's ADMM step (spectral-operator.ts), Vᵀx and s·x + V·y, as
 * WebAssembly SIMD kernels over a copy of V (p × k, row-major) held in the kernel's own memory.
 *
 * Why: at p = 1500, k ≈ 500 each w-step streams the 6 MB V twice and these two loops are the optimiser's
 * per-iteration cost (docs/decisions/153). In JS every `out[j] +=` reloads the typed array's pointer and
 * length and runs one lane; here the memory base is pinned and the pairs go through f64x2.
 *
 * Exactness: both kernels perform the same IEEE operations in the same order as the scalar JS twins in
 * spectral-operator.ts — `project` sums two rows per pass into out (out_j + (V_i,j·x_i + V_i+1,j·x_i+1)),
 * `expand` keeps four strided partial sums per row ((a0 + a1) + (a2 + a3), the k mod 4 tail on a0) — and a
 * lane of f64x2.mul/add rounds as the scalar operation does (no fused multiply-add), so the results are
 * bit-identical to the JS path (test/portfolio/spectral-kernel.test.ts).
 *
 *   project(V, x, out, p, k):      out = Vᵀx  (pairs of rows whose x are both zero are skipped, as in JS)
 *   expand(V, x, s, y, out, p, k): out_i = s·x_i + V_i·y   (out may be x)
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
import { addScaledRow, emitRowDotParts } from '../linalg/wasm-rows.ts';

type Project = (V: number, x: number, out: number, p: number, k: number) => void;
type Expand = (V: number, x: number, s: number, y: number, out: number, p: number, k: number) => void;
type RowProducts = (V: number, A: number, AV: number, p: number, k: number, m: number) => void;

/** out_j += (V_r0,j·x0 + V_r1,j·x1) over the k columns: one pair of rows, as a pass of the JS `project`. */
function pairPass(f: FunctionBuilder, r0: string, r1: string, v0: string, v1: string): void {
  f.i32(0).set('jb');
  f.block('pairVecDone').loop('pairVec');
  f.get('jb').get('k2b').op('i32.ge_u').brIf('pairVecDone');
  f.get('out').get('jb').op('i32.add').tee('o');
  f.get('o').load('v128.load', 0, 3);
  f.get(r0).get('jb').op('i32.add').load('v128.load', 0, 3).get(v0).op('f64x2.mul');
  f.get(r1).get('jb').op('i32.add').load('v128.load', 0, 3).get(v1).op('f64x2.mul');
  f.op('f64x2.add').op('f64x2.add').store('v128.store', 0, 3);
  f.get('jb').i32(16).op('i32.add').set('jb').br('pairVec');
  f.end().end();
  // odd k: the last column
  f.get('jb').get('kb').op('i32.lt_u').if();
  f.get('out').get('jb').op('i32.add').tee('o');
  f.get('o').load('f64.load');
  f.get(r0).get('jb').op('i32.add').load('f64.load').get(v0).lane('f64x2.extract_lane', 0).op('f64.mul');
  f.get(r1).get('jb').op('i32.add').load('f64.load').get(v1).lane('f64x2.extract_lane', 0).op('f64.mul');
  f.op('f64.add').op('f64.add').store('f64.store');
  f.end();
}

/**
 * out = Vᵀx (the JS `project`'s order: out_j + (V_i,j·x_i + V_i+1,j·x_i+1) per pair of rows, a pair whose x
 * are both zero skipped). Two pairs share one load and store of out when both count — the same additions
 * in the same order, half the traffic on out.
 */
function projectFunction(): FunctionBuilder {
  const f = new FunctionBuilder('project', [
    ['V', 'i32'],
    ['x', 'i32'],
    ['out', 'i32'],
    ['p', 'i32'],
    ['k', 'i32'],
  ])
    .local(['i', 'r0', 'r1', 'r2', 'r3', 'jb', 'kb', 'k2b', 'o', 'xb', 'f01', 'f23'], 'i32')
    .local(['t'], 'f64')
    .local(['v0', 'v1', 'v2', 'v3'], 'v128');
  f.get('k').i32(3).op('i32.shl').set('kb');
  f.get('k').i32(-2).op('i32.and').i32(3).op('i32.shl').set('k2b');
  f.get('out').i32(0).get('kb').op('memory.fill');
  f.get('V').set('r0');
  const splat = (at: number, v: string) => f.get('xb').load('f64.load', at).op('f64x2.splat').set(v);
  const nonZero = (v: string) => f.get(v).lane('f64x2.extract_lane', 0).f64(0).op('f64.ne');
  // rows i … i + 3 while i + 3 < p
  f.block('quadsDone').loop('quads');
  f.get('i').i32(3).op('i32.add').get('p').op('i32.ge_s').brIf('quadsDone');
  f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').set('xb');
  splat(0, 'v0');
  splat(8, 'v1');
  splat(16, 'v2');
  splat(24, 'v3');
  f.get('r0').get('kb').op('i32.add').tee('r1').get('kb').op('i32.add').tee('r2');
  f.get('kb').op('i32.add').set('r3');
  nonZero('v0');
  nonZero('v1');
  f.op('i32.or').set('f01');
  nonZero('v2');
  nonZero('v3');
  f.op('i32.or').set('f23');
  f.get('f01').get('f23').op('i32.and').if();
  f.i32(0).set('jb');
  f.block('quadVecDone').loop('quadVec');
  f.get('jb').get('k2b').op('i32.ge_u').brIf('quadVecDone');
  f.get('out').get('jb').op('i32.add').tee('o');
  f.get('o').load('v128.load', 0, 3);
  f.get('r0').get('jb').op('i32.add').load('v128.load', 0, 3).get('v0').op('f64x2.mul');
  f.get('r1').get('jb').op('i32.add').load('v128.load', 0, 3).get('v1').op('f64x2.mul');
  f.op('f64x2.add').op('f64x2.add');
  f.get('r2').get('jb').op('i32.add').load('v128.load', 0, 3).get('v2').op('f64x2.mul');
  f.get('r3').get('jb').op('i32.add').load('v128.load', 0, 3).get('v3').op('f64x2.mul');
  f.op('f64x2.add').op('f64x2.add').store('v128.store', 0, 3);
  f.get('jb').i32(16).op('i32.add').set('jb').br('quadVec');
  f.end().end();
  f.get('jb').get('kb').op('i32.lt_u').if();
  f.get('out').get('jb').op('i32.add').tee('o');
  f.get('o').load('f64.load');
  f.get('r0').get('jb').op('i32.add').load('f64.load').get('v0').lane('f64x2.extract_lane', 0).op('f64.mul');
  f.get('r1').get('jb').op('i32.add').load('f64.load').get('v1').lane('f64x2.extract_lane', 0).op('f64.mul');
  f.op('f64.add').op('f64.add').set('t');
  f.get('t');
  f.get('r2').get('jb').op('i32.add').load('f64.load').get('v2').lane('f64x2.extract_lane', 0).op('f64.mul');
  f.get('r3').get('jb').op('i32.add').load('f64.load').get('v3').lane('f64x2.extract_lane', 0).op('f64.mul');
  f.op('f64.add').op('f64.add').store('f64.store');
  f.end();
  f.else();
  f.get('f01').if();
  pairPass(f, 'r0', 'r1', 'v0', 'v1');
  f.end();
  f.get('f23').if();
  pairPass(f, 'r2', 'r3', 'v2', 'v3');
  f.end();
  f.end();
  f.get('r3').get('kb').op('i32.add').set('r0');
  f.get('i').i32(4).op('i32.add').set('i').br('quads');
  f.end().end();
  // a last pair
  f.get('i').i32(1).op('i32.add').get('p').op('i32.lt_s').if();
  f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').set('xb');
  splat(0, 'v0');
  splat(8, 'v1');
  f.get('r0').get('kb').op('i32.add').set('r1');
  nonZero('v0');
  nonZero('v1');
  f.op('i32.or').if();
  pairPass(f, 'r0', 'r1', 'v0', 'v1');
  f.end();
  f.get('r1').get('kb').op('i32.add').set('r0');
  f.get('i').i32(2).op('i32.add').set('i');
  f.end();
  // odd p: the last row alone (out_j + V_j·x_i)
  f.get('i').get('p').op('i32.lt_s').if();
  f.get('x').get('i').i32(3).op('i32.shl').op('i32.add').set('xb');
  splat(0, 'v0');
  addScaledRow(f, 'out', 'r0', 'v0', () => f.get('v0').lane('f64x2.extract_lane', 0));
  f.end();
  return f;
}

/**
 * out_i ← s·x_i + ((acc + lo₁) + (hi₀ + hi₁)) at byte offset ib + `offset` (row i + offset/8): a row's partial
 * sums combined in the JS `expand`'s order — acc holds lo₀ plus the k mod 4 tail.
 */
function storeExpandedRow(f: FunctionBuilder, acc: string, lo: string, hi: string, offset: number): void {
  f.get('out').get('ib').op('i32.add');
  f.get('s').get('x').get('ib').op('i32.add').load('f64.load', offset).op('f64.mul');
  f.get(acc).get(lo).lane('f64x2.extract_lane', 1).op('f64.add');
  f.get(hi).lane('f64x2.extract_lane', 0).get(hi).lane('f64x2.extract_lane', 1).op('f64.add');
  f.op('f64.add').op('f64.add').store('f64.store', offset);
}

/**
 * out_i = s·x_i + V_i·y with partial sums (a0, a1) and (a2, a3) in two f64x2 (the JS `expand`'s order). Two
 * rows per pass: four independent add chains instead of two (the latency of f64x2.add bound the loop), and
 * each y pair loaded once for both rows; each row's sums are formed exactly as alone.
 */
function expandFunction(): FunctionBuilder {
  const f = new FunctionBuilder('expand', [
    ['V', 'i32'],
    ['x', 'i32'],
    ['s', 'f64'],
    ['y', 'i32'],
    ['out', 'i32'],
    ['p', 'i32'],
    ['k', 'i32'],
  ])
    .local(['i', 'row', 'row1', 'jb', 'kb', 'k4b', 'ib'], 'i32')
    .local(['a0', 'c0'], 'f64')
    .local(['A', 'B', 'C', 'D', 'Y0', 'Y1'], 'v128');
  f.get('k').i32(3).op('i32.shl').set('kb');
  f.get('k').i32(-4).op('i32.and').i32(3).op('i32.shl').set('k4b');
  f.get('V').set('row');
  // rows i, i + 1 while i + 1 < p
  f.block('pairsDone').loop('pairs');
  f.get('i').i32(1).op('i32.add').get('p').op('i32.ge_s').brIf('pairsDone');
  f.get('row').get('kb').op('i32.add').set('row1');
  f.f64x2(0, 0).tee('A').tee('B').tee('C').set('D');
  f.i32(0).set('jb');
  f.block('vecDone').loop('vec');
  f.get('jb').get('k4b').op('i32.ge_u').brIf('vecDone');
  f.get('y').get('jb').op('i32.add').load('v128.load', 0, 3).set('Y0');
  f.get('y').get('jb').op('i32.add').load('v128.load', 16, 3).set('Y1');
  f.get('A').get('row').get('jb').op('i32.add').load('v128.load', 0, 3).get('Y0');
  f.op('f64x2.mul').op('f64x2.add').set('A');
  f.get('B').get('row').get('jb').op('i32.add').load('v128.load', 16, 3).get('Y1');
  f.op('f64x2.mul').op('f64x2.add').set('B');
  f.get('C').get('row1').get('jb').op('i32.add').load('v128.load', 0, 3).get('Y0');
  f.op('f64x2.mul').op('f64x2.add').set('C');
  f.get('D').get('row1').get('jb').op('i32.add').load('v128.load', 16, 3).get('Y1');
  f.op('f64x2.mul').op('f64x2.add').set('D');
  f.get('jb').i32(32).op('i32.add').set('jb').br('vec');
  f.end().end();
  f.get('A').lane('f64x2.extract_lane', 0).set('a0');
  f.get('C').lane('f64x2.extract_lane', 0).set('c0');
  // the k mod 4 tail on a0 (row i) and c0 (row i + 1)
  f.block('tailDone').loop('tail');
  f.get('jb').get('kb').op('i32.ge_u').brIf('tailDone');
  f.get('a0');
  f.get('row').get('jb').op('i32.add').load('f64.load');
  f.get('y').get('jb').op('i32.add').load('f64.load');
  f.op('f64.mul').op('f64.add').set('a0');
  f.get('c0');
  f.get('row1').get('jb').op('i32.add').load('f64.load');
  f.get('y').get('jb').op('i32.add').load('f64.load');
  f.op('f64.mul').op('f64.add').set('c0');
  f.get('jb').i32(8).op('i32.add').set('jb').br('tail');
  f.end().end();
  f.get('i').i32(3).op('i32.shl').set('ib');
  storeExpandedRow(f, 'a0', 'A', 'B', 0);
  storeExpandedRow(f, 'c0', 'C', 'D', 8);
  f.get('row1').get('kb').op('i32.add').set('row');
  f.get('i').i32(2).op('i32.add').set('i').br('pairs');
  f.end().end();
  // odd p: the last row alone
  f.get('i').get('p').op('i32.lt_s').if();
  emitRowDotParts(f, {
    row: 'row',
    vec: 'y',
    quadBytes: 'k4b',
    bytes: 'kb',
    at: 'jb',
    lo: 'A',
    hi: 'B',
    s0: 'a0',
    label: 'last',
  });
  f.get('i').i32(3).op('i32.shl').set('ib');
  storeExpandedRow(f, 'a0', 'A', 'B', 0);
  f.end();
  return f;
}

/**
 * AV = A·V for m constraint rows A (m × p, row-major): for i = 0, 1, …, every row a with A_a,i ≠ 0 adds
 * A_a,i·V_i to AV_a — the JS `rowProducts` order (each entry one sum over i in order, a zero coefficient
 * skipped), two entries of AV_a per f64x2.
 */
function rowProductsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('rowProducts', [
    ['V', 'i32'],
    ['A', 'i32'],
    ['AV', 'i32'],
    ['p', 'i32'],
    ['k', 'i32'],
    ['m', 'i32'],
  ])
    .local(['i', 'a', 'row', 'av', 'jb', 'kb', 'k2b', 'pb', 'o'], 'i32')
    .local(['x'], 'f64')
    .local(['xs'], 'v128');
  f.get('k').i32(3).op('i32.shl').set('kb');
  f.get('k').i32(-2).op('i32.and').i32(3).op('i32.shl').set('k2b');
  f.get('p').i32(3).op('i32.shl').set('pb');
  f.get('AV').i32(0).get('m').get('kb').op('i32.mul').op('memory.fill');
  f.get('V').set('row');
  f.block('rowsDone').loop('rows');
  f.get('i').get('p').op('i32.ge_s').brIf('rowsDone');
  f.i32(0).set('a');
  f.get('AV').set('av');
  f.block('consDone').loop('cons');
  f.get('a').get('m').op('i32.ge_s').brIf('consDone');
  // x = A[a, i]
  f.get('A').get('a').get('pb').op('i32.mul').op('i32.add').get('i').i32(3).op('i32.shl').op('i32.add');
  f.load('f64.load').set('x');
  f.get('x').f64(0).op('f64.ne').if();
  f.get('x').op('f64x2.splat').set('xs');
  addScaledRow(f, 'av', 'row', 'xs', () => f.get('x'));
  f.end();
  f.get('av').get('kb').op('i32.add').set('av');
  f.get('a').i32(1).op('i32.add').set('a').br('cons');
  f.end().end();
  f.get('row').get('kb').op('i32.add').set('row');
  f.get('i').i32(1).op('i32.add').set('i').br('rows');
  f.end().end();
  return f;
}

const kernelModule = lazyModule(() =>
  new ModuleBuilder()
    .importMemory()
    .func(projectFunction())
    .func(expandFunction())
    .func(rowProductsFunction()),
);

/** Constraint rows the kernel's memory has room for in `rowProducts` (more: the caller's JS loop). */
const MAX_ROWS = 32;

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * One V in kernel memory with scratch vectors x (p), y (k) and out (p). The caller copies its operands into
 * the views `x`/`y`, runs a kernel, and reads `out` (or `y` for a projection).
 */
export class SpectralKernel {
  readonly p: number;
  readonly k: number;
  private readonly memory: WasmMemory;
  private readonly runProject: Project;
  private readonly runExpand: Expand;
  private readonly runRowProducts: RowProducts;
  private readonly xAt: number;
  private readonly yAt: number;
  private readonly outAt: number;
  private readonly rowsAt: number;
  private readonly productsAt: number;
  /** Views of the scratch vectors in kernel memory. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly out: Float64Array;

  /** True once `release` handed the memory to another kernel: this one must not run again. */
  get released(): boolean {
    return this.isReleased;
  }
  private isReleased = false;

  private constructor(module: WasmModule, V: Float64Array, p: number, k: number, spare?: WasmMemory) {
    this.p = p;
    this.k = k;
    this.xAt = align16(8 * p * k);
    this.yAt = this.xAt + align16(8 * p);
    this.outAt = this.yAt + align16(8 * k);
    this.rowsAt = this.outAt + align16(8 * p);
    this.productsAt = this.rowsAt + align16(8 * MAX_ROWS * p);
    const bytes = this.productsAt + 8 * MAX_ROWS * k;
    if (spare) ensureWasmMemory(spare, bytes);
    this.memory = spare ?? newWasmMemory(bytes);
    const exports = instantiate(module, this.memory);
    this.runProject = exports.project as Project;
    this.runExpand = exports.expand as Expand;
    this.runRowProducts = exports.rowProducts as RowProducts;
    const f64 = new Float64Array(this.memory.buffer);
    f64.set(V, 0);
    this.x = f64.subarray(this.xAt / 8, this.xAt / 8 + p);
    this.y = f64.subarray(this.yAt / 8, this.yAt / 8 + k);
    this.out = f64.subarray(this.outAt / 8, this.outAt / 8 + p);
  }

  /**
   * A kernel holding a copy of V (p × k), or undefined where WebAssembly SIMD is unavailable. `spare`: a
   * released kernel's memory to reuse (grown if too small) instead of a new one.
   */
  static create(V: Float64Array, p: number, k: number, spare?: WasmMemory): SpectralKernel | undefined {
    const module = kernelModule();
    return module && p > 0 && k > 0 ? new SpectralKernel(module, V, p, k, spare) : undefined;
  }

  /** Gives up the memory for reuse by another kernel; this kernel is `released` from then on. */
  release(): WasmMemory {
    this.isReleased = true;
    return this.memory;
  }

  /** y = Vᵀx (the views). */
  project(): void {
    this.runProject(0, this.xAt, this.yAt, this.p, this.k);
  }

  /** out = s·x + V·y (the views). */
  expand(s: number): void {
    this.runExpand(0, this.xAt, s, this.yAt, this.outAt, this.p, this.k);
  }

  /** A·V (m × k, row-major) for rows of length p, or undefined for more than MAX_ROWS rows. */
  rowProducts(rows: readonly Float64Array[]): Float64Array | undefined {
    const { p, k } = this;
    const m = rows.length;
    if (m > MAX_ROWS) return undefined;
    const f64 = new Float64Array(this.memory.buffer);
    rows.forEach((r, a) => {
      f64.set(r, this.rowsAt / 8 + a * p);
    });
    this.runRowProducts(0, this.rowsAt, this.productsAt, p, k, m);
    return f64.slice(this.productsAt / 8, this.productsAt / 8 + m * k);
  }
}
